using System.Net;
using System.Net.Sockets;
using Smog.Hosts;
using Smog.Hosts.Ssh;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>Against the real loopback sshd (see <see cref="SshLoopback"/>); skipped without it.</summary>
public class SshCommandRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_command_returns_its_exit_code_with_stdout_and_stderr_apart()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        var result = await ssh.RunAsync("sh", ["-c", "echo out; echo 'err line' >&2; exit 7"], Ct);
        Assert.Equal(new CommandResult(7, "out\n", "err line\n"), result);
    }

    [Fact]
    public async Task Arguments_arrive_as_words_whatever_they_hold()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        string[] words = ["a b", "it's", "$HOME", "*", ""];
        var result = await ssh.RunAsync("printf", ["%s|", .. words], Ct);
        Assert.Equal("a b|it's|$HOME|*||", result!.StandardOutput);
    }

    [Fact]
    public async Task A_missing_program_is_null_but_a_program_exiting_127_is_a_result()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        Assert.Null(await ssh.RunAsync("smog-no-such-program", [], Ct));
        Assert.Equal(127, (await ssh.RunAsync("sh", ["-c", "exit 127"], Ct))!.ExitCode);
    }

    [Fact]
    public async Task Files_and_listings_match_the_local_ones_on_this_same_host()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        var local = new LocalCommandRunner();
        foreach (var file in new[] { "/sys/devices/system/cpu/online", "/etc/os-release" })
            Assert.Equal(await local.ReadFileAsync(file, Ct), await ssh.ReadFileAsync(file, Ct));
        Assert.Null(await ssh.ReadFileAsync("/nonexistent/smog", Ct));
        foreach (var dir in new[] { "/sys/bus/pci/devices", "/sys/devices/system/node", "/etc/ssh" })
            Assert.Equal(await local.ListDirectoryAsync(dir, Ct), await ssh.ListDirectoryAsync(dir, Ct));
        Assert.Empty(await ssh.ListDirectoryAsync("/nonexistent/smog", Ct));
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_naming_the_host()
    {
        var empty = Path.Combine(SshLoopback.Dir, "known_hosts.empty");
        await File.WriteAllTextAsync(empty, "", Ct);
        var target = SshLoopback.Target() with { KnownHostsPath = empty };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.StartsWith($"{target.Name}: host key of [127.0.0.1]:{target.Port} (ssh-ed25519 SHA256:", error.Message);
        Assert.Contains($"is not in {empty}", error.Message);
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_even_with_insecure_accept_new()
    {
        // known_hosts lists another ed25519 key (the client's public key) for the server.
        var wrong = Path.Combine(SshLoopback.Dir, "known_hosts.wrong");
        var otherKey = (await File.ReadAllTextAsync(Path.Combine(SshLoopback.Dir, "client_ed25519.pub"), Ct)).Split(' ');
        var target = SshLoopback.Target() with { KnownHostsPath = wrong, InsecureAcceptNew = true };
        await File.WriteAllTextAsync(wrong, $"[127.0.0.1]:{target.Port} {otherKey[0]} {otherKey[1]}\n", Ct);
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.Contains($"does not match {wrong} line 1", error.Message);
        Assert.StartsWith(target.Name + ":", error.Message);
    }

    [Fact]
    public async Task Insecure_accept_new_records_the_key_so_strict_checking_then_passes()
    {
        var fresh = Path.Combine(SshLoopback.Dir, "known_hosts.tofu");
        File.Delete(fresh);
        var target = SshLoopback.Target() with { KnownHostsPath = fresh, InsecureAcceptNew = true };
        using (await SshLoopback.ConnectAsync(target)) { }
        var recorded = KnownHosts.Load(fresh);
        var scanned = KnownHosts.Load(SshLoopback.Target().KnownHostsPath).Entries.Single();
        Assert.Equal(HostKeyVerdict.Trusted, recorded.Check("127.0.0.1", target.Port, scanned.Key.AsSpan()).Verdict);
        using var strict = await SshLoopback.ConnectAsync(target with { InsecureAcceptNew = false });
        Assert.Equal(0, (await strict.RunAsync("true", [], Ct))!.ExitCode);
    }

    [Fact]
    public async Task A_key_the_server_does_not_accept_is_refused()
    {
        var target = SshLoopback.Target() with { KeyPath = Path.Combine(SshLoopback.Dir, "wrong_ed25519") };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.Equal($"{target.Display}: the server refused key {target.KeyPath}", error.Message);
    }

    [Fact]
    public async Task A_refusing_port_is_retried_a_bounded_number_of_times()
    {
        var target = SshLoopback.Target() with { Port = FreeLoopbackPort(), ConnectAttempts = 2 };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.Equal($"{target.Display}: connection refused (2 attempts)", error.Message);
    }

    [Fact]
    public async Task An_encrypted_key_without_its_passphrase_variable_is_a_one_line_error()
    {
        var target = SshLoopback.Target() with { KeyPassphraseEnv = "SMOG_TEST_UNSET_PASSPHRASE" };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.Equal($"{target.Name}: key passphrase variable SMOG_TEST_UNSET_PASSPHRASE is not set", error.Message);
    }

    [Fact]
    public async Task An_encrypted_key_opens_with_the_passphrase_from_its_variable_and_never_echoes_it()
    {
        var variable = $"SMOG_TEST_PASSPHRASE_{Guid.NewGuid():N}";
        var target = SshLoopback.Target() with { KeyPath = Path.Combine(SshLoopback.Dir, "client_pass_ed25519"), KeyPassphraseEnv = variable };
        try
        {
            Environment.SetEnvironmentVariable(variable, "not-the-passphrase");
            var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
            Assert.StartsWith($"{target.Name}: cannot load key {target.KeyPath}", error.Message);
            Assert.DoesNotContain("not-the-passphrase", error.ToString());

            Environment.SetEnvironmentVariable(variable, "smog-ci-passphrase"); // sshd-up.sh's throwaway test key
            using var ssh = await SshLoopback.ConnectAsync(target);
            Assert.Equal(0, (await ssh.RunAsync("true", [], Ct))!.ExitCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_port_that_accepts_but_never_speaks_ssh_times_out()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var target = SshLoopback.Target() with { Port = ((IPEndPoint)silent.LocalEndpoint).Port, ConnectTimeout = TimeSpan.FromSeconds(1) };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshLoopback.ConnectAsync(target));
        Assert.Equal($"{target.Display}: no answer within 1 s", error.Message);
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
