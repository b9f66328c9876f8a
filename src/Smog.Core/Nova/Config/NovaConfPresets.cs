using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Config;

/// <summary>
/// The nova.conf changes NUMA testing needs, as the original tool documented them:
/// <list type="bullet">
/// <item><c>numa</c>: <c>[libvirt] virt_type = kvm</c>; <c>NUMATopologyFilter</c> and
/// <c>AggregateInstanceExtraSpecsFilter</c> enabled (scheduler side; appended once to the list).</item>
/// <item><c>pinning</c>: <c>numa</c>, plus <c>[compute] cpu_shared_set</c> = the first core of each
/// NUMA node (with its SMT siblings) and <c>cpu_dedicated_set</c> = every other CPU of the node,
/// so each node keeps one core for host work and floating guests and offers the rest for pinning;
/// a node with one core only is all shared. <c>[DEFAULT] vcpu_pin_set</c> is unset: nova-compute
/// refuses to start with it and <c>cpu_dedicated_set</c> both set.</item>
/// <item><c>hugepages</c>: <c>numa</c> only. Nova 26 needs no nova.conf option to offer huge pages:
/// the libvirt driver reports each node's pages from the host (allocate them with
/// <c>smog env hugepages</c>) and <c>NUMATopologyFilter</c> places <c>hw:mem_page_size</c>;
/// <c>[DEFAULT] reserved_huge_pages</c> only holds pages back.</item>
/// </list>
/// </summary>
public static class NovaConfPresets
{
    public static readonly ImmutableArray<string> Names = ["numa", "pinning", "hugepages"];

    /// <summary>The filters every preset enables.</summary>
    public static readonly ImmutableArray<string> Filters = ["NUMATopologyFilter", "AggregateInstanceExtraSpecsFilter"];

    /// <summary>The preset's option edits (filters are separate: <see cref="Filters"/>); null topology is an error for pinning.</summary>
    public static ImmutableArray<ConfEdit> Edits(string preset, HostTopology? topology) => preset switch
    {
        "numa" or "hugepages" => [new ConfEdit(ConfEditKind.Set, "libvirt", "virt_type", "kvm")],
        "pinning" => [new ConfEdit(ConfEditKind.Set, "libvirt", "virt_type", "kvm"), .. CpuSets(topology ?? throw new ArgumentException("the pinning preset needs the host's topology", nameof(topology)))],
        _ => throw new ArgumentException($"unknown preset '{preset}' (known: {string.Join(", ", Names)})", nameof(preset)),
    };

    /// <summary>The shared and dedicated sets of the rule above; empty when no node has two cores.</summary>
    public static (CpuSet Shared, CpuSet Dedicated) SplitCpus(HostTopology topology)
    {
        var shared = CpuSet.Empty;
        var dedicated = CpuSet.Empty;
        foreach (var cell in topology.Cells.Where(c => !c.Cpus.IsEmpty))
        {
            var first = topology.SiblingsOf(cell.Cpus.Min) & cell.Cpus;
            if (first.IsEmpty) first = CpuSet.Of([cell.Cpus.Min]);
            shared |= first;
            dedicated |= cell.Cpus - first;
        }
        return (shared, dedicated);
    }

    private static IEnumerable<ConfEdit> CpuSets(HostTopology topology)
    {
        var (shared, dedicated) = SplitCpus(topology);
        if (dedicated.IsEmpty) throw new ArgumentException("no NUMA node of this host has two cores: nothing would be left to pin", nameof(topology));
        yield return new ConfEdit(ConfEditKind.Set, "compute", "cpu_shared_set", shared.ToString());
        yield return new ConfEdit(ConfEditKind.Set, "compute", "cpu_dedicated_set", dedicated.ToString());
        yield return new ConfEdit(ConfEditKind.Unset, "DEFAULT", "vcpu_pin_set");
    }
}
