using Smog.Hosts;

namespace Smog.Tests.Hosts;

public class InventoryParserTests
{
    private const string Base = "/etc/smog";

    private static HostInventory Parse(string yaml) => InventoryParser.Parse(yaml, "hosts.yml", Base);

    internal const string FullSshHost = """
        hosts:
          - name: compute-1
            access: ssh
            address: 127.0.0.1
            port: 2222
            user: stack
            key: keys/id_ed25519
            key_passphrase_env: SMOG_KEY_PASS
            known_hosts: /var/lib/smog/known_hosts
            insecure_accept_new: true
            connect_timeout: 5
            connect_attempts: 2
            libvirt_uri: qemu:///system
        """;

    // As lab/allinone writes lab/.state/inventory.yml.
    internal const string LabShape = """
        # Written by lab/allinone up.
        hosts:
          - name: vm
            access: local
            libvirt_uri: "qemu:///system"
        """;

    [Fact]
    public void A_full_ssh_host_keeps_every_field_and_resolves_paths_against_the_inventory()
    {
        var inventory = Parse(FullSshHost);
        var host = Assert.Single(inventory.Hosts);
        Assert.Equal(("compute-1", HostAccess.Ssh, "qemu:///system"), (host.Name, host.Access, host.LibvirtUri));
        var ssh = host.Ssh!;
        Assert.Equal(("127.0.0.1", 2222, "stack"), (ssh.Address, ssh.Port, ssh.User));
        Assert.Equal(("/etc/smog/keys/id_ed25519", "SMOG_KEY_PASS", "/var/lib/smog/known_hosts"), (ssh.KeyPath, ssh.KeyPassphraseEnv, ssh.KnownHostsPath));
        Assert.Equal((true, TimeSpan.FromSeconds(5), 2), (ssh.InsecureAcceptNew, ssh.ConnectTimeout, ssh.ConnectAttempts));
    }

    [Fact]
    public void An_ssh_host_gets_defaults_and_access_follows_from_its_address()
    {
        var ssh = Parse("hosts: [{name: c2, address: 10.0.0.5, key: /k}]").Find("c2").Ssh!;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal((22, "root", false), (ssh.Port, ssh.User, ssh.InsecureAcceptNew));
        Assert.Equal(Path.Join(home, ".ssh/known_hosts"), ssh.KnownHostsPath);
        Assert.Equal((TimeSpan.FromSeconds(10), 4, (string?)null), (ssh.ConnectTimeout, ssh.ConnectAttempts, ssh.KeyPassphraseEnv));
    }

    [Fact]
    public void Agent_true_logs_in_through_SSH_AUTH_SOCK_and_needs_no_key()
    {
        var ssh = Parse("hosts: [{name: c, address: h, agent: true}]").Find("c").Ssh!;

        Assert.Equal(((string?)null, true, (string?)null), (ssh.KeyPath, ssh.UseAgent, ssh.AgentSocket));
    }

    [Fact]
    public void Agent_with_a_path_names_the_socket_and_a_key_still_comes_first()
    {
        var ssh = Parse("hosts: [{name: c, address: h, key: id, agent: run/agent.sock}]").Find("c").Ssh!;

        Assert.Equal(("/etc/smog/id", true, "/etc/smog/run/agent.sock"), (ssh.KeyPath, ssh.UseAgent, ssh.AgentSocket));
        Assert.False(Parse("hosts: [{name: c, address: h, key: id, agent: false}]").Find("c").Ssh!.UseAgent);
    }

    [Fact]
    public void The_labs_inventory_shape_is_a_local_host()
    {
        // As lab/allinone writes lab/.state/inventory.yml.
        var inventory = Parse(LabShape);
        Assert.Equal(new InventoryHost("vm", HostAccess.Local, null, "qemu:///system"), Assert.Single(inventory.Hosts));
    }

    public static TheoryData<string, string, string> BadRows => new()
    {
        { "not YAML (the parser notices at the end of input)", "hosts: [", "hosts.yml:2: not valid YAML" },
        { "empty file", "", "hosts.yml: expected a mapping with a 'hosts' list" },
        { "hosts is not a list", "hosts: 3", "hosts.yml:1: hosts: expected a list of hosts" },
        { "unknown top-level field", "hosts: []\nhost: x", "hosts.yml:2: host: unknown field (the top level has 'hosts', or 'computes' in the original tool's compute.yml, not both)" },
        { "a top-level list", "- hosts", "hosts.yml: expected a mapping with a 'hosts' list (or the original tool's 'computes' list)" },
        { "agent on a local host", "hosts:\n  - name: a\n    access: local\n    agent: true", "hosts.yml:4: hosts[0].agent: only for access: ssh" },
        { "empty agent", "hosts:\n  - {name: a, address: h, agent: ''}", "hosts.yml:2: hosts[0].agent: expected a non-empty value" },
        { "a host that is not a mapping", "hosts:\n  - vm", "hosts.yml:2: hosts[0]: expected a mapping" },
        { "missing name", "hosts:\n  - access: local", "hosts.yml:2: hosts[0].name: missing" },
        { "misspelt field", "hosts:\n  - name: a\n    adress: 1.2.3.4", "hosts.yml:3: hosts[0].adress: unknown field" },
        { "neither access nor address", "hosts:\n  - name: a", "hosts.yml:2: hosts[0].access: missing" },
        { "unknown access", "hosts:\n  - name: a\n    access: telnet", "hosts.yml:3: hosts[0].access: expected ssh, local or embedded, found 'telnet'" },
        { "port not a number", "hosts:\n  - {name: a, address: h, key: k, port: ssh}", "hosts.yml:2: hosts[0].port: expected a whole number 1-65535, found 'ssh'" },
        { "port out of range", "hosts:\n  - {name: a, address: h, key: k, port: 70000}", "hosts.yml:2: hosts[0].port: expected a whole number 1-65535, found '70000'" },
        { "ssh without key", "hosts:\n  - name: a\n    address: h", "hosts.yml:2: hosts[0].key: missing (path of the private key for access: ssh, or agent: true)" },
        { "ssh without address", "hosts:\n  - name: a\n    access: ssh\n    key: k", "hosts.yml:2: hosts[0].address: missing" },
        { "flag that is not a boolean", "hosts:\n  - {name: a, address: h, key: k, insecure_accept_new: yes}", "hosts.yml:2: hosts[0].insecure_accept_new: expected true or false, found 'yes'" },
        { "ssh field on a local host", "hosts:\n  - name: a\n    access: local\n    port: 22", "hosts.yml:4: hosts[0].port: only for access: ssh" },
        { "empty value", "hosts:\n  - name: a\n    access: local\n    libvirt_uri:", "hosts.yml:4: hosts[0].libvirt_uri: expected a non-empty value" },
        { "duplicate names", "hosts:\n  - {name: a, access: local}\n  - {name: a, access: local}", "hosts.yml:3: hosts[1].name: duplicate host name 'a'" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Bad_inventories_are_one_line_naming_file_line_and_field(string description, string yaml, string expectedStart)
    {
        _ = description;
        var error = Assert.Throws<InventoryException>(() => Parse(yaml));
        Assert.StartsWith(expectedStart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_unknown_host_name_lists_the_known_ones()
    {
        var inventory = Parse("hosts: [{name: a, access: local}, {name: b, access: local}]");
        Assert.Equal("hosts.yml: no host named 'c' (hosts: a, b)", Assert.Throws<InventoryException>(() => inventory.Find("c")).Message);
    }

    [Fact]
    public void A_missing_file_says_how_to_name_one()
    {
        var path = Path.Combine(Path.GetTempPath(), "smog-no-such-dir", "hosts.yml");
        Assert.Equal($"{path}: no such file (give --inventory FILE or set SMOG_INVENTORY)",
            Assert.Throws<InventoryException>(() => InventoryParser.Load(path)).Message);
    }

    [Theory]
    [InlineData("InvalidOperationException from the scanner", "hosts:\n  - name: vm\n    access: {local8[\t: s, x: y}\n    libvirt_uri: q\n")]
    [InlineData("ArgumentException from the node loader", "hosts:\n  :\t9- name: c\n    address: a\n")]
    public void Yaml_the_parser_gives_up_on_is_one_line_too(string description, string yaml)
    {
        // Found by ReaderFuzzTests: YamlDotNet throws these instead of a YamlException.
        _ = description;
        var error = Assert.Throws<InventoryException>(() => Parse(yaml));
        Assert.Equal("hosts.yml: not valid YAML (the parser stopped without saying where)", error.Message);
    }
}
