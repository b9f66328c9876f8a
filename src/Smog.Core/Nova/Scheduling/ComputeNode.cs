using System.Collections.Immutable;
using Smog.Nova.Accounting;
using Smog.Nova.Config;
using Smog.Nova.Filters;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Scheduling;

/// <summary>
/// A compute node as Nova 26's scheduler and resource tracker see it: the host model with its
/// usage, nova.conf, the NUMA limits handed to the fit and the PCI pools. It filters, fits, claims
/// and releases; every caller (plan, the suite's predictions, the embedded cloud) goes through it.
/// </summary>
public sealed record ComputeNode
{
    public required NovaHost Host { get; init; }
    public NovaConf Conf { get; init; } = NovaConf.Default;
    /// <summary>Nova's NUMATopologyLimits for the fit; null mirrors <c>limits=None</c> (no overcommit or network checks).</summary>
    public FitLimits? Limits { get; init; } = FitLimits.Default;
    /// <summary>PCI device pools per NUMA node; null when PCI is not modelled.</summary>
    public ImmutableArray<PciPool>? PciPools { get; init; }
    /// <summary>The discovered topology the host model came from, when it came from one.</summary>
    public HostTopology? Discovered { get; init; }

    /// <summary>A node built from a discovered topology and its nova.conf; limits from the configured ratios.</summary>
    public static ComputeNode FromTopology(HostTopology topology, NovaConf conf) => new()
    {
        Host = HostModel.FromTopology(topology, conf),
        Conf = conf,
        Discovered = topology,
        Limits = new FitLimits(conf.CpuAllocationRatio ?? conf.InitialCpuAllocationRatio, conf.RamAllocationRatio ?? conf.InitialRamAllocationRatio),
    };

    /// <summary>The host as the libvirt driver sees it (generator, verifier).</summary>
    public HostTopology Topology => Discovered ?? HostModel.ToTopology(Host);

    /// <summary>The filter always builds limits from the host's ratios (16.0/1.5 when none are given), never with networks.</summary>
    public FitLimits FilterLimits => Limits is null ? FitLimits.Default : Limits with { Network = null };

    public FitOptions FitOptions(ImmutableArray<PciRequest>? pciRequests) =>
        PciPools is null && pciRequests is null ? Options().Fit : new()
        {
            Limits = Limits,
            PackHostCells = Conf.PackHostNumaCells,
            Pci = new PciContext(PciPools ?? [], pciRequests ?? []),
        };

    /// <summary>NUMATopologyFilter's verdict for a request already resolved to a topology.</summary>
    public bool Passes(RequestedTopology topology, NovaRequest request) =>
        NumaTopologyFilter.Passes(Host, topology, request.Flavor, request.Image, FilterOptions(request.PciRequests));

    /// <summary>The filter's fit options: <see cref="FilterLimits"/>, the pack strategy and PCI.</summary>
    private FitOptions FilterOptions(ImmutableArray<PciRequest>? pciRequests) =>
        PciPools is null && pciRequests is null ? Options().Filter
            : new() { Limits = FilterLimits, PackHostCells = Conf.PackHostNumaCells, Pci = FitOptions(pciRequests).Pci };

    /// <summary>
    /// The fit and filter options without PCI. They depend on <see cref="Limits"/> and
    /// <see cref="Conf"/> alone, so they are built once; a <c>with</c> copy (a claim) keeps them
    /// while those two are the same objects.
    /// </summary>
    private CachedOptions Options()
    {
        if (_options.Value is { } cached && ReferenceEquals(cached.Limits, Limits) && ReferenceEquals(cached.Conf, Conf)) return cached;
        var fit = new FitOptions { Limits = Limits, PackHostCells = Conf.PackHostNumaCells };
        return _options.Value = new(Limits, Conf, fit, fit with { Limits = FilterLimits });
    }

    private readonly CacheSlot<CachedOptions> _options = new();

    private sealed record CachedOptions(FitLimits? Limits, NovaConf Conf, FitOptions Fit, FitOptions Filter);

    /// <summary><c>numa_fit_instance_to_host</c> on this node.</summary>
    public FitResult Fit(RequestedTopology topology, ImmutableArray<PciRequest>? pciRequests = null) =>
        NumaFitter.Fit(Host, topology, FitOptions(pciRequests));

    /// <summary>Why each guest cell fits no host cell, for a request that does not fit.</summary>
    public ImmutableArray<CellCheck> ExplainNoFit(RequestedTopology topology, ImmutableArray<PciRequest>? pciRequests = null) =>
        FitExplainer.Explain(Host, topology, FitOptions(pciRequests));

    /// <summary>The node after the resource tracker claims a fitted instance, or Nova's error.</summary>
    public (ComputeNode? Node, NovaError? Error) Claim(FittedTopology instance) => Apply(HostUsage.Claim(Host, instance));

    /// <summary>The node after an instance's resources are freed, or Nova's error.</summary>
    public (ComputeNode? Node, NovaError? Error) Release(FittedTopology instance) => Apply(HostUsage.Release(Host, instance));

    // Usage changes the host model only; the discovered topology is static hardware.
    private (ComputeNode?, NovaError?) Apply(UsageResult result) =>
        result.Host is { } host ? (this with { Host = host }, null) : (null, result.Error);
}
