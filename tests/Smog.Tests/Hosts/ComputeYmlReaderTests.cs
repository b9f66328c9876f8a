using Smog.Hosts;
using YamlDotNet.RepresentationModel;

namespace Smog.Tests.Hosts;

/// <summary>The original tool's compute.yml, read unchanged into the one inventory model.</summary>
public sealed class ComputeYmlReaderTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("smog-home-").FullName;

    public ComputeYmlReaderTests() => Directory.CreateDirectory(Path.Combine(_home, ".ssh"));

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private HostInventory Read(string yaml, string? agent = null)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ComputeYmlReader.Read((YamlMappingNode)stream.Documents[0].RootNode, "compute.yml", _home, agent);
    }

    private const string Lab =
        """
        computes:
          - name: l1-a
            host: 192.168.122.10
            parent: 10.0.0.5
            user: stack
            vtype: kvm
            passthrough: passthrough
          - name: l1-b
            host: 192.168.122.11
            parent: 10.0.0.5
            passthrough: host-model
        """;

    [Fact]
    public void Computes_become_ssh_hosts_with_their_nested_role_and_parents_become_hosts_too()
    {
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_rsa"), "key");
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_ecdsa"), "key");

        var inventory = Read(Lab);

        Assert.Equal(["192.168.122.10", "10.0.0.5", "192.168.122.11"], inventory.Hosts.Select(h => h.Name));
        var a = inventory.Find("192.168.122.10");
        Assert.Equal(new GuestOf("10.0.0.5", "l1-a", NestedCpuMode.HostPassthrough, "kvm"), a.Guest);
        Assert.Equal(("stack", "192.168.122.10", 22), (a.Ssh!.User, a.Ssh.Address, a.Ssh.Port));
        Assert.Equal(Path.Combine(_home, ".ssh", "id_ecdsa"), a.Ssh.KeyPath);
        Assert.Equal(Path.Combine(_home, ".ssh", "known_hosts"), a.Ssh.KnownHostsPath);
        Assert.Null(inventory.Find("10.0.0.5").Guest);
        Assert.Equal(("root", NestedCpuMode.HostModel), (inventory.Find("192.168.122.11").Ssh!.User, inventory.Find("192.168.122.11").Guest!.CpuMode));
    }

    [Theory]
    [InlineData("computes:\n  - name: a\n    host: h\n    parent: p\n    vtype: xen\n", "compute.yml:5: computes[0].vtype: expected kvm or qemu, found 'xen'")]
    [InlineData("computes:\n  - name: a\n    host: h\n    parent: p\n    passthrough: host\n", "compute.yml:5: computes[0].passthrough: expected host-model, passthrough or none, found 'host'")]
    [InlineData("computes:\n  - name: a\n    parent: p\n", "compute.yml:2: computes[0].host: missing")]
    [InlineData("computes:\n  - name: a\n    host: h\n    parent: p\n    cpus: 4\n", "compute.yml:5: computes[0].cpus: unknown field (known: name, host, parent, user, vtype, passthrough)")]
    [InlineData("computes: {}\n", "compute.yml:1: computes: expected a list of computes")]
    public void Faults_name_file_line_and_field(string yaml, string expected)
    {
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_ed25519"), "key");

        Assert.Equal(expected, Assert.Throws<InventoryException>(() => Read(yaml)).Message);
    }

    [Fact]
    public void Without_a_key_file_the_agent_in_SSH_AUTH_SOCK_logs_in()
    {
        var inventory = Read(Lab, agent: "/tmp/ssh-agent.sock");

        Assert.All(inventory.Hosts, h => Assert.Equal((null, true, "/tmp/ssh-agent.sock"), (h.Ssh!.KeyPath, h.Ssh.UseAgent, h.Ssh.AgentSocket)));
    }

    [Fact]
    public void A_key_file_wins_over_the_agent()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".ssh"));
        File.WriteAllText(Path.Combine(_home, ".ssh", "id_rsa"), "");

        var ssh = Read(Lab, agent: "/tmp/ssh-agent.sock").Hosts[0].Ssh!;

        Assert.Equal((Path.Combine(_home, ".ssh", "id_rsa"), false, (string?)null), (ssh.KeyPath, ssh.UseAgent, ssh.AgentSocket));
    }

    [Fact]
    public void Without_a_key_file_or_an_agent_it_says_what_it_looked_for()
    {
        var e = Assert.Throws<InventoryException>(() => Read(Lab, agent: null));

        Assert.Equal("compute.yml:2: no key for stack@192.168.122.10: a compute.yml names none, none of ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa exists and SSH_AUTH_SOCK names no agent", e.Message);
    }

    [Fact]
    public void The_inventory_parser_reads_a_compute_yml_as_is()
    {
        // Through the public entry point: the user's real home decides the key, so only the shape is asserted.
        try
        {
            var inventory = InventoryParser.Parse(Lab, "compute.yml", _home);
            Assert.Equal(3, inventory.Hosts.Length);
        }
        catch (InventoryException e)
        {
            Assert.Contains("no key for", e.Message);
        }
    }
}
