using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>
/// Nova's NUMATopologyLimits: overcommit ratios for shared guests and the networks whose NUMA
/// affinity the guest needs. Nova's defaults are the initial allocation ratios 16.0 and 1.5.
/// </summary>
public sealed record FitLimits(double CpuAllocationRatio = 16.0, double RamAllocationRatio = 1.5, NetworkMetadata? Network = null)
{
    public static readonly FitLimits Default = new();
}

/// <summary>
/// Everything besides host and request that steers the fit. <see cref="Limits"/> null mirrors
/// calling Nova with <c>limits=None</c>: no overcommit or network checks at all.
/// </summary>
public sealed record FitOptions
{
    public FitLimits? Limits { get; init; } = FitLimits.Default;
    /// <summary><c>[compute] packing_host_numa_cells_allocation_strategy</c>; false = spread.</summary>
    public bool PackHostCells { get; init; }
    /// <summary>PCI devices wanted by the instance and offered by the host; null = none modelled.</summary>
    public PciContext? Pci { get; init; }

    public static readonly FitOptions Default = new();
}
