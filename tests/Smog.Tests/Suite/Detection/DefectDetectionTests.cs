using System.Collections.Immutable;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation.Defects;
using Smog.Hosts;
using Smog.Suite.Ledger;
using Smog.Suite.Results;
using Smog.Suite.Runner;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;
using Smog.Tests.Cloud;

namespace Smog.Tests.Suite.Detection;

/// <summary>
/// The suite's detection power: the whole default suite runs in-process against the embedded
/// cloud (default lab, over HTTP, as <c>smog run</c> does) with one defect switched on, and must
/// fail in exactly the scenarios, with exactly the error rules, that the defect must trip. The
/// table is written by hand from what each defect means; a faithful cloud fails nothing. Each
/// run has its own cloud, clients, host access and ledger directory.
/// </summary>
public sealed class DefectDetectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ImmutableDictionary<string, string[]> Rows(params (string[] Rules, string[] Scenarios)[] rows) =>
        rows.SelectMany(r => r.Scenarios.Select(id => (id, r.Rules))).ToImmutableDictionary(x => x.id, x => x.Rules);

    /// <summary>Defect → failing scenario → the rule ids of its error findings.</summary>
    public static readonly ImmutableDictionary<string, ImmutableDictionary<string, string[]>> Expected = new Dictionary<string, ImmutableDictionary<string, string[]>>
    {
        // One vCPU of every pinned guest goes to another cell: pin.cell, the topology API (Nova's own record) disagrees, and the emulator threads (which follow the pins) no longer share the guest's set; on a full host the moved vCPU lands on a taken pCPU; require loses its sibling pair. The pinned SR-IOV guest in the cell without VFs too.
        [DefectCatalog.PinOtherNode] = Rows(
            (["api.topology", "emulator.share", "pin.cell"], ["aggregates.pinned-unpinned", "sriov.port-preferred-far", "lifecycle.cold-migrate", "lifecycle.hard-reboot", "lifecycle.live-migrate", "lifecycle.resize-pinned-unpinned", "lifecycle.stop-start", "pinning.dedicated", "pinning.mixed", "pinning.realtime", "pinning.several-nodes", "pinning.side-by-side", "pinning.simple", "pinning.thread-isolate", "pinning.thread-prefer", "pinning.thread-require-no-smt"]),
            (["api.topology", "pin.cell"], ["emulator.isolate", "emulator.share"]),
            (["api.topology", "emulator.share", "pin.cell", "pin.overlap"], ["fill.pcpus"]),
            (["api.topology", "emulator.share", "pin.cell", "thread.require"], ["pinning.thread-require"])),
        // No thread policy reaches the scheduler: require lands on a host without SMT (and the determinate prediction names another host); isolate is only visible on an SMT host, where the lab's isolate guest does not land.
        [DefectCatalog.IgnoreThreadPolicy] = Rows(
            (["prediction.host", "thread.require"], ["pinning.thread-require"]),
            (["prediction.host", "thread.require", "thread.require-host"], ["pinning.thread-require-no-smt"])),
        // Pins are handed out but not accounted: the guest after a full host boots on a taken pCPU instead of NoValidHost.
        [DefectCatalog.ReusePinnedPcpu] = Rows(
            (["expect.no-valid-host", "pin.overlap", "placement.allocation"], ["fill.pcpus"])),
        // 2 MiB and 1 GiB swapped in the XML: every explicit page-size scenario (the resize to 2 MiB pages too); the topology API keeps the right size.
        [DefectCatalog.WrongPageSize] = Rows(
            (["api.topology", "hugepages.page"], ["hugepages.1g", "hugepages.2m", "hugepages.exhaustion", "hugepages.large", "lifecycle.resize-page-size"])),
        // The last memnode goes: every guest with a NUMA topology fails both numatune rules; PCI and SR-IOV guests whose device locality is judged from the memory binding also fail pci.locality (not preferred, which allows a far device).
        [DefectCatalog.DropMemnode] = Rows(
            (["numatune.memnode", "numatune.nodeset"], ["aggregates.pinned-unpinned", "emulator.isolate", "emulator.share", "fill.pcpus", "hugepages.1g", "hugepages.2m", "hugepages.any", "hugepages.exhaustion", "hugepages.large", "hugepages.small", "lifecycle.cold-migrate", "lifecycle.hard-reboot", "lifecycle.live-migrate", "lifecycle.resize-page-size", "lifecycle.resize-pinned-unpinned", "lifecycle.stop-start", "numa.asymmetric", "numa.one-node", "numa.two-nodes", "pci.preferred", "pinning.dedicated", "pinning.mixed", "pinning.realtime", "pinning.several-nodes", "pinning.side-by-side", "pinning.simple", "pinning.thread-isolate", "pinning.thread-prefer", "pinning.thread-require", "pinning.thread-require-no-smt", "sriov.port-preferred", "sriov.port-preferred-far"]),
            (["numatune.memnode", "numatune.nodeset", "pci.locality"], ["pci.legacy", "pci.required", "pci.socket", "sriov.port-legacy", "sriov.port-required", "sriov.port-socket"])),
        // Sockets and cores swapped: guests with more than one vCPU and sockets != cores; image-property topologies also break their limits.
        [DefectCatalog.WrongCpuTopology] = Rows(
            (["topology.choice", "topology.limits"], ["cpu-topology.image", "cpu-topology.image-max"]),
            (["topology.choice"], ["numa.asymmetric", "numa.two-nodes", "pinning.dedicated", "pinning.mixed", "pinning.realtime", "pinning.several-nodes", "pinning.thread-require", "sriov.port-preferred-far"])),
        // The aggregate filter is off: the pinned flavor lands outside its aggregate.
        [DefectCatalog.IgnoreAggregate] = Rows(
            (["aggregate.host"], ["aggregates.pinned-unpinned"])),
        // hw:numa_nodes and the split never reach the scheduler: guests get one cell or none (emulator threads and PCI locality follow), an invalid split is no longer refused, and the guest with more nodes than any host boots (compute-3 lets one server take its five shared CPUs).
        [DefectCatalog.IgnoreNumaNodes] = Rows(
            (["emulator.share", "numa.cells.count", "numatune.nodeset", "pin.missing"], ["numa.asymmetric", "numa.one-node", "numa.two-nodes", "pci.preferred", "sriov.port-preferred"]),
            (["emulator.share", "expect.no-valid-host", "numa.cells.count", "numatune.nodeset", "pin.missing", "prediction.outcome"], ["numa.too-many-nodes"]),
            (["expect.api-error", "nova.constraints", "prediction.outcome"], ["numa.invalid-split"]),
            (["emulator.share", "numa.cells.count", "numatune.nodeset", "pci.locality", "pin.missing"], ["pci.legacy", "pci.required", "pci.socket", "sriov.port-legacy", "sriov.port-required", "sriov.port-socket"]),
            (["numa.cells", "numa.cells.count", "numa.cells.memory", "numa.cells.vcpus"], ["pinning.several-nodes"])),
        // The device comes from the far cell: required, legacy and socket must refuse that; preferred may take it only when no local one is free, which the SR-IOV scenario knows from the prediction's free VFs (the verifier, blind to that, only warns).
        [DefectCatalog.PciFarNode] = Rows(
            (["pci.locality"], ["pci.legacy", "pci.required", "pci.socket"]),
            (["pci.locality", "sriov.vf-node"], ["sriov.port-legacy", "sriov.port-required", "sriov.port-socket"]),
            (["sriov.vf-node"], ["sriov.port-preferred"])),
        // Floating vCPUs (and the emulator threads that share them) run on dedicated pCPUs: every shared guest on a host with both sets.
        [DefectCatalog.FloatOnDedicated] = Rows(
            (["pin.floating"], ["aggregates.pinned-unpinned", "cpu-topology.flavor", "cpu-topology.image", "cpu-topology.image-max", "cpu-topology.unsatisfiable", "lifecycle.resize-pinned-unpinned", "pinning.side-by-side"]),
            (["emulator.share", "pin.floating"], ["hugepages.1g", "hugepages.2m", "hugepages.any", "hugepages.exhaustion", "hugepages.large", "hugepages.small", "lifecycle.resize-page-size", "numa.asymmetric", "numa.one-node", "numa.two-nodes", "pci.legacy", "pci.preferred", "pci.required", "pci.socket", "pinning.mixed", "sriov.port-legacy", "sriov.port-preferred", "sriov.port-required", "sriov.port-socket"])),
    }.ToImmutableDictionary();

    public static TheoryData<string> Defects => [.. DefectCatalog.All.Select(d => d.Name)];

    [Fact]
    public void Every_defect_the_embedded_cloud_offers_has_a_row_and_every_row_is_a_defect() =>
        Assert.Equal(DefectCatalog.All.Select(d => d.Name).Order(), Expected.Keys.Order());

    [Fact]
    public void List_defects_prints_one_name_a_line()
    {
        var (exit, stdout, _) = Smog.Tests.Cli.CliRunner.Run(["run", "--list-defects"]);

        Assert.Equal(0, exit);
        Assert.Equal(["pin-other-node", "ignore-thread-policy", "reuse-pinned-pcpu", "wrong-page-size", "drop-memnode", "wrong-cpu-topology",
            "pci-far-node", "ignore-aggregate", "float-on-dedicated", "ignore-numa-nodes"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task The_default_suite_fails_exactly_where_the_defect_must_show(string defect)
    {
        var report = await RunAsync(defect);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(defect, report.Target.Defect);
        Assert.Equal(Describe(Expected[defect]), Describe(Failures(report)));
    }

    [Fact]
    public async Task A_faithful_cloud_fails_no_scenario()
    {
        var report = await RunAsync(null);

        Assert.Equal("", Describe(Failures(report)));
        Assert.Empty(report.Scenarios.Where(s => s.Verdict == Verdict.Errored).Select(s => $"{s.Id}: {s.Error}"));
        Assert.Contains(report.Scenarios, s => s.Verdict == Verdict.Passed);
    }

    /// <summary>The SR-IOV port scenarios alone: all pass on a faithful cloud; with the VF taken from a far node, every policy that forbids it fails on the VF's node.</summary>
    [Fact]
    public async Task The_sriov_scenarios_pass_on_a_faithful_cloud_and_catch_a_vf_on_a_far_node()
    {
        var sriov = Catalogue.All.Where(s => s.Area == "sriov").ToList();

        var faithful = await RunAsync(null, sriov);
        var far = await RunAsync(DefectCatalog.PciFarNode, sriov);

        Assert.Equal(6, faithful.Scenarios.Length);
        Assert.All(faithful.Scenarios, s => Assert.True(s.Verdict == Verdict.Passed, $"{s.Id}: {s.Verdict} {s.Error}"));
        Assert.Equal(Describe(Expected[DefectCatalog.PciFarNode].Where(kv => kv.Key.StartsWith("sriov.", StringComparison.Ordinal)).ToImmutableDictionary()),
            Describe(Failures(far)));
    }

    private static ImmutableDictionary<string, string[]> Failures(RunReport report) =>
        report.Scenarios.Where(s => s.Verdict == Verdict.Failed).ToImmutableDictionary(
            s => s.Id,
            s => s.Findings.Where(f => f.Severity == FindingSeverity.Error).Select(f => f.Rule).Distinct().Order(StringComparer.Ordinal).ToArray());

    /// <summary>One line per failing scenario, sorted, so a mismatch shows the whole difference.</summary>
    private static string Describe(ImmutableDictionary<string, string[]> failures) =>
        string.Join("\n", failures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value.Order(StringComparer.Ordinal))}"));

    private static async Task<RunReport> RunAsync(string? defect, IReadOnlyList<Scenario>? scenarios = null)
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { Defect = defect });
        using var files = new CloudClients(cloud);
        using var admin = files.Open(CloudFiles.AdminCloud);
        using var member = files.Open(CloudFiles.MemberCloud);
        var clients = await SuiteClients.ConnectAsync(admin, member, Ct);
        await using var access = new HostAccessPool(InventoryParser.Load(files.Files.Inventory));
        var stateDir = Directory.CreateTempSubdirectory("smog-detect-").FullName;
        try
        {
            using var ledger = RunLedger.Create(stateDir, RunId.New(DateTimeOffset.UtcNow), CloudFiles.AdminCloud, CloudFiles.MemberCloud);
            var target = new RunTarget { Kind = "embedded", AdminCloud = CloudFiles.AdminCloud, BootCloud = CloudFiles.MemberCloud, BootsAsMember = true, Defect = defect };
            // One scenario at a time: which guests share a host, and so which overlaps show, is then the same every run.
            return await new SuiteRunner(clients, access, ledger, new SuiteOptions { Parallel = 1 }).RunAsync(scenarios ?? Catalogue.All, target, Ct);
        }
        finally
        {
            Directory.Delete(stateDir, recursive: true);
        }
    }
}
