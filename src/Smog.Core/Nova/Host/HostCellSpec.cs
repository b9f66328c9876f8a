using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>
/// Where the sibling list order of a host cell comes from. <see cref="Libvirt"/> replays the
/// libvirt driver's data flow (per-CPU sibling tuples through a Python set, nova-26-numa-semantics.md §3.2);
/// <see cref="Given"/> keeps the listed group order (threads still pass through Python sets);
/// <see cref="Ascending"/> sorts groups and threads numerically and bypasses all set emulation.
/// </summary>
public enum SiblingOrder { Libvirt, Given, Ascending }

/// <summary>
/// A host cell as described by a test case or derived from a discovered topology, before Nova's
/// ordering is applied. Null <see cref="Siblings"/> means every CPU is its own group (what
/// libvirt reports without SMT); null <see cref="Pcpuset"/>/<see cref="Cpuset"/> mean all CPUs;
/// null <see cref="Pages"/> means one 4 KiB pool covering the memory not held by <see cref="HugePages"/>.
/// </summary>
public sealed record HostCellSpec
{
    public required int Id { get; init; }
    public required CpuSet Cpus { get; init; }
    public ImmutableArray<ImmutableArray<int>>? Siblings { get; init; }
    public SiblingOrder Order { get; init; } = SiblingOrder.Libvirt;
    public required long MemoryMiB { get; init; }
    public ImmutableArray<MemPages>? Pages { get; init; }
    /// <summary>Huge page pools (size KiB, count) used to derive the default pages.</summary>
    public ImmutableArray<(long SizeKiB, long Count)> HugePages { get; init; } = [];
    public CpuSet PinnedCpus { get; init; } = CpuSet.Empty;
    public CpuSet? Pcpuset { get; init; }
    public CpuSet? Cpuset { get; init; }
    public int CpuUsage { get; init; }
    public long MemoryUsageMiB { get; init; }
    public NetworkMetadata Network { get; init; } = NetworkMetadata.None;
    public int? Socket { get; init; }
}
