using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova;

// The shared vocabulary of the Nova engine. Constraints (numa_get_constraints) produce a
// RequestedTopology; the fitter (numa_fit_instance_to_host) turns it into a FittedTopology
// on one host; the libvirt generator and the verifier read FittedTopology.
// Memory in MiB, page sizes in KiB, as in Nova 26.

public enum CpuPolicy { Shared, Dedicated, Mixed }

public enum CpuThreadPolicy { Prefer, Isolate, Require }

public enum EmulatorThreadsPolicy { Share, Isolate }

/// <summary>What a guest cell's page-size request asks for (<c>hw:mem_page_size</c>).</summary>
public enum PageSizeKind
{
    /// <summary>One size in KiB; first so that <c>default</c> is Nova's integer 0, "none requested".</summary>
    Explicit,
    Small,
    Large,
    Any,
}

/// <summary>
/// A guest cell's page-size request: the smallest size, any huge size, any size, or an explicit
/// size in KiB. Nova keeps it as one integer on the instance cell (−1 small, −2 large, −3 any,
/// otherwise KiB); <see cref="FromNova"/> and <see cref="ToNova"/> translate at the JSON edge.
/// </summary>
/// <remarks>
/// Nova's integer can also hold 0 (a byte string under 1 KiB, which Python truthiness then reads
/// as "no page size") and negative sizes; both stay <see cref="PageSizeKind.Explicit"/>, so that
/// a request converts back to the very integer it came from.
/// </remarks>
public readonly record struct PageSizeRequest
{
    private PageSizeRequest(PageSizeKind kind, long kib) => (Kind, KiB) = (kind, kib);

    public static readonly PageSizeRequest Small = new(PageSizeKind.Small, 0);
    public static readonly PageSizeRequest Large = new(PageSizeKind.Large, 0);
    public static readonly PageSizeRequest Any = new(PageSizeKind.Any, 0);

    public PageSizeKind Kind { get; }

    /// <summary>The explicit size in KiB; 0 for small, large and any.</summary>
    public long KiB { get; }

    /// <summary>An explicit page size, in KiB (positive).</summary>
    public static PageSizeRequest OfKiB(long kib) =>
        kib > 0 ? new(PageSizeKind.Explicit, kib) : throw new ArgumentOutOfRangeException(nameof(kib), kib, "a page size is positive");

    /// <summary>Reads Nova's <c>InstanceNUMACell.pagesize</c> integer.</summary>
    public static PageSizeRequest FromNova(long value) => value switch
    {
        -1 => Small,
        -2 => Large,
        -3 => Any,
        _ => new(PageSizeKind.Explicit, value),
    };

    /// <summary>Nova's <c>InstanceNUMACell.pagesize</c> integer, as the oracle prints it.</summary>
    public long ToNova() => Kind switch
    {
        PageSizeKind.Small => -1,
        PageSizeKind.Large => -2,
        PageSizeKind.Any => -3,
        _ => KiB,
    };

    /// <summary>A positive explicit size.</summary>
    public bool IsExplicit => Kind == PageSizeKind.Explicit && KiB > 0;

    /// <summary>Python truthiness of Nova's integer: anything but an explicit 0 asks for pages.</summary>
    public bool IsRequested => Kind != PageSizeKind.Explicit || KiB != 0;

    public override string ToString() => Kind switch
    {
        PageSizeKind.Small => "small",
        PageSizeKind.Large => "large",
        PageSizeKind.Any => "any",
        _ => $"{KiB}KiB",
    };
}

/// <summary>The flavor as the engine needs it; extra specs keep Nova's string values.</summary>
public sealed record Flavor(int Vcpus, long MemoryMiB, ImmutableSortedDictionary<string, string> ExtraSpecs)
{
    public string? Name { get; init; }
    public string? Spec(string key) => ExtraSpecs.GetValueOrDefault(key);
}

/// <summary>Glance image properties (hw_*), values as strings.</summary>
public sealed record ImageProperties(ImmutableSortedDictionary<string, string> Values)
{
    public static readonly ImageProperties None = new(ImmutableSortedDictionary<string, string>.Empty);
    public string? Get(string key) => Values.GetValueOrDefault(key);
}

/// <summary>One requested guest NUMA cell: floating vCPUs, pinned vCPUs, memory and policies.</summary>
public sealed record RequestedCell
{
    public required int Id { get; init; }
    /// <summary>Floating (shared) guest vCPUs: Nova's InstanceNUMACell.cpuset.</summary>
    public CpuSet Cpus { get; init; } = CpuSet.Empty;
    /// <summary>Pinned (dedicated) guest vCPUs: Nova's InstanceNUMACell.pcpuset.</summary>
    public CpuSet Pcpus { get; init; } = CpuSet.Empty;
    public required long MemoryMiB { get; init; }
    public PageSizeRequest? PageSize { get; init; }
    public CpuPolicy? CpuPolicy { get; init; }
    public CpuThreadPolicy? ThreadPolicy { get; init; }

    public CpuSet AllCpus => Cpus | Pcpus;
}

/// <summary>numa_get_constraints' result; null topology (no NUMA requested) is modelled by the caller.</summary>
public sealed record RequestedTopology(ImmutableArray<RequestedCell> Cells, EmulatorThreadsPolicy? EmulatorThreads)
{
    public bool IsPinned => Cells.Any(c => !c.Pcpus.IsEmpty);
}

/// <summary>
/// One guest cell placed on a host cell. <see cref="CpuPinning"/> maps guest vCPU → host pCPU
/// for the pinned vCPUs; <see cref="CpusetReserved"/> holds the pCPU(s) reserved for emulator
/// threads under the isolate policy. <see cref="PageSizeKiB"/> is the chosen page size, null
/// when none was requested.
/// </summary>
public sealed record FittedCell
{
    public required int Id { get; init; }
    public required int HostCell { get; init; }
    public CpuSet Cpus { get; init; } = CpuSet.Empty;
    public CpuSet Pcpus { get; init; } = CpuSet.Empty;
    public required long MemoryMiB { get; init; }
    public long? PageSizeKiB { get; init; }
    public CpuPolicy? CpuPolicy { get; init; }
    public CpuThreadPolicy? ThreadPolicy { get; init; }
    public ImmutableSortedDictionary<int, int> CpuPinning { get; init; } = ImmutableSortedDictionary<int, int>.Empty;
    public CpuSet CpusetReserved { get; init; } = CpuSet.Empty;

    public CpuSet AllCpus => Cpus | Pcpus;
    public CpuSet PinnedHostCpus => CpuSet.Of(CpuPinning.Values);
}

/// <summary>The instance NUMA topology after fitting (what the compute claim stores).</summary>
public sealed record FittedTopology(ImmutableArray<FittedCell> Cells, EmulatorThreadsPolicy? EmulatorThreads)
{
    public CpuSet ReservedHostCpus => Cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.CpusetReserved);
}

/// <summary>Guest CPU topology chosen by get_best_cpu_topology.</summary>
public sealed record GuestCpuTopology(int Sockets, int Cores, int Threads)
{
    public int Vcpus => Sockets * Cores * Threads;
}

/// <summary>
/// An expected refusal, named by the Nova exception class it mirrors (for example
/// <c>ImageNUMATopologyAsymmetric</c>) with a readable message.
/// </summary>
public sealed record NovaError(string ExceptionClass, string Message)
{
    public override string ToString() => $"{ExceptionClass}: {Message}";
}
