using System.Collections.Immutable;
using Smog.Nova;
using Smog.Suite.Selection;
using Smog.Topology;

namespace Smog.Tests.Suite;

public class SelectionTests
{
    private static HostTopology Topology(int cells, bool smt, long pages2m = 0) => new()
    {
        Cells = [.. Enumerable.Range(0, cells).Select(c => new NumaCell
        {
            Id = c,
            Cpus = CpuSet.Range(c * 4, c * 4 + 3),
            MemoryMiB = 4096,
            Pages = pages2m > 0 ? [new PagePool(4, 1024), new PagePool(2048, pages2m, pages2m)] : [new PagePool(4, 1024)],
        })],
        Cpus = [.. Enumerable.Range(0, cells * 4).Select(i => new CpuInfo(i, i / 4, 0, 0, smt ? i / 2 : i))],
    };

    private static DiscoveredHost Host(string name, long pcpu, long vcpu, HostTopology? topology, bool up = true) => new()
    {
        Name = name,
        HypervisorHostname = name,
        Up = up,
        Topology = topology,
        Conf = topology is null ? null : Smog.Nova.Config.NovaConf.Default,
        Access = topology is null ? null : new Smog.Hosts.InventoryHost(name, Smog.Hosts.HostAccess.Local, null, null),
        Resources = ImmutableDictionary<string, ResourceCapacity>.Empty
            .Add("PCPU", new ResourceCapacity(pcpu, 0, 1.0, 0))
            .Add("VCPU", new ResourceCapacity(vcpu, 0, 16.0, 0)),
    };

    private static CloudState Cloud(params DiscoveredHost[] hosts) => new([.. hosts], new Microversion(2, 88));

    [Fact]
    public void A_scenario_runs_when_one_host_has_every_need()
    {
        var cloud = Cloud(Host("a", 4, 4, Topology(2, smt: false)));

        Assert.Null(ScenarioSelector.Decide(["pcpu", "numa-2", "no-smt"], cloud));
    }

    [Theory]
    [InlineData("numa-2", "one-numa-node")]
    [InlineData("smt", "no-smt")]
    [InlineData("pages-1g", "no-1g-pages")]
    [InlineData("pci", "no-pci")]
    [InlineData("hosts-2", "one-capable-host")]
    public void A_missing_capability_skips_with_its_code(string need, string code)
    {
        var cloud = Cloud(Host("a", 1, 1, Topology(1, smt: false, pages2m: 256)));

        Assert.Equal(code, ScenarioSelector.Decide(["vcpu", need], cloud)?.Code);
    }

    [Fact]
    public void Without_host_access_a_topology_need_is_no_host_access_not_absent()
    {
        var cloud = Cloud(Host("a", 4, 4, topology: null));

        var skip = ScenarioSelector.Decide(["pcpu", "numa-2"], cloud);

        Assert.Equal("no-host-access", skip?.Code);
        Assert.Contains("numa-2", skip!.Message);
        Assert.Null(ScenarioSelector.Decide(["pcpu"], cloud));
    }

    [Fact]
    public void Needs_spread_over_two_hosts_are_not_met_by_either()
    {
        var cloud = Cloud(Host("a", 4, 0, Topology(1, smt: false)), Host("b", 0, 4, Topology(2, smt: false)));

        Assert.Equal("no-single-host", ScenarioSelector.Decide(["pcpu", "numa-2"], cloud)?.Code);
        Assert.Null(ScenarioSelector.Decide(["pcpu"], cloud));
    }

    [Fact]
    public void A_host_that_is_down_does_not_count()
    {
        var cloud = Cloud(Host("a", 4, 4, Topology(2, smt: true), up: false), Host("b", 4, 4, Topology(1, smt: false)));

        Assert.Equal("one-numa-node", ScenarioSelector.Decide(["numa-2"], cloud)?.Code);
        Assert.Equal("no-compute-host", ScenarioSelector.Decide([], Cloud(Host("a", 1, 1, null, up: false)))?.Code);
    }

    [Fact]
    public void Free_capacity_decides_pcpu_2()
    {
        var busy = Host("a", 4, 4, Topology(1, smt: false)) with
        {
            Resources = ImmutableDictionary<string, ResourceCapacity>.Empty.Add("PCPU", new ResourceCapacity(4, 0, 1.0, 3)),
        };

        Assert.Equal("too-few-pcpus", ScenarioSelector.Decide(["pcpu-2"], Cloud(busy))?.Code);
    }

    [Fact]
    public void Select_takes_ids_and_globs_and_refuses_a_pattern_that_matches_nothing()
    {
        string[] ids = ["numa.one-node", "numa.two-nodes", "pinning.simple", "pinning.dedicated"];

        Assert.Equal(["numa.one-node", "numa.two-nodes", "pinning.simple", "pinning.dedicated"], ScenarioSelector.Select(ids, [], []));
        Assert.Equal(["numa.two-nodes", "pinning.simple"], ScenarioSelector.Select(ids, ["numa.*", "pinning.simple"], ["numa.one-?ode"]));
        var error = Assert.Throws<ArgumentException>(() => ScenarioSelector.Select(ids, ["pining.*"], []));
        Assert.Contains("'pining.*' matches no scenario", error.Message);
    }

    /// <summary>A host with an SR-IOV NIC on cell 0 (8 VFs) and <paramref name="deviceSpec"/> in nova.conf; cell 1 has one dedicated CPU more.</summary>
    private static DiscoveredHost SriovHost(string? deviceSpec, bool vfs = true)
    {
        var topology = Topology(2, smt: false);
        var pf = new PciDevice { Address = "0000:5e:00.0", VendorId = "8086", ProductId = "158b", NumaNode = 0 };
        var vfList = Enumerable.Range(0, vfs ? 8 : 0).Select(i => new PciDevice
        {
            Address = $"0000:5e:02.{i}",
            VendorId = "8086",
            ProductId = "154c",
            NumaNode = 0,
            PhysicalFunction = pf.Address,
        }).ToList();
        topology = topology with { PciDevices = [pf with { VirtualFunctions = [.. vfList.Select(v => v.Address)] }, .. vfList] };
        var conf = Smog.Nova.Config.NovaConfReader.ParseIni("[compute]\ncpu_dedicated_set = 1-3,4-7\n" + (deviceSpec is null ? "" : $"[pci]\ndevice_spec = {deviceSpec}\n"), "nova.conf").Value!;
        return Host("sriov", 7, 1, topology) with { Conf = conf };
    }

    [Fact]
    public void Sriov_needs_vfs_on_a_physnet_and_the_far_cell_capability_a_bigger_cell_without_vfs()
    {
        var withPhysnet = SriovHost("""{"vendor_id": "8086", "product_id": "154c", "physical_network": "net1"}""");
        var withoutPhysnet = SriovHost("""{"vendor_id": "8086", "product_id": "154c"}""");
        var noVfs = SriovHost("""{"vendor_id": "8086", "product_id": "154c", "physical_network": "net1"}""", vfs: false);

        Assert.Equal(8, withPhysnet.SriovVfs.Length);
        Assert.All(withPhysnet.SriovVfs, d => Assert.Equal("net1", d.Physnet));
        Assert.Equal((true, true), (Capability.Sriov.Test(withPhysnet), Capability.SriovFarCell.Test(withPhysnet)));
        Assert.Equal((false, false), (Capability.Sriov.Test(withoutPhysnet), Capability.SriovFarCell.Test(withoutPhysnet)));
        Assert.Equal(false, Capability.Sriov.Test(noVfs));
        Assert.Null(Capability.Sriov.Test(withPhysnet with { Conf = null }));
        Assert.Equal("no-sriov-physnet", Capability.Sriov.SkipCode);
    }
}
