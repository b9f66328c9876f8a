using Smog.Cloud.Lab;
using Smog.Cloud.Simulation;
using Smog.Hosts;
using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Tests.Cloud.Simulation;

/// <summary>
/// Host access round trips through the existing parsers: what discovery reads from a simulated
/// host is the hardware the lab YAML describes. Expected values come from the YAML (by hand, or
/// through the lab reader), never from the writers.
/// </summary>
public class SimulatedHostRunnerTests
{
    private static readonly LabDefinition Lab = LabReader.Default();

    private static async Task<(DiscoveryInputs Inputs, DiscoveryReport Report)> Discover(CloudSimulation cloud, string host)
    {
        var inputs = await HostDiscovery.CollectAsync(cloud.HostAccess(host), "/sys", TestContext.Current.CancellationToken);
        return (inputs, TopologyMerger.Merge(inputs.Sources));
    }

    [Theory]
    [InlineData("compute-0")]
    [InlineData("compute-2")]
    [InlineData("compute-3")]
    public async Task Every_source_parses_and_discovery_returns_the_lab_hardware(string host)
    {
        var cloud = new CloudSimulation(Lab);
        var (inputs, report) = await Discover(cloud, host);
        Assert.Empty(inputs.Notes);
        Assert.Equal([TopologyFormat.Numactl, TopologyFormat.HwlocXml, TopologyFormat.Capabilities, TopologyFormat.Sysfs], inputs.Sources.Select(s => s.Format));
        Assert.Empty(report.Warnings);
        var expected = Lab.Hosts.Single(h => h.Name == host).Topology;
        var actual = report.Topology;
        Assert.Equal(expected.Cells.Select(c => (c.Id, c.Cpus, c.MemoryMiB)), actual.Cells.Select(c => (c.Id, c.Cpus, c.MemoryMiB)));
        Assert.Equal(expected.Cells.Select(c => string.Join(" ", c.Siblings)), actual.Cells.Select(c => string.Join(" ", c.Siblings)));
        Assert.Equal(expected.Cells.Select(c => string.Join(",", c.Distances)), actual.Cells.Select(c => string.Join(",", c.Distances)));
        Assert.Equal(expected.Cells.Select(c => Huge(c)), actual.Cells.Select(c => Huge(c)));
        Assert.Equal(expected.Cpus.Select(c => (c.Id, c.Cell, c.Socket, c.Core)), actual.Cpus.Select(c => (c.Id, c.Cell, c.Socket, c.Core)));
        Assert.Equal(expected.PciDevices.Select(d => (d.Address, d.NumaNode, d.VendorId, d.ProductId, d.PhysicalFunction)),
            actual.PciDevices.Select(d => (d.Address, d.NumaNode, d.VendorId, d.ProductId, d.PhysicalFunction)));
    }

    private static string Huge(NumaCell cell) => string.Join(",", cell.Pages.Where(p => p.SizeKiB != 4).Select(p => $"{p.SizeKiB}x{p.Total}"));

    [Fact]
    public async Task The_smt_host_reads_as_written_in_the_yaml()
    {
        var (_, report) = await Discover(new CloudSimulation(Lab), "compute-2");
        var t = report.Topology;
        // compute-2: 2 nodes x 8 cores x 2 threads, siblings n and n+16, 32 GiB and {2M: 1024, 1G: 4} per node.
        Assert.Equal(CpuSet.Parse("0-7,16-23"), t.Cells[0].Cpus);
        Assert.Equal(CpuSet.Of(5, 21), t.SiblingsOf(21));
        Assert.Equal(32768, t.Cells[1].MemoryMiB);
        Assert.Equal(1024, t.Cells[1].PagesOfSize(2048)!.Total);
        Assert.Equal(4, t.Cells[0].PagesOfSize(1048576)!.Total);
        Assert.Equal(2, t.SocketCount);
    }

    [Fact]
    public async Task Sriov_vfs_keep_their_pf_link_and_node_through_sysfs()
    {
        var runner = new CloudSimulation(Lab).HostAccess("compute-3");
        var snapshot = await SysfsSnapshotLoader.LoadAsync(runner, "/sys", TestContext.Current.CancellationToken);
        var t = SysfsParser.Parse(snapshot).Value;
        var vf = t.PciDevices.Single(d => d.Address == "0000:d8:02.7");
        Assert.Equal(("0000:d8:00.0", 1, "154c"), (vf.PhysicalFunction, vf.NumaNode ?? -1, vf.ProductId));
        Assert.Equal(8, t.PciDevices.Single(d => d.Address == "0000:5e:00.0").VirtualFunctions.Length);
    }

    [Fact]
    public async Task Huge_pages_in_use_show_as_not_free()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(2, 2048, ("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB")));
        var cell = server.Placement!.Fitted!.Cells.Single().HostCell;
        var runner = h.Cloud.HostAccess(server.Host!);
        var free = await runner.ReadFileAsync($"/sys/devices/system/node/node{cell}/hugepages/hugepages-2048kB/free_hugepages", TestContext.Current.CancellationToken);
        Assert.Equal("0\n", free); // 2048 MiB of 2 MiB pages: all 1024
        Assert.Equal("1024\n", await runner.ReadFileAsync($"/sys/devices/system/node/node{cell}/hugepages/hugepages-2048kB/nr_hugepages", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Virsh_lists_and_dumps_the_hosts_domains_by_name_or_uuid()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(8, 4096, ("hw:numa_nodes", "2"), ("hw:cpu_policy", "dedicated")));
        var runner = h.Cloud.HostAccess(server.Host!);
        var ct = TestContext.Current.CancellationToken;
        var byName = await runner.RunAsync("virsh", ["dumpxml", server.InstanceName], ct);
        var byUuid = await runner.RunAsync("virsh", ["-c", "qemu:///system", "dumpxml", server.Id], ct);
        Assert.Equal((0, server.DomainXml + "\n"), (byName!.ExitCode, byName.StandardOutput));
        Assert.Equal(byName.StandardOutput, byUuid!.StandardOutput);
        Assert.Equal(" Id   Name                State\n------------------------------------\n 1    instance-00000001   running\n\n",
            (await runner.RunAsync("virsh", ["list", "--all"], ct))!.StandardOutput);
        Assert.Equal("instance-00000001\n\n", (await runner.RunAsync("virsh", ["list", "--name"], ct))!.StandardOutput);
        h.Cloud.Stop(server.Id);
        h.Settle(server.Id);
        Assert.Equal("\n", (await runner.RunAsync("virsh", ["list", "--name"], ct))!.StandardOutput);
        Assert.Contains("shut off", (await runner.RunAsync("virsh", ["list", "--all"], ct))!.StandardOutput);
        var missing = await runner.RunAsync("virsh", ["dumpxml", "instance-000000ff"], ct);
        Assert.Equal((1, "error: failed to get domain 'instance-000000ff'\n"), (missing!.ExitCode, missing.StandardError));
        Assert.Empty(h.Verify(h.Cloud.Server(server.Id)!).Where(f => f.Severity == Smog.Libvirt.Verification.Severity.Error));
    }

    [Fact]
    public async Task Other_programs_are_not_installed_and_unknown_files_are_missing()
    {
        var runner = new CloudSimulation(Lab).HostAccess("compute-1");
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await runner.RunAsync("ip", ["link"], ct));
        Assert.Equal(1, (await runner.RunAsync("virsh", ["nodeinfo"], ct))!.ExitCode);
        // nova.conf is served (SimulatedHostAccessTests); other files are not.
        Assert.Null(await runner.ReadFileAsync("/etc/nova/nova-compute.conf", ct));
        Assert.Null(await runner.ReadFileAsync("/etc/hostname.unknown", ct));
        Assert.Empty(await runner.ListDirectoryAsync("/proc", ct));
        Assert.Equal("compute-1", runner.HostName);
        Assert.Equal(SimulationFault.NotFound, Assert.Throws<SimulationException>(() => new CloudSimulation(Lab).HostAccess("compute-9")).Fault);
    }
}
