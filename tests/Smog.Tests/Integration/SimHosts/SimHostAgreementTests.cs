using System.Collections.Immutable;
using System.Xml.Linq;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Hosts.Prefixed;
using Smog.Tests.Cloud.Simulation;

namespace Smog.Tests.Integration.SimHosts;

/// <summary>
/// The two simulations of a lab host answer alike: the embedded cloud's host access
/// (<c>CloudSimulation.HostAccess</c>) and lab/allinone.d/simhost.py (the shim the real lab's
/// simulated hosts answer through), for the same default-lab host, with no guests and with the
/// embedded cloud's pinned 2 MiB-page guest written into simhost's state as the nova-compute
/// wrapper would. Both must look like Linux: a huge page pool is not free memory.
/// </summary>
public sealed class SimHostAgreementTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _state = Directory.CreateTempSubdirectory("smog-agree-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    /// <summary>simhost's view of <paramref name="host"/>: rendered, with the domains given, refreshed.</summary>
    private async Task<ICommandRunner> SimHostAsync(string host, params (string Name, string Xml)[] running)
    {
        var state = Path.Combine(_state, host);
        var rendered = await LabScripts.RunAsync("simhost.py", "render", "--lab", LabScripts.DefaultLab, "--host", host,
            "--root", Path.Combine(state, "root"), "--capabilities", Path.Combine(state, "libvirt", "capabilities.xml"));
        Assert.True(rendered.Succeeded, rendered.StandardError);
        var domains = Directory.CreateDirectory(Path.Combine(state, "libvirt", "domains")).FullName;
        foreach (var (name, xml) in running)
        {
            await File.WriteAllTextAsync(Path.Combine(domains, name + ".xml"), xml, Ct);
            await File.WriteAllTextAsync(Path.Combine(domains, name + ".state"), "running\n", Ct);
        }
        var refreshed = await LabScripts.RunAsync("simhost.py", "refresh", "--state", state);
        Assert.True(refreshed.Succeeded, refreshed.StandardError);
        return new PrefixedCommandRunner(new LocalCommandRunner(),
            [LabScripts.Python, LabScripts.Script("simhost.py"), "exec", "--state", state, "--"], Path.Combine(state, "root"));
    }

    /// <summary>Every fact both sides must agree on, by name, so a failure says which one differs.</summary>
    private static async Task<ImmutableSortedDictionary<string, string>> FactsAsync(ICommandRunner host, int nodes, long[] pageSizesKiB)
    {
        var facts = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var numactl = await host.RunAsync("numactl", ["-H"], Ct);
        Assert.NotNull(numactl);
        foreach (var line in numactl.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((l, i) => (l, i)))
            facts[$"numactl line {line.i:00}"] = line.l;
        for (var node = 0; node < nodes; node++)
        {
            foreach (var size in pageSizesKiB)
                foreach (var file in new[] { "nr_hugepages", "free_hugepages" })
                    facts[$"node{node} {size} kB {file}"] =
                        await host.ReadFileAsync($"/sys/devices/system/node/node{node}/hugepages/hugepages-{size}kB/{file}", Ct) ?? "(missing)";
        }
        foreach (var size in pageSizesKiB)
            foreach (var file in new[] { "nr_hugepages", "free_hugepages", "resv_hugepages", "surplus_hugepages" })
                facts[$"machine {size} kB {file}"] = await host.ReadFileAsync($"/sys/kernel/mm/hugepages/hugepages-{size}kB/{file}", Ct) ?? "(missing)";
        for (var node = 0; node < nodes; node++)
        {
            var meminfo = await host.ReadFileAsync($"/sys/devices/system/node/node{node}/meminfo", Ct) ?? "";
            foreach (var line in meminfo.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select((l, i) => (l, i)))
                facts[$"node{node} meminfo line {line.i}"] = line.l;
        }
        var capabilities = await host.RunAsync("virsh", ["capabilities"], Ct);
        Assert.NotNull(capabilities);
        foreach (var cell in XDocument.Parse(capabilities.StandardOutput).Descendants("cell"))
        {
            var id = (string?)cell.Attribute("id");
            facts[$"capabilities cell {id} memory"] = $"{cell.Element("memory")?.Value} {(string?)cell.Element("memory")?.Attribute("unit")}";
            foreach (var pages in cell.Elements("pages"))
                facts[$"capabilities cell {id} pages {(string?)pages.Attribute("size")} {(string?)pages.Attribute("unit")}"] = pages.Value;
            foreach (var sibling in cell.Elements("distances").Elements("sibling"))
                facts[$"capabilities cell {id} distance to {(string?)sibling.Attribute("id")}"] = (string?)sibling.Attribute("value") ?? "";
            foreach (var cpu in cell.Elements("cpus").Elements("cpu"))
                facts[$"capabilities cell {id} cpu {(string?)cpu.Attribute("id"),3}"] = string.Join(" ",
                    new[] { "socket_id", "die_id", "core_id", "siblings" }.Select(a => $"{a}={(string?)cpu.Attribute(a)}"));
        }
        return facts.ToImmutable();
    }

    private static void AssertAgree(ImmutableSortedDictionary<string, string> embedded, ImmutableSortedDictionary<string, string> simhost)
    {
        var differences = embedded.Keys.Union(simhost.Keys)
            .Where(k => embedded.GetValueOrDefault(k) != simhost.GetValueOrDefault(k))
            .Select(k => $"{k}: embedded '{embedded.GetValueOrDefault(k) ?? "(none)"}', simhost '{simhost.GetValueOrDefault(k) ?? "(none)"}'")
            .ToList();
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Theory]
    [InlineData("compute-0", 4)]
    [InlineData("compute-2", 2)]
    [InlineData("compute-3", 3)]
    public async Task With_no_guests_numactl_huge_page_pools_and_capability_cells_agree(string host, int nodes)
    {
        var simhost = await SimHostAsync(host);
        var embedded = new SimulationHarness().Cloud.HostAccess(host);

        var expected = await FactsAsync(simhost, nodes, [2048, 1048576]);
        AssertAgree(await FactsAsync(embedded, nodes, [2048, 1048576]), expected);
        // Linux's view, from the YAML by hand: a 32 GiB node free of its pools.
        var free = host switch { "compute-2" => 32768 - 2048 - 4096, "compute-3" => 32768 - 1024, _ => 32768 };
        Assert.Equal($"node 0 free: {free} MB", expected.Values.Single(v => v.StartsWith("node 0 free:", StringComparison.Ordinal)));
    }

    /// <summary>Boots <paramref name="specs"/> on the embedded cloud, hands its domain to simhost, and compares the host both ways.</summary>
    private async Task<(Booted Server, ImmutableSortedDictionary<string, string> Simhost)> BootAndCompareAsync(int vcpus, long ramMiB, params (string, string)[] specs)
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(vcpus, ramMiB, specs));
        Assert.Equal("ACTIVE", server.Status);
        var host = server.Host!;
        var topology = LabReader.Default().Hosts.Single(x => x.Name == host).Topology;
        var embedded = h.Cloud.HostAccess(host);
        var xml = (await embedded.RunAsync("virsh", ["dumpxml", server.InstanceName], Ct))!.StandardOutput;
        var simhost = await SimHostAsync(host, (server.InstanceName, xml));

        var expected = await FactsAsync(simhost, topology.Cells.Length, [2048, 1048576]);
        AssertAgree(await FactsAsync(embedded, topology.Cells.Length, [2048, 1048576]), expected);
        return (new Booted(topology, [.. server.Placement!.Fitted!.Cells.Select(c => c.HostCell)]), expected);
    }

    private sealed record Booted(Smog.Topology.HostTopology Topology, ImmutableArray<int> HostCells);

    [Fact]
    public async Task With_a_pinned_2m_page_guest_booted_both_count_its_pages_and_leave_free_memory_alone()
    {
        var (server, simhost) = await BootAndCompareAsync(2, 1024, ("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB"));

        // 1 GiB of 2 MiB pages is 512 pages out of the guest's node's pool; MemFree does not move.
        var cell = server.HostCells.Single();
        var host = server.Topology.Cells[cell];
        Assert.Equal($"{host.PagesOfSize(2048)!.Total - 512}\n", simhost[$"node{cell} 2048 kB free_hugepages"]);
        var pools = host.Pages.Where(p => p.SizeKiB != 4).Sum(p => p.SizeKiB * p.Total) / 1024;
        Assert.Equal($"node {cell} free: {host.MemoryMiB - pools} MB", simhost.Values.Single(v => v.StartsWith($"node {cell} free:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_a_pinned_two_cell_guest_on_small_pages_both_take_its_cells_memory_from_free()
    {
        var (server, simhost) = await BootAndCompareAsync(8, 4096, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2"));

        // Two guest cells of 2 GiB on 4 KiB pages: each of their host nodes has 2048 MiB less free.
        Assert.Equal(2, server.HostCells.Distinct().Count());
        foreach (var cell in server.HostCells)
        {
            var host = server.Topology.Cells[cell];
            var pools = host.Pages.Where(p => p.SizeKiB != 4).Sum(p => p.SizeKiB * p.Total) / 1024;
            Assert.Equal($"node {cell} free: {host.MemoryMiB - pools - 2048} MB", simhost.Values.Single(v => v.StartsWith($"node {cell} free:", StringComparison.Ordinal)));
        }
    }
}
