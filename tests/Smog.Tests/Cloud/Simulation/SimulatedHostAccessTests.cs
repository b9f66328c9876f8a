using Smog.Cloud.Simulation.HostAccess;
using Smog.Suite.Selection;

namespace Smog.Tests.Cloud.Simulation;

public class SimulatedHostAccessTests
{
    [Fact]
    public async Task Discovery_reads_a_simulated_hosts_nova_conf_with_its_cpu_sets_device_spec_and_the_controllers_aliases()
    {
        var h = new SimulationHarness();
        var (conf, note) = await CloudDiscovery.ReadNovaConfAsync(h.Cloud.HostAccess("compute-0"), TestContext.Current.CancellationToken);
        Assert.Null(note);
        Assert.NotNull(conf);
        Assert.Equal("1-7,9-15,17-23,25-31", conf.CpuDedicatedSet?.ToString());
        Assert.Equal(["{\"vendor_id\": \"8086\", \"product_id\": \"1572\"}"], conf.PciDeviceSpecs);
        Assert.Equal(h.Cloud.Lab.Controller.PciAliases, conf.PciAliases);
        Assert.Equal(4, conf.PciAliases.Length);
    }

    [Fact]
    public async Task The_sriov_hosts_nova_conf_names_its_physical_network()
    {
        var h = new SimulationHarness();
        var text = await h.Cloud.HostAccess("compute-3").ReadFileAsync(SimulatedHostRunner.NovaConfPath, TestContext.Current.CancellationToken);
        Assert.NotNull(text);
        Assert.Contains("\"physical_network\": \"sriovnet\"", text, StringComparison.Ordinal);
        Assert.Null(await h.Cloud.HostAccess("compute-3").ReadFileAsync("/etc/nova/nova-compute.conf", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Free_2m_pages_in_sysfs_drop_by_what_a_booted_guest_took_from_its_cell()
    {
        var h = new SimulationHarness();
        const string Pool = "hugepages/hugepages-2048kB/free_hugepages";
        async Task<long> Free(int cell) => long.Parse((await h.Cloud.HostAccess("compute-2")
            .ReadFileAsync($"/sys/devices/system/node/node{cell}/{Pool}", TestContext.Current.CancellationToken))!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1024, await Free(0));
        Assert.Equal(1024, await Free(1));
        var server = h.Boot(h.Flavor(1, 1024, ("hw:mem_page_size", "2MB")));
        Assert.Equal("compute-2", server.Host);
        var cell = server.Placement!.Fitted!.Cells.Single().HostCell;
        Assert.Equal(1024 - 512, await Free(cell));
        Assert.Equal(1024, await Free(1 - cell));
    }

    [Fact]
    public void A_floating_guest_in_a_cell_with_one_shared_cpu_is_not_taken_for_a_pinned_neighbour()
    {
        var h = new SimulationHarness();
        // compute-0's cells have one shared CPU each: a floating one-node guest's vcpupin names just that CPU.
        var numa = h.Boot(h.Flavor(1, 128, ("hw:numa_nodes", "1")), r => r with { Host = "compute-0" });
        var floating = h.Boot(h.Flavor(1, 128), r => r with { Host = "compute-0" });
        Assert.Equal(("compute-0", "compute-0"), (numa.Host, floating.Host));
        Assert.Contains("<vcpupin vcpu=\"0\" cpuset=\"0\"", numa.DomainXml, StringComparison.Ordinal);

        Assert.DoesNotContain(h.Verify(floating), f => f.Rule == Smog.Libvirt.Verification.RuleIds.PinSharedWithFloating);
        Assert.DoesNotContain(h.Verify(numa), f => f.Rule == Smog.Libvirt.Verification.RuleIds.PinSharedWithFloating);
    }
}
