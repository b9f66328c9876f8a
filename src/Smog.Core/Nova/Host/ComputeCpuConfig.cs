using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>One <c>[DEFAULT] reserved_huge_pages</c> entry: pages of a size held back on a node.</summary>
public sealed record ReservedHugePages(int Node, long SizeKiB, long Count);

/// <summary>
/// The nova.conf options that shape a compute node's NUMA cells: <c>[compute] cpu_dedicated_set</c>,
/// <c>[compute] cpu_shared_set</c>, the legacy <c>vcpu_pin_set</c> and <c>reserved_huge_pages</c>.
/// Null means the option is unset.
/// </summary>
public sealed record ComputeCpuConfig
{
    public CpuSet? CpuDedicatedSet { get; init; }
    public CpuSet? CpuSharedSet { get; init; }
    public CpuSet? VcpuPinSet { get; init; }
    public ImmutableArray<ReservedHugePages> ReservedHugePages { get; init; } = [];

    public static readonly ComputeCpuConfig Legacy = new();

    /// <summary>
    /// CPUs for floating vCPUs (nova-26-numa-semantics.md §3.1): vcpu_pin_set, else cpu_shared_set, else none when
    /// cpu_dedicated_set is set, else every online CPU.
    /// </summary>
    public CpuSet SharedCpus(CpuSet online) =>
        VcpuPinSet ?? CpuSharedSet ?? (CpuDedicatedSet is not null ? CpuSet.Empty : online);

    /// <summary>
    /// CPUs for pinning: cpu_dedicated_set; unset → the shared CPUs too ("legacy mode"), unless
    /// only cpu_shared_set is configured, which leaves no pinnable CPUs.
    /// </summary>
    public CpuSet DedicatedCpus(CpuSet online) =>
        CpuDedicatedSet is { } dedicated ? dedicated & online
        : CpuSharedSet is not null && VcpuPinSet is null ? CpuSet.Empty
        : SharedCpus(online);
}

/// <summary>Derives the Nova host model from a discovered <see cref="HostTopology"/> and nova.conf.</summary>
public static class NovaHostFromTopology
{
    /// <summary>
    /// One cell per NUMA node with CPUs restricted to the configured sets, siblings in the
    /// libvirt driver's order, and page pools from the topology (a 4 KiB pool is derived when
    /// missing). The topology is taken to have made the database round trip, as in a real cloud.
    /// </summary>
    public static NovaHost Build(HostTopology topology, ComputeCpuConfig config)
    {
        var online = topology.AllCpus;
        var shared = config.SharedCpus(online) & online;
        var dedicated = config.DedicatedCpus(online);
        var specs = topology.Cells.Select(cell => new HostCellSpec
        {
            Id = cell.Id,
            Cpus = cell.Cpus,
            Siblings = cell.Siblings.IsDefaultOrEmpty ? null : [.. cell.Siblings.Select(s => s.ToImmutableArray())],
            MemoryMiB = cell.MemoryMiB ?? 0,
            Pages = Pages(cell, config),
            Cpuset = cell.Cpus & shared,
            Pcpuset = cell.Cpus & dedicated,
            Socket = SocketOf(topology, cell),
        });
        return NovaHostBuilder.Build(specs);
    }

    private static ImmutableArray<MemPages> Pages(NumaCell cell, ComputeCpuConfig config)
    {
        var huge = cell.Pages.Where(p => p.SizeKiB != 4).ToList();
        var small = cell.PagesOfSize(4)?.Total ?? ((cell.MemoryMiB ?? 0) * 1024 - huge.Sum(p => p.SizeKiB * p.Total)) / 4;
        long Reserved(long size) => config.ReservedHugePages.Where(r => r.Node == cell.Id && r.SizeKiB == size).Sum(r => r.Count);
        return [new MemPages(4, small, 0, Reserved(4)), .. huge.Select(p => new MemPages(p.SizeKiB, p.Total, 0, Reserved(p.SizeKiB)))];
    }

    private static int? SocketOf(HostTopology topology, NumaCell cell)
    {
        var sockets = topology.Cpus.Where(c => c.Cell == cell.Id).Select(c => c.Socket).Distinct().ToList();
        return sockets.Count == 1 ? sockets[0] : null;
    }
}
