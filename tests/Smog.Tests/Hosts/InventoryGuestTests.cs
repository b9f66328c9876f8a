using Smog.Hosts;

namespace Smog.Tests.Hosts;

/// <summary>L1 entries: parent, domain and passthrough (what smog env nested / fake-numa need).</summary>
public sealed class InventoryGuestTests
{
    private static HostInventory Parse(string yaml) => InventoryParser.Parse(yaml, "hosts.yml", "/etc/smog");

    private const string Lab = """
        hosts:
          - name: l0
            access: local
            libvirt_uri: qemu:///system?socket=/tmp/lv/libvirt-sock
          - name: l1-a
            address: 10.0.0.5
            key: id_ed25519
            parent: l0
            domain: "compute 1; $(reboot)"
            passthrough: host-model
          - name: l1-b
            parent: l0
        """;

    [Fact]
    public void An_l1_names_its_parent_domain_and_cpu_mode()
    {
        var inventory = Parse(Lab);
        var a = inventory.Find("l1-a");
        Assert.Equal(HostAccess.Ssh, a.Access);
        Assert.Equal(new GuestOf("l0", "compute 1; $(reboot)", NestedCpuMode.HostModel), a.Guest);
        Assert.Null(inventory.Find("l0").Guest);
    }

    [Fact]
    public async Task An_l1_with_only_a_parent_has_no_access_of_its_own_and_its_name_as_domain()
    {
        var b = Parse(Lab).Find("l1-b");
        Assert.Equal(HostAccess.None, b.Access);
        Assert.Equal(new GuestOf("l0", "l1-b", NestedCpuMode.Keep), b.Guest);
        var e = await Assert.ThrowsAsync<HostAccessException>(() => HostInventory.ConnectAsync(b, TestContext.Current.CancellationToken));
        Assert.Contains("reached only through its parent l0", e.Message);
    }

    [Theory]
    [InlineData("parent: nowhere", "hosts.yml:6: hosts[1].parent: 'nowhere' is not another host of this inventory")]
    [InlineData("parent: l1", "hosts.yml:6: hosts[1].parent: 'l1' is not another host of this inventory")]
    [InlineData("domain: x", "hosts.yml:6: hosts[1].domain: only with parent (the host this L1 guest runs on)")]
    [InlineData("parent: l0\n    passthrough: maybe", "hosts.yml:7: hosts[1].passthrough: expected host-model, passthrough or none, found 'maybe'")]
    public void Bad_guest_fields_name_file_line_and_field(string fields, string message)
    {
        var yaml = $"hosts:\n  - name: l0\n    access: local\n  - name: l1\n    access: local\n    {fields}\n";
        var e = Assert.Throws<InventoryException>(() => Parse(yaml));
        Assert.Equal(message, e.Message);
    }
}
