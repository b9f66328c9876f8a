using System.Collections.Immutable;
using Smog.Nova.Python;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>
/// How the engine orders threads inside a free sibling set when pinning. Nova walks Python
/// sets, so <see cref="CPython"/> (the default) replays CPython's set layout; <see cref="Listed"/>
/// takes the threads in the stored order as they are.
/// </summary>
public enum ThreadOrder { CPython, Listed }

/// <summary>One size of memory page on a host cell (Nova's NUMAPagesTopology); counts are pages.</summary>
public sealed record MemPages(long SizeKiB, long Total, long Used = 0, long Reserved = 0)
{
    public long Free => Total - Used - Reserved;
    public long FreeKiB => Free * SizeKiB;
    public long TotalKiB => Total * SizeKiB;
}

/// <summary>Physical networks and tunnelled traffic with affinity to a host cell (Nova's NetworkMetadata).</summary>
public sealed record NetworkMetadata(ImmutableSortedSet<string> Physnets, bool Tunneled)
{
    public static readonly NetworkMetadata None = new(ImmutableSortedSet<string>.Empty, false);

    public bool Equals(NetworkMetadata? other) =>
        other is not null && Tunneled == other.Tunneled && Physnets.SetEquals(other.Physnets);

    public override int GetHashCode() => HashCode.Combine(Physnets.Count, Tunneled);
}

/// <summary>
/// A host NUMA cell as Nova 26's scheduler sees it (objects.NUMACell). <see cref="Cpuset"/> holds
/// the CPUs for floating vCPUs, <see cref="Pcpuset"/> those for pinning (equal under legacy
/// configuration). <see cref="Siblings"/> lists the thread-sibling groups restricted to usable
/// CPUs in <em>effective</em> order: list order and thread order are the order pinning walks
/// them (nova-26-numa-semantics.md §3.2). Memory in MiB.
/// </summary>
public sealed record NovaHostCell
{
    public required int Id { get; init; }
    public CpuSet Cpuset { get; init; } = CpuSet.Empty;
    public CpuSet Pcpuset { get; init; } = CpuSet.Empty;
    public ImmutableArray<ImmutableArray<int>> Siblings { get; init; } = [];
    public required long MemoryMiB { get; init; }
    public ImmutableArray<MemPages> Mempages { get; init; } = [];
    public CpuSet PinnedCpus { get; init; } = CpuSet.Empty;
    public int CpuUsage { get; init; }
    public long MemoryUsageMiB { get; init; }
    public NetworkMetadata Network { get; init; } = NetworkMetadata.None;
    public int? Socket { get; init; }

    /// <summary>
    /// The emulated Python sets behind <see cref="Pcpuset"/> and <see cref="PinnedCpus"/> as
    /// Nova holds them after loading; they decide thread order in the rare free-sibling
    /// intersections that walk the free pCPUs. Null after local changes (claims), when the
    /// engine falls back to a fresh set in ascending order.
    /// </summary>
    internal CPythonLayout? Layout { get; init; }

    public CpuSet FreePcpus => Facts.FreePcpus;
    public long AvailMemoryMiB => MemoryMiB - MemoryUsageMiB;
    /// <summary>Largest sibling group (Nova: <c>max(map(len, siblings)) or 1</c>).</summary>
    public int ThreadsPerCore => Facts.ThreadsPerCore;
    public bool HasThreads => Facts.HasThreads;
    public MemPages? PagesOfSize(long sizeKiB) => Facts.PagesOfSize(sizeKiB);
    public long? SmallestPageKiB => Facts.SmallestPages?.SizeKiB;

    // Derived once per cell. A `with` copy inherits the field, so it is trusted only when it was
    // derived from this very object; racing threads at worst derive it twice.
    private HostCellFacts? _facts;

    internal HostCellFacts Facts => _facts is { } facts && ReferenceEquals(facts.Cell, this) ? facts : _facts = new HostCellFacts(this);

    /// <summary>The sibling group holding <paramref name="cpu"/>, or just the CPU when it has none.</summary>
    public IReadOnlyList<int> CoreOf(int cpu) =>
        Siblings.FirstOrDefault(s => s.Contains(cpu)) is { IsDefault: false } core ? core : [cpu];

    public bool Equals(NovaHostCell? other) =>
        other is not null && Id == other.Id && Cpuset == other.Cpuset && Pcpuset == other.Pcpuset
        && Siblings.Length == other.Siblings.Length
        && Siblings.Zip(other.Siblings).All(p => p.First.SequenceEqual(p.Second))
        && MemoryMiB == other.MemoryMiB && Mempages.SequenceEqual(other.Mempages)
        && PinnedCpus == other.PinnedCpus && CpuUsage == other.CpuUsage
        && MemoryUsageMiB == other.MemoryUsageMiB && Network == other.Network && Socket == other.Socket;

    public override int GetHashCode() => HashCode.Combine(Id, Cpuset, Pcpuset, MemoryMiB, PinnedCpus);
}

/// <summary>Emulated CPython sets of one host cell (see <see cref="NovaHostCell.Layout"/>).</summary>
internal sealed record CPythonLayout(PySet<int> Pcpuset, PySet<int> PinnedCpus);

/// <summary>A compute host's NUMA topology plus the thread-order model its pinning follows.</summary>
public sealed record NovaHost(ImmutableArray<NovaHostCell> Cells, ThreadOrder ThreadOrder = ThreadOrder.CPython)
{
    public NovaHostCell? Cell(int id) => Cells.FirstOrDefault(c => c.Id == id);
    public bool HasThreads
    {
        get
        {
            foreach (var cell in Cells)
                if (cell.HasThreads) return true;
            return false;
        }
    }

    public NovaHost WithCell(NovaHostCell cell) =>
        this with { Cells = Cells.Select(c => c.Id == cell.Id ? cell : c).ToImmutableArray() };

    public bool Equals(NovaHost? other) =>
        other is not null && ThreadOrder == other.ThreadOrder && Cells.SequenceEqual(other.Cells);

    public override int GetHashCode() => HashCode.Combine(Cells.Length, ThreadOrder);
}
