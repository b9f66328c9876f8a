using System.Collections.Immutable;
using System.Globalization;
using Smog.Nova.Python;
using Smog.Nova.Specs;
using Smog.Topology;

namespace Smog.Nova.Constraints;

/// <summary>
/// The guest NUMA layout rules of <c>numa_get_constraints</c>: node count, the per-node CPU and
/// memory lists, and the automatic (even) or manual split into cells.
/// </summary>
internal static class NumaLayout
{
    /// <summary>
    /// Mirrors <c>_get_numa_node_count_constraint</c>: flavor and image may not both set a (truthy)
    /// count; the value must be int-like and ≥ 1. Null when neither sets one.
    /// </summary>
    public static long? NodeCount(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = flavor.Spec("hw:numa_nodes");
        var fromImage = image.NumaNodes;
        if (PythonSyntax.Truthy(fromFlavor) && fromImage is not null and not 0)
            throw new ConstraintViolation("ImageNUMATopologyForbidden",
                "Image property 'hw_numa_nodes' may not override the NUMA configuration set in the flavor");
        // Python `flavor or image`: an empty flavor string falls through to the image value.
        var raw = PythonSyntax.Truthy(fromFlavor) ? fromFlavor : fromImage?.ToString(CultureInfo.InvariantCulture);
        if (raw is null) return null;
        if (!PythonSyntax.IsIntLike(raw) || !PythonSyntax.TryParseInt(raw, out var nodes) || nodes < 1)
            throw new ConstraintViolation("InvalidNUMANodesNumber", $"The number of NUMA nodes cannot be '{raw}'; it must be an integer of at least 1");
        return nodes;
    }

    /// <summary>Mirrors <c>_get_numa_cpu_constraint</c>: flavor <c>hw:numa_cpus.N</c> lists, else the image's; both → forbidden.</summary>
    public static ImmutableArray<ImmutableArray<int>>? CpuLists(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = PerNode(flavor, "hw:numa_cpus", ParseCpus);
        if (fromFlavor is null) return image.NumaCpus;
        if (image.NumaCpus is not null)
            throw new ConstraintViolation("ImageNUMATopologyForbidden",
                "Image property 'hw_numa_cpus' may not override the NUMA configuration set in the flavor");
        return fromFlavor;
    }

    /// <summary>Mirrors <c>_get_numa_mem_constraint</c>: flavor <c>hw:numa_mem.N</c> (MiB), else the image's; both → forbidden.</summary>
    public static ImmutableArray<long>? MemLists(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = PerNode(flavor, "hw:numa_mem", ParseMem);
        if (fromFlavor is null) return image.NumaMem;
        if (image.NumaMem is not null)
            throw new ConstraintViolation("ImageNUMATopologyForbidden",
                "Image property 'hw_numa_mem' may not override the NUMA configuration set in the flavor");
        return fromFlavor;
    }

    /// <summary>
    /// Mirrors <c>_get_numa_topology_auto</c>: vCPUs and memory must divide evenly; node i gets the
    /// contiguous vCPUs [i·v/n, (i+1)·v/n) and RAM/n MiB.
    /// </summary>
    public static ImmutableArray<RequestedCell> Auto(long nodes, Flavor flavor, CpuSet floating, CpuSet pinned)
    {
        if (flavor.Vcpus % nodes != 0 || flavor.MemoryMiB % nodes != 0)
            throw new ConstraintViolation("ImageNUMATopologyAsymmetric",
                $"{flavor.Vcpus} vCPUs and {flavor.MemoryMiB} MiB cannot be split evenly over {nodes} NUMA nodes");
        var cpusPerNode = (int)(flavor.Vcpus / nodes);
        var memPerNode = flavor.MemoryMiB / nodes;
        return [.. Enumerable.Range(0, (int)nodes).Select(node =>
        {
            var cpus = CpuSet.Range(node * cpusPerNode, (node + 1) * cpusPerNode - 1);
            return Cell(node, cpus, floating, pinned, memPerNode);
        })];
    }

    /// <summary>
    /// Mirrors <c>_get_numa_topology_manual</c>: every listed vCPU below <c>vcpus</c> and listed once,
    /// every vCPU listed, and the per-node memory summing to the flavor's RAM. Cells may be uneven.
    /// </summary>
    public static ImmutableArray<RequestedCell> Manual(long nodes, Flavor flavor, CpuSet floating, CpuSet pinned,
        ImmutableArray<ImmutableArray<int>> cpuLists, ImmutableArray<long> memLists)
    {
        var unassigned = new SortedSet<int>(Enumerable.Range(0, flavor.Vcpus));
        var cells = ImmutableArray.CreateBuilder<RequestedCell>();
        long total = 0;
        for (var node = 0; node < nodes; node++)
        {
            foreach (var cpu in cpuLists[node]) // in Nova's set order: it decides which bad vCPU is reported
            {
                if (cpu > flavor.Vcpus - 1)
                    throw new ConstraintViolation("ImageNUMATopologyCPUOutOfRange", $"CPU number {cpu} is larger than the maximum {flavor.Vcpus - 1}");
                if (!unassigned.Remove(cpu))
                    throw new ConstraintViolation("ImageNUMATopologyCPUDuplicates", $"CPU number {cpu} is assigned to two NUMA nodes");
            }
            cells.Add(Cell(node, CpuSet.Of(cpuLists[node]), floating, pinned, memLists[node]));
            total += memLists[node];
        }
        if (unassigned.Count > 0)
            throw new ConstraintViolation("ImageNUMATopologyCPUsUnassigned", $"CPU(s) {CpuSet.Of(unassigned)} are not assigned to any NUMA node");
        if (total != flavor.MemoryMiB)
            throw new ConstraintViolation("ImageNUMATopologyMemoryOutOfRange", $"{total} MiB of memory assigned to NUMA nodes, but the flavor has {flavor.MemoryMiB} MiB");
        return cells.ToImmutable();
    }

    private static RequestedCell Cell(int id, CpuSet cpus, CpuSet floating, CpuSet pinned, long memory) =>
        new() { Id = id, Cpus = cpus & floating, Pcpus = cpus & pinned, MemoryMiB = memory };

    private static ImmutableArray<T>? PerNode<T>(Flavor flavor, string prefix, Func<string, string, T> read)
    {
        var values = new List<T>();
        for (var node = 0; node < NovaImageMeta.NumaNodesMax; node++)
        {
            var key = $"{prefix}.{node}";
            if (flavor.Spec(key) is not { } value) break;
            values.Add(read(key, value));
        }
        return values.Count == 0 ? null : [.. values];
    }

    private static ImmutableArray<int> ParseCpus(string key, string value) =>
        NovaCpuSpec.TryParseOrdered(value, out var set, out var error) ? [.. set.InOrder()]
            : throw new ConstraintViolation(error.ExceptionClass, $"{key}: {error.Message}");

    private static long ParseMem(string key, string value) =>
        PythonSyntax.TryParseInt(value, out var mib) ? mib
            : throw new ConstraintViolation("ValueError", $"{key}: '{value}' is not an integer number of MiB");
}
