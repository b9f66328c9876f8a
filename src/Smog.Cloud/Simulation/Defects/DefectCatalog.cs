using System.Collections.Immutable;

namespace Smog.Cloud.Simulation.Defects;

/// <summary>One trip-wire: the simulation behaves like a Nova with this bug.</summary>
/// <param name="Name">What <c>--defect</c> takes.</param>
/// <param name="Description">One line for <c>--list-defects</c>.</param>
/// <param name="Trips">The verifier rule ids (<c>RuleIds</c>) or suite rule ids the defect must trip.</param>
public sealed record Defect(string Name, string Description, ImmutableArray<string> Trips);

/// <summary>The named defects the embedded cloud can play.</summary>
public static class DefectCatalog
{
    public const string PinOtherNode = "pin-other-node";
    public const string IgnoreThreadPolicy = "ignore-thread-policy";
    public const string ReusePinnedPcpu = "reuse-pinned-pcpu";
    public const string WrongPageSize = "wrong-page-size";
    public const string DropMemnode = "drop-memnode";
    public const string WrongCpuTopology = "wrong-cpu-topology";
    public const string PciFarNode = "pci-far-node";
    public const string IgnoreAggregate = "ignore-aggregate";
    public const string FloatOnDedicated = "float-on-dedicated";
    public const string IgnoreNumaNodes = "ignore-numa-nodes";

    /// <summary>Suite rule id for a server placed on a host whose aggregates do not match the flavor
    /// (the verifier reads no aggregates; the suite checks the host against them).</summary>
    public const string AggregateRule = "aggregate.host";

    public static readonly ImmutableArray<Defect> All =
    [
        new(PinOtherNode, "pins a vCPU on a host node other than the one its guest cell's memory is bound to", ["pin.cell"]),
        new(IgnoreThreadPolicy, "ignores hw:cpu_thread_policy=isolate: pins vCPUs on sibling threads of one core", ["thread.isolate"]),
        new(ReusePinnedPcpu, "pins a vCPU on a pCPU another dedicated guest already holds", ["pin.overlap"]),
        new(WrongPageSize, "backs guest memory with a page size other than hw:mem_page_size", ["hugepages.page"]),
        new(DropMemnode, "drops a guest cell's memnode from numatune", ["numatune.memnode"]),
        new(WrongCpuTopology, "writes a guest CPU topology other than the one hw:cpu_sockets/cores/threads ask for", ["topology.choice"]),
        new(PciFarNode, "gives a PCI device on a far node despite hw:pci_numa_affinity_policy=required", ["pci.locality"]),
        new(IgnoreAggregate, "schedules a flavor onto a host whose aggregate metadata does not match its aggregate_instance_extra_specs", [AggregateRule]),
        new(FloatOnDedicated, "lets shared vCPUs float over the host's dedicated pCPUs", ["pin.floating"]),
        new(IgnoreNumaNodes, "ignores hw:numa_nodes: the guest gets one NUMA cell", ["numa.cells.count"]),
    ];

    public static Defect? Find(string name) => All.FirstOrDefault(d => d.Name == name);
}
