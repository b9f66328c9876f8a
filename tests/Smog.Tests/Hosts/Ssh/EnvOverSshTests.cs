using System.Security;
using Smog.Cli;
using Smog.Tests.Cli;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// The <c>smog env</c> verbs over the real loopback sshd (see <see cref="SshLoopback"/>): a
/// changed host key stops each verb before it reads or writes anything, and shell
/// metacharacters in option values and domain names travel as data. The L0's libvirt is
/// libvirt's in-process test driver (<c>test:///FILE</c>), so no daemon is touched; the sshd is
/// this machine, so the remote shell's working directory is this user's home.
/// </summary>
public sealed class EnvOverSshTests : IDisposable
{
    private const string Original = "# as shipped\n[DEFAULT]\ndebug = false\n\n[compute]\ncpu_shared_set = 0-1\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("smog-env-ssh-").FullName;
    private readonly string _canary = $"smog-canary-{Guid.NewGuid():N}";
    private readonly string _conf;
    private readonly string _state;
    private readonly string _domain;

    public EnvOverSshTests()
    {
        var etc = Directory.CreateDirectory(Path.Combine(_dir, "etc $(touch x) 'q' \"d\"; `y`")).FullName;
        _conf = Path.Combine(etc, "nova.conf");
        File.WriteAllText(_conf, Original);
        _state = Path.Combine(_dir, "state");
        // libvirt allows anything but '/' in a name; the canaries land in the remote shell's home if anything runs.
        _domain = $"l1 x'y\"z; $(touch {_canary}) `touch {_canary}b` & w || touch {_canary}c";
        File.WriteAllText(Path.Combine(_dir, "node.xml"),
            $"<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>8388608</memory>"
            + $"<domain type='test'><name>{SecurityElement.Escape(_domain)}</name><memory unit='KiB'>2097152</memory><vcpu>4</vcpu>"
            + "<os><type arch='x86_64'>hvm</type></os></domain></node>");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The loopback host as L0 "l0" (nova.conf under the temp dir) and its L1 domain "l1".</summary>
    private string Inventory(string? knownHosts = null)
    {
        var t = SshLoopback.Target();
        var path = Path.Combine(_dir, "hosts.yml");
        File.WriteAllText(path, $"""
            hosts:
              - name: l0
                address: {t.Address}
                port: {t.Port}
                user: {t.User}
                key: {Yaml(t.KeyPath!)}
                known_hosts: {Yaml(knownHosts ?? t.KnownHostsPath)}
                libvirt_uri: {Yaml("test://" + Path.Combine(_dir, "node.xml"))}
                nova_conf: {Yaml(_conf)}
              - name: l1
                parent: l0
                domain: {Yaml(_domain)}
                passthrough: host-model
            """);
        return path;
    }

    private static string Yaml(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private string WrongKnownHosts()
    {
        // Another ed25519 key (the client's public key) listed for the server.
        var path = Path.Combine(_dir, "known_hosts.wrong");
        var other = File.ReadAllText(Path.Combine(SshLoopback.Dir, "client_ed25519.pub")).Split(' ');
        File.WriteAllText(path, $"[127.0.0.1]:{SshLoopback.Target().Port} {other[0]} {other[1]}\n");
        return path;
    }

    private (int Exit, string Out, string Err) Smog(string inventory, params string[] args) =>
        CliRunner.Run([.. args, "--inventory", inventory, .. args[1] is "nova-conf" or "nested" or "hugepages" or "restore" ? ["--state-dir", _state] : Array.Empty<string>()]);

    private void AssertNoCanary()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        foreach (var dir in new[] { home, _dir, Environment.CurrentDirectory })
            Assert.Empty(Directory.GetFiles(dir, _canary + "*", SearchOption.TopDirectoryOnly));
    }

    [Theory]
    [InlineData("nova-conf", new[] { "env", "nova-conf", "--host", "l0", "--set", "DEFAULT.debug=true" })]
    [InlineData("hugepages", new[] { "env", "hugepages", "--host", "l0", "--size", "2M", "--count", "1", "--dry-run" })]
    [InlineData("nested", new[] { "env", "nested", "--dry-run" })]
    [InlineData("fake-numa", new[] { "env", "fake-numa", "--host", "l1", "--cells", "2", "--dry-run" })]
    public void A_changed_host_key_stops_the_verb_in_one_line_and_exit_2_before_anything_is_read_or_written(string verb, string[] args)
    {
        _ = verb; // names the row
        var wrong = WrongKnownHosts();

        var (exit, stdout, stderr) = Smog(Inventory(wrong), args);

        Assert.True(exit == ExitCodes.BadInput, $"exit {exit}: {stderr}{stdout}");
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains($"l0: host key of [127.0.0.1]:{SshLoopback.Target().Port}", line);
        Assert.Contains($"does not match {wrong} line 1; refusing to connect", line);
        Assert.Equal(Original, File.ReadAllText(_conf));
        var journal = Path.Combine(_state, "env-journal.jsonl");
        Assert.True(!File.Exists(journal) || File.ReadAllText(journal).Length == 0, "a journal entry was written");
    }

    [Fact]
    public void A_nova_conf_value_full_of_shell_metacharacters_is_stored_literally_and_restored()
    {
        var value = $"it's \"q\"; $(touch {_canary}) `touch {_canary}b` | touch {_dir}/{_canary}c  two  spaces";
        var inventory = Inventory();

        var (exit, stdout, stderr) = Smog(inventory, "env", "nova-conf", "--host", "l0", "--set", $"DEFAULT.my_option={value}");

        Assert.True(exit == 0, stderr);
        Assert.Contains("written; journal", stdout);
        Assert.Equal("# as shipped\n[DEFAULT]\ndebug = false\nmy_option = " + value + "\n\n[compute]\ncpu_shared_set = 0-1\n", File.ReadAllText(_conf));
        AssertNoCanary();
        var restore = Smog(inventory, "env", "restore", "--host", "l0");
        Assert.True(restore.Exit == 0, restore.Err);
        Assert.Equal(Original, File.ReadAllText(_conf));
    }

    [Fact]
    public void A_domain_name_full_of_shell_metacharacters_reaches_virsh_as_one_word_in_both_dry_runs()
    {
        var inventory = Inventory();

        var fake = Smog(inventory, "env", "fake-numa", "--host", "l1", "--cells", "2", "--dry-run");
        var nested = Smog(inventory, "env", "nested", "--dry-run");

        // virsh found the domain by that exact name over SSH: its vCPUs and memory were read, its type seen.
        Assert.True(fake.Exit == 0, fake.Err);
        Assert.Contains($"plan for {_domain} on l0 (dry run; nothing changed):", fake.Out);
        Assert.Contains("define it with 2 NUMA cell(s): [cell 0: CPUs 0-1, 1 GiB] [cell 1: CPUs 2-3, 1 GiB]", fake.Out);
        Assert.Contains($"l1 (L1 domain '{_domain}' on l0): unchanged", nested.Out);
        Assert.Contains("domain type is 'test', not kvm", nested.Out);
        AssertNoCanary();
        Assert.False(File.Exists(Path.Combine(_state, "env-journal.jsonl")) && File.ReadAllText(Path.Combine(_state, "env-journal.jsonl")).Length > 0);
    }
}
