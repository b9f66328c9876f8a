using System.Collections.Immutable;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Hosts.Prefixed;
using Smog.Tests.Cli;
using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Tests.Integration.SimHosts;

/// <summary>
/// Simulated lab hosts as Smog reaches them: lab/allinone.d/simhost.py renders the default lab's
/// compute-2 (SMT, 2 MiB + 1 GiB pages) and compute-3 (SR-IOV) into a state dir, committed domain
/// fixtures stand in for what the nova-compute wrapper writes, and an inventory entry with
/// <c>command_prefix</c> (the shim) and <c>files_root</c> (the rendered tree) is the only way in.
/// </summary>
public sealed class SimHostAccessTests : IDisposable
{
    private const string Uri = "test:///smog-sim/compute-2";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _state = Directory.CreateTempSubdirectory("smog-sim-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private string StateOf(string host) => Path.Combine(_state, host);

    /// <summary>Renders <paramref name="hosts"/> and writes the inventory lab/allinone writes for them.</summary>
    private async Task<string> RenderAsync(params string[] hosts)
    {
        var yaml = new List<string> { "hosts:" };
        foreach (var host in hosts)
        {
            var state = StateOf(host);
            var result = await LabScripts.RunAsync("simhost.py", "render", "--lab", LabScripts.DefaultLab, "--host", host,
                "--root", Path.Combine(state, "root"), "--capabilities", Path.Combine(state, "libvirt", "capabilities.xml"));
            Assert.True(result.Succeeded, result.StandardError);
            yaml.Add($"  - name: {host}");
            yaml.Add("    access: local");
            yaml.Add($"    libvirt_uri: \"test:///smog-sim/{host}\"");
            yaml.Add($"    command_prefix: [{LabScripts.Python}, {LabScripts.Script("simhost.py")}, exec, --state, {state}, --]");
            yaml.Add($"    files_root: {Path.Combine(state, "root")}");
        }
        var inventory = Path.Combine(_state, "inventory.yml");
        await File.WriteAllLinesAsync(inventory, yaml, Ct);
        return inventory;
    }

    /// <summary>Puts a committed domain fixture in the host's state as the wrapper would (XML + state word).</summary>
    private string AddDomain(string host, string fixture, string name, string state)
    {
        var dir = Path.Combine(StateOf(host), "libvirt", "domains");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".xml");
        File.Copy(Fixtures.Require(fixture), path, overwrite: true);
        File.WriteAllText(Path.Combine(dir, name + ".state"), state + "\n");
        return path;
    }

    /// <summary>What discover can know of a host the lab describes: free memory and 4 KiB free counts are not in the YAML.</summary>
    private static HostTopology Comparable(HostTopology t) => t with
    {
        Hostname = null,
        Cells = [.. t.Cells.Select(c => c with
        {
            FreeMemoryMiB = null,
            Pages = [.. c.Pages.Select(p => p with { Free = p.SizeKiB == 4 ? null : p.Free })],
        })],
    };

    private static HostTopology Expected(string host)
    {
        var lab = LabReader.Load(LabScripts.DefaultLab);
        Assert.True(lab.Success);
        return Comparable(lab.Value.Hosts.Single(h => h.Name == host).Topology);
    }

    private static HostTopology Discover(string inventory, string host)
    {
        var (exit, json, err) = CliRunner.Run(["discover", "--host", host, "--inventory", inventory, "--output", "json"]);
        Assert.True(exit == 0, err);
        var parsed = TopologyJsonParser.Parse(json, "discover");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    [Theory]
    [InlineData("compute-2")]
    [InlineData("compute-3")]
    public async Task Discover_through_the_inventory_returns_the_labs_topology_of_the_host(string host)
    {
        var inventory = await RenderAsync("compute-2", "compute-3");

        var discovered = Discover(inventory, host);

        Assert.Equal(Expected(host), Comparable(discovered));
        // No guests yet: free is what the huge page pools leave, as Linux counts them.
        Assert.All(discovered.Cells, c => Assert.Equal(c.MemoryMiB - c.Pages.Where(p => p.SizeKiB != 4).Sum(p => p.SizeKiB * p.Total) / 1024, c.FreeMemoryMiB));
    }

    [Fact]
    public async Task The_discovered_sources_are_numactl_virsh_capabilities_and_sysfs_all_through_the_shim()
    {
        var inventory = await RenderAsync("compute-3");
        var host = InventoryParser.Load(inventory).Find("compute-3");
        var runner = await HostInventory.ConnectAsync(host, Ct);

        var inputs = await HostDiscovery.CollectAsync(runner, "/sys", host.LibvirtUri, Ct);

        Assert.Equal(["numactl -H", "virsh capabilities", "/sys"], inputs.Sources.Select(s => s.Source));
        // hwloc is not simulated: the note says what answered, not what to install.
        Assert.Equal(["lstopo-no-graphics does not answer behind the host's command_prefix; topology from numactl -H, virsh capabilities, /sys"], inputs.Notes);
        Assert.Empty(TopologyMerger.Merge(inputs.Sources).Warnings); // the three sources agree
        var expected = Expected("compute-3");
        var sysfs = Comparable(inputs.Sources.Single(s => s.Source == "/sys").Topology);
        // sysfs has no 4 KiB pool; everything else it says is the lab's.
        Assert.Equal(expected with { Cells = [.. expected.Cells.Select(c => c with { Pages = [.. c.Pages.Where(p => p.SizeKiB != 4)] })] }, sysfs);
    }

    [Fact]
    public async Task Virsh_through_the_runner_answers_from_the_domains_the_wrapper_wrote()
    {
        var inventory = await RenderAsync("compute-2");
        var running = AddDomain("compute-2", "domains/nova-boot-b4_hugepages_2m.xml", "instance-00000001", "running");
        AddDomain("compute-2", "domains/virsh-dumpxml-defined-inactive.xml", "numa-test", "shutoff");
        var runner = await HostInventory.ConnectAsync(InventoryParser.Load(inventory).Find("compute-2"), Ct);

        async Task<CommandResult> Virsh(params string[] args) =>
            await runner.RunAsync("virsh", ["-c", Uri, .. args], Ct) ?? throw new InvalidOperationException("virsh reported as not installed");

        var dumped = await Virsh("dumpxml", "instance-00000001");
        Assert.Equal((0, File.ReadAllText(running)), (dumped.ExitCode, dumped.StandardOutput));
        // By UUID and by id too, as virsh accepts.
        Assert.Equal(dumped.StandardOutput, (await Virsh("dumpxml", "cda442e4-4180-4f54-9406-1c123cc04d54")).StandardOutput);
        Assert.Equal(dumped.StandardOutput, (await Virsh("dumpxml", "1")).StandardOutput);

        // virsh 9.0's table: columns padded to their widest cell, 3 spaces apart, dashes across, a blank line after.
        Assert.Equal(
            " Id   Name                State\n" +
            "------------------------------------\n" +
            " 1    instance-00000001   running\n" +
            " -    numa-test           shut off\n\n",
            (await Virsh("list", "--all")).StandardOutput);
        Assert.Equal(" Id   Name                State\n-----------------------------------\n 1    instance-00000001   running\n\n", (await Virsh("list")).StandardOutput);
        Assert.Equal("instance-00000001\nnuma-test\n\n", (await Virsh("list", "--all", "--name")).StandardOutput);
        Assert.Equal("cda442e4-4180-4f54-9406-1c123cc04d54 instance-00000001\n\n", (await Virsh("list", "--uuid", "--name")).StandardOutput);
        Assert.Equal("shut off\n\n", (await Virsh("domstate", "numa-test")).StandardOutput);

        var missing = await Virsh("dumpxml", "instance-000000ff");
        Assert.Equal((1, "", "error: failed to get domain 'instance-000000ff'\n"), (missing.ExitCode, missing.StandardOutput, missing.StandardError));
        var caps = await Virsh("capabilities");
        Assert.Equal(File.ReadAllText(Path.Combine(StateOf("compute-2"), "libvirt", "capabilities.xml")), caps.StandardOutput);
    }

    [Fact]
    public async Task Programs_the_simulated_host_lacks_are_not_installed()
    {
        var inventory = await RenderAsync("compute-2");
        var runner = await HostInventory.ConnectAsync(InventoryParser.Load(inventory).Find("compute-2"), Ct);
        Assert.Null(await runner.RunAsync("lstopo-no-graphics", ["--of", "xml"], Ct));
        Assert.Null(await runner.RunAsync("/usr/bin/qemu-system-x86_64", ["--version"], Ct));
        Assert.Null(await runner.RunAsync("sh", ["-c", "true"], Ct));
    }

    [Fact]
    public async Task Refresh_takes_a_running_domains_huge_pages_from_its_host_node_and_gives_them_back_when_it_stops()
    {
        var inventory = await RenderAsync("compute-2");
        // Nova's libvirt driver wrote it (boot oracle): one guest cell, 1 GiB of 2 MiB pages, memnode 0 -> host node 0.
        AddDomain("compute-2", "domains/nova-boot-b4_hugepages_2m.xml", "instance-00000001", "running");
        var state = StateOf("compute-2");
        var refresh = $"import sys; sys.path.insert(0, sys.argv[1]); import simhost; simhost.refresh(sys.argv[2], 'compute-2')";
        var scripts = Path.GetDirectoryName(LabScripts.Script("simhost.py"))!;

        var imported = await LabScripts.RunPythonAsync("-c", refresh, scripts, state);
        Assert.True(imported.Succeeded, imported.StandardError);

        var pages = PagesByNode(Discover(inventory, "compute-2"));
        Assert.Equal((1024L, 1024L - 512), pages[(0, 2048)]); // 1 GiB / 2 MiB = 512 pages held
        Assert.Equal((1024L, 1024L), pages[(1, 2048)]);
        Assert.Equal((4L, 4L), pages[(0, 1048576)]);
        var runner = await HostInventory.ConnectAsync(InventoryParser.Load(inventory).Find("compute-2"), Ct);
        // The machine-wide pool sums the nodes: 512 + 1024 of 2048 free.
        Assert.Equal("1536\n", await runner.ReadFileAsync("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", Ct));
        File.WriteAllText(Path.Combine(state, "libvirt", "domains", "instance-00000001.state"), "shutoff\n");

        var again = await LabScripts.RunAsync("simhost.py", "refresh", "--state", state);
        Assert.True(again.Succeeded, again.StandardError);

        Assert.Equal((1024L, 1024L), PagesByNode(Discover(inventory, "compute-2"))[(0, 2048)]);
    }

    private static Dictionary<(int Node, long Size), (long Total, long? Free)> PagesByNode(HostTopology t) =>
        t.Cells.SelectMany(c => c.Pages.Select(p => (Key: (c.Id, p.SizeKiB), Value: (p.Total, p.Free)))).ToDictionary(x => x.Key, x => x.Value);

    [Fact]
    public async Task Numactl_free_memory_drops_by_each_running_guest_cells_small_page_memory_on_its_node()
    {
        var inventory = await RenderAsync("compute-3");
        // Nova wrote it (boot oracle): two guest cells of 1 GiB, 4 KiB pages, memnodes 0 -> 0 and 1 -> 1.
        AddDomain("compute-3", "domains/nova-boot-b1_numa2_shared.xml", "instance-00000001", "running");
        var refreshed = await LabScripts.RunAsync("simhost.py", "refresh", "--state", StateOf("compute-3"));
        Assert.True(refreshed.Succeeded, refreshed.StandardError);
        var runner = await HostInventory.ConnectAsync(InventoryParser.Load(inventory).Find("compute-3"), Ct);

        var numactl = await runner.RunAsync("numactl", ["-H"], Ct);

        Assert.NotNull(numactl);
        Assert.Equal(
            // compute-3: three 32 GiB nodes, each with 512 x 2 MiB pages (1 GiB, counted as used, as
            // Linux does); the guest's 1 GiB cells take 1 GiB more from nodes 0 and 1.
            "available: 3 nodes (0-2)\n" +
            "node 0 cpus: 0 1 2 3 4 5 6 7\n" +
            "node 0 size: 32768 MB\n" +
            "node 0 free: 30720 MB\n" +
            "node 1 cpus: 8 9 10 11 12 13 14 15\n" +
            "node 1 size: 32768 MB\n" +
            "node 1 free: 30720 MB\n" +
            "node 2 cpus: 16 17 18 19 20 21 22 23\n" +
            "node 2 size: 32768 MB\n" +
            "node 2 free: 31744 MB\n" +
            "node distances:\n" +
            "node   0   1   2 \n" +
            "  0:  10  21  21 \n" +
            "  1:  21  10  21 \n" +
            "  2:  21  21  10 \n",
            numactl.StandardOutput);
    }

    [Fact]
    public async Task Over_ssh_the_prefix_and_files_root_reach_the_simulated_host_the_same_way()
    {
        var target = Smog.Tests.Hosts.Ssh.SshLoopback.Target(); // skips without the loopback sshd
        await RenderAsync("compute-3");
        var state = StateOf("compute-3");
        using var runner = new PrefixedCommandRunner(await Smog.Tests.Hosts.Ssh.SshLoopback.ConnectAsync(target),
            [LabScripts.Python, LabScripts.Script("simhost.py"), "exec", "--state", state, "--"], Path.Combine(state, "root"));

        var inputs = await HostDiscovery.CollectAsync(runner, "/sys", "test:///smog-sim/compute-3", Ct);

        Assert.Equal(["numactl -H", "virsh capabilities", "/sys"], inputs.Sources.Select(s => s.Source));
        var merged = TopologyMerger.Merge(inputs.Sources);
        Assert.Empty(merged.Warnings);
        Assert.Equal(Expected("compute-3"), Comparable(merged.Topology));
        Assert.Null(await runner.RunAsync("lstopo-no-graphics", ["--of", "xml"], Ct));
    }
}
