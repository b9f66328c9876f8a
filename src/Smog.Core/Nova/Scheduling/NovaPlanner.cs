using System.Collections.Immutable;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;
using Smog.Nova.Fitting;

namespace Smog.Nova.Scheduling;

/// <summary>What is asked for: the flavor, the image and (when modelled) the PCI devices the instance requests.</summary>
public sealed record NovaRequest(Flavor Flavor, ImageProperties Image)
{
    /// <summary>PCI requests with their NUMA affinity policy; null when PCI is not modelled.</summary>
    public ImmutableArray<PciRequest>? PciRequests { get; init; }
}

/// <summary>The chosen guest CPU topology (null when Nova refuses), the effective maxima and the refusal.</summary>
public sealed record CpuTopologyOutcome(GuestCpuTopology? Chosen, GuestCpuTopology? Maximum, NovaError? Error = null);

/// <summary>
/// What Nova makes of a request before looking at any host: <c>numa_get_constraints</c> (topology,
/// policies, realtime set, page size, locked memory) and <c>get_best_cpu_topology</c>. Resolved
/// once per request; the fit, the generator and the verifier all read this.
/// </summary>
public sealed record Resolution(ConstraintsResult Constraints, CpuTopologyOutcome CpuTopology)
{
    public NovaError? ConstraintsError => Constraints.Error;
    public RequestedTopology? Topology => Constraints.Topology;
    public ResolvedConstraints? Resolved => Constraints.Constraints;
}

/// <summary>One planned request on one node: the resolution, NUMATopologyFilter's verdict and the fit.</summary>
public sealed record PlanResult(
    string? Name,
    NovaRequest Request,
    Resolution Resolution,
    bool Fits,
    bool FilterPasses,
    FittedTopology? Fitted,
    ComputeNode Node,
    FitStats? Stats)
{
    /// <summary>When nothing fits: each guest cell against each host cell alone, with the reason it fails.</summary>
    public ImmutableArray<CellCheck> WhyNot { get; init; } = [];

    /// <summary>Nova would build a domain: the API accepts the request and the node takes it.</summary>
    public bool Builds => Resolution.ConstraintsError is null && Fits && FilterPasses;
}

/// <summary>The engine's entry point: resolve a request, then filter and fit it on a node.</summary>
public static class NovaPlanner
{
    /// <summary><c>numa_get_constraints</c> and <c>get_best_cpu_topology</c> for a flavor and image.</summary>
    public static Resolution Resolve(Flavor flavor, ImageProperties image)
    {
        var constraints = NumaConstraints.Get(flavor, image);
        // get_cpu_topology_constraints once: the choice and the verifier's maxima both come from it.
        var (limits, error) = CpuTopologyChooser.Constraints(flavor, image);
        var best = limits is null ? CpuTopologyResult.Refused(error!) : CpuTopologyChooser.Best(flavor, limits);
        return new Resolution(constraints, new CpuTopologyOutcome(best.Topology, limits?.Maximum, best.Error));
    }

    /// <summary>Resolves the request, then runs NUMATopologyFilter and the fitter on <paramref name="node"/>.</summary>
    public static PlanResult Plan(ComputeNode node, NovaRequest request, string? name = null) =>
        Plan(node, request, Resolve(request.Flavor, request.Image), name);

    /// <summary>Plans with a resolution given (the engine's, or one recorded from the oracle for fitter-only conformance).</summary>
    public static PlanResult Plan(ComputeNode node, NovaRequest request, Resolution resolution, string? name = null)
    {
        if (resolution.ConstraintsError is not null || resolution.Topology is not { } topology)
        {
            var ok = resolution.ConstraintsError is null;
            return new PlanResult(name, request, resolution, ok, ok, null, node, null);
        }
        var passes = node.Passes(topology, request);
        var fit = node.Fit(topology, request.PciRequests);
        return new PlanResult(name, request, resolution, fit.Fits, passes, fit.Topology, node, fit.Stats)
        {
            WhyNot = fit.Fits ? [] : node.ExplainNoFit(topology, request.PciRequests),
        };
    }
}
