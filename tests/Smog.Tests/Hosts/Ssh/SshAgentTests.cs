using System.Diagnostics;
using Smog.Hosts;
using Smog.Hosts.Ssh;
using Smog.Hosts.Ssh.Agent;
using Smog.Tests.Cli;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// Logins through a real, private <c>ssh-agent</c> (started per test on its own socket) into
/// the loopback sshd (see <see cref="SshLoopback"/>); the targets carry no key file, so only the
/// agent can log in. sshd (OpenSSH 9) refuses SHA-1 ssh-rsa signatures, so an RSA login passing
/// proves the rsa-sha2 flags reached the agent.
/// </summary>
public sealed class SshAgentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SshTarget AgentOnly(string socket) => SshLoopback.Target() with { KeyPath = null, UseAgent = true, AgentSocket = socket };

    [Theory]
    [InlineData("client_ed25519", "ssh-ed25519")]
    [InlineData("client_rsa", "ssh-rsa")]
    [InlineData("client_ecdsa", "ecdsa-sha2-nistp256")]
    public async Task A_key_held_only_by_the_agent_logs_in(string key, string type)
    {
        using var agent = PrivateAgent.Start(key);
        Assert.Equal(type, Assert.Single(new SshAgentClient(agent.Socket).ListIdentities()).KeyType);

        using var ssh = await SshLoopback.ConnectAsync(AgentOnly(agent.Socket));

        var result = await ssh.RunAsync("echo", ["logged in"], Ct);
        Assert.Equal("logged in\n", result!.StandardOutput);
    }

    [Fact]
    public void Smog_discover_logs_in_through_the_agent_named_by_agent_true_and_SSH_AUTH_SOCK()
    {
        using var agent = PrivateAgent.Start("client_ed25519");
        var inventory = AgentInventory("agent: true");
        var before = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK");
        Environment.SetEnvironmentVariable("SSH_AUTH_SOCK", agent.Socket);
        try
        {
            var (exit, json, err) = CliRunner.Run(["discover", "--host", "agent-only", "--inventory", inventory, "-o", "json"]);

            Assert.True(exit == 0, err);
            Assert.Contains("\"cells\"", json);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SSH_AUTH_SOCK", before);
            File.Delete(inventory);
        }
    }

    [Fact]
    public async Task The_key_file_is_offered_first_and_the_agents_keys_after_it()
    {
        // The file key is refused, the agent's key accepted: both were offered, in that order.
        using var agent = PrivateAgent.Start("client_rsa");
        var target = AgentOnly(agent.Socket) with { KeyPath = Path.Combine(SshLoopback.Dir, "wrong_ed25519") };

        using var ssh = await SshLoopback.ConnectAsync(target);

        Assert.Equal(0, (await ssh.RunAsync("true", [], Ct))!.ExitCode);
    }

    [Fact]
    public async Task An_agent_with_only_a_wrong_key_is_refused_in_one_line_naming_host_and_socket()
    {
        using var agent = PrivateAgent.Start("wrong_ed25519");
        var target = AgentOnly(agent.Socket);

        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));

        Assert.Equal($"{target.Display}: the server refused the 1 key of the SSH agent at {agent.Socket}", error.Message);
        AssertNoKeyMaterial(error, "wrong_ed25519");
    }

    [Fact]
    public async Task An_agent_that_refuses_to_sign_is_named_with_the_key_fingerprint_only()
    {
        // ssh-add -c: every use needs a confirmation, and the agent's askpass (/bin/false) says no.
        using var agent = PrivateAgent.Start("client_ed25519", confirm: true);
        var target = AgentOnly(agent.Socket);
        var identity = Assert.Single(new SshAgentClient(agent.Socket).ListIdentities());

        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));

        Assert.Equal($"{target.Display}: SSH agent {agent.Socket}: the agent refused to give a signature with {identity.Describe()}", error.Message);
        AssertNoKeyMaterial(error, "client_ed25519");
    }

    [Fact]
    public async Task No_socket_and_an_empty_agent_are_one_line_each()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"smog-no-agent-{Guid.NewGuid():N}.sock");
        var noSocket = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(AgentOnly(missing)));
        using var empty = PrivateAgent.Start();
        var noKeys = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(AgentOnly(empty.Socket)));
        var unset = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK");

        Assert.Equal($"{SshLoopback.Target().Name}: no SSH agent socket at {missing}", noSocket.Message);
        Assert.Equal($"{SshLoopback.Target().Name}: the SSH agent at {empty.Socket} holds no keys (add one with ssh-add)", noKeys.Message);
        if (unset is null)
        {
            var noVariable = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(AgentOnly(missing) with { AgentSocket = null }));
            Assert.EndsWith("agent: true but SSH_AUTH_SOCK is not set (start ssh-agent, or give agent: /path/to/socket)", noVariable.Message);
        }
    }

    [Fact]
    public void The_cli_says_a_refused_agent_in_one_stderr_line_and_exits_2()
    {
        using var agent = PrivateAgent.Start("wrong_ed25519");
        var inventory = AgentInventory($"agent: '{agent.Socket}'");
        try
        {
            var (exit, _, err) = CliRunner.Run(["discover", "--host", "agent-only", "--inventory", inventory]);

            Assert.NotEqual(0, exit);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Contains($"the server refused the 1 key of the SSH agent at {agent.Socket}", err);
        }
        finally
        {
            File.Delete(inventory);
        }
    }

    /// <summary>The loopback host again, with no key: only the given agent line can log in.</summary>
    private static string AgentInventory(string agentLine)
    {
        var t = SshLoopback.Target();
        var path = Path.Combine(SshLoopback.Dir, $"inventory-agent-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, $"hosts:\n  - name: agent-only\n    address: {t.Address}\n    port: {t.Port}\n    user: {t.User}\n    known_hosts: {t.KnownHostsPath}\n    {agentLine}\n");
        return path;
    }

    private static void AssertNoKeyMaterial(Exception error, string key)
    {
        var pub = File.ReadAllText(Path.Combine(SshLoopback.Dir, key + ".pub")).Split(' ')[1];
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(pub[..40], e.Message);
            Assert.DoesNotContain("PRIVATE KEY", e.Message);
        }
    }

    /// <summary>
    /// A private ssh-agent in the foreground (-D) on a fresh socket, killed on dispose. It runs under
    /// <c>timeout 300</c>, so a test host killed mid-test leaves no agent behind for long.
    /// </summary>
    private sealed class PrivateAgent : IDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        public string Socket { get; }

        private PrivateAgent(Process process, string dir, string socket) => (_process, _dir, Socket) = (process, dir, socket);

        public static PrivateAgent Start(string? key = null, bool confirm = false)
        {
            // A short path: Unix socket names stop at 108 bytes.
            var dir = Directory.CreateTempSubdirectory("smog-agent-").FullName;
            var socket = Path.Combine(dir, "s");
            var info = new ProcessStartInfo("timeout", ["300", "ssh-agent", "-a", socket, "-D"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["SSH_ASKPASS"] = "/bin/false";
            info.Environment["SSH_ASKPASS_REQUIRE"] = "force";
            info.Environment["DISPLAY"] = ":0";
            var agent = new PrivateAgent(Process.Start(info)!, dir, socket);
            try
            {
                for (var i = 0; i < 100 && !File.Exists(socket); i++) Thread.Sleep(50);
                Assert.True(File.Exists(socket), "ssh-agent did not create its socket within 5 s");
                // The socket file appears at bind(), before listen(): wait until the agent answers
                // (ssh-add -l exits 2 only when it cannot talk to the agent).
                var ready = false;
                for (var i = 0; i < 100 && !(ready = agent.Answers()); i++) Thread.Sleep(50);
                Assert.True(ready, "ssh-agent did not answer on its socket within 5 s");
                if (key is not null) agent.Add(key, confirm);
                return agent;
            }
            catch
            {
                agent.Dispose();
                throw;
            }
        }

        private bool Answers()
        {
            var info = new ProcessStartInfo("ssh-add", ["-l"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["SSH_AUTH_SOCK"] = Socket;
            using var list = Process.Start(info)!;
            list.StandardOutput.ReadToEnd();
            list.StandardError.ReadToEnd();
            list.WaitForExit();
            return list.ExitCode != 2;
        }

        private void Add(string key, bool confirm)
        {
            var info = new ProcessStartInfo("ssh-add", confirm ? ["-c", Path.Combine(SshLoopback.Dir, key)] : [Path.Combine(SshLoopback.Dir, key)])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["SSH_AUTH_SOCK"] = Socket;
            using var add = Process.Start(info)!;
            var err = add.StandardError.ReadToEnd();
            add.WaitForExit();
            Assert.True(add.ExitCode == 0, $"ssh-add {key}: {err}");
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
