using Smog.Hosts;

namespace Smog.Tests.Hosts;

/// <summary><c>jump: NAME</c>: the first hop uses the jump host's own user, key, known_hosts and port.</summary>
public sealed class InventoryJumpTests
{
    private static HostInventory Parse(string yaml) => InventoryParser.Parse(yaml, "hosts.yml", "/etc/smog");

    private const string Chain = """
        hosts:
          - name: bastion
            address: 192.0.2.10
            port: 2200
            user: ops
            key: keys/bastion
            known_hosts: /etc/smog/bastion_known_hosts
          - name: inner
            address: 10.1.0.1
            key: keys/inner
            jump: bastion
          - name: compute-1
            address: 10.2.0.5
            user: stack
            key: keys/compute
            jump: inner
        """;

    [Fact]
    public void A_jump_carries_the_jump_hosts_own_connection_settings()
    {
        var inventory = Parse(Chain);
        var inner = inventory.Find("inner").Ssh!;
        Assert.NotNull(inner.Jump);
        Assert.Equal(("bastion", "192.0.2.10", 2200, "ops", "/etc/smog/keys/bastion", "/etc/smog/bastion_known_hosts"),
            (inner.Jump.Name, inner.Jump.Address, inner.Jump.Port, inner.Jump.User, inner.Jump.KeyPath, inner.Jump.KnownHostsPath));
        // The target keeps its own address, key and known_hosts for the second hop.
        Assert.Equal(("10.1.0.1", 22, "root", "/etc/smog/keys/inner"), (inner.Address, inner.Port, inner.User, inner.KeyPath));
        Assert.Null(inventory.Find("bastion").Ssh!.Jump);
    }

    [Fact]
    public void Jumps_chain_through_more_than_one_host()
    {
        var compute = Parse(Chain).Find("compute-1").Ssh!;
        Assert.Equal("inner", compute.Jump!.Name);
        Assert.Equal("bastion", compute.Jump.Jump!.Name);
        Assert.Null(compute.Jump.Jump.Jump);
        Assert.Equal("compute-1 (stack@10.2.0.5:22 via inner)", compute.Display);
    }

    [Fact]
    public void A_jump_host_listed_after_its_user_is_resolved_too()
    {
        var inventory = Parse("""
            hosts:
              - {name: b, address: 10.0.0.2, key: k, jump: a}
              - {name: a, address: 10.0.0.1, key: k, user: admin}
            """);
        Assert.Equal(("a", "admin"), (inventory.Find("b").Ssh!.Jump!.Name, inventory.Find("b").Ssh!.Jump!.User));
    }

    [Theory]
    [InlineData("unknown name", "hosts:\n  - {name: a, address: 10.0.0.1, key: k}\n  - name: b\n    address: 10.0.0.2\n    key: k\n    jump: nowhere\n",
        "hosts.yml:6: hosts[1].jump: 'nowhere' is not another host of this inventory")]
    [InlineData("itself", "hosts:\n  - name: a\n    address: 10.0.0.1\n    key: k\n    jump: a\n",
        "hosts.yml:5: hosts[0].jump: jump hosts form a cycle (a -> a)")]
    [InlineData("a cycle of three", "hosts:\n  - {name: a, address: 10.0.0.1, key: k, jump: c}\n  - {name: b, address: 10.0.0.2, key: k, jump: a}\n  - {name: c, address: 10.0.0.3, key: k, jump: b}\n",
        "hosts.yml:3: hosts[1].jump: jump hosts form a cycle (a -> c -> b -> a)")]
    [InlineData("a local jump host", "hosts:\n  - {name: a, access: local}\n  - {name: b, address: 10.0.0.2, key: k, jump: a}\n",
        "hosts.yml:3: hosts[1].jump: 'a' is not an ssh host (a jump host needs access: ssh)")]
    [InlineData("jump on a local host", "hosts:\n  - {name: a, address: 10.0.0.1, key: k}\n  - {name: b, access: local, jump: a}\n",
        "hosts.yml:3: hosts[1].jump: only for access: ssh (this host is local)")]
    [InlineData("not a name", "hosts:\n  - {name: a, address: 10.0.0.1, key: k}\n  - {name: b, address: 10.0.0.2, key: k, jump: [a]}\n",
        "hosts.yml:3: hosts[1].jump: expected the name of another host of this inventory")]
    public void Bad_jumps_name_file_line_and_field(string description, string yaml, string expected)
    {
        var error = Assert.Throws<InventoryException>(() => Parse(yaml));
        Assert.True(error.Message == expected, $"{description}: {error.Message}");
    }
}
