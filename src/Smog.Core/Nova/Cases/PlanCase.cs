using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;
using Smog.Nova.Filters;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using static Smog.Nova.Cases.CaseJson;

namespace Smog.Nova.Cases;

/// <summary>What numa_get_constraints and get_best_cpu_topology make of a flavor and image.</summary>
public sealed record RequestResolution(
    NovaError? ConstraintsError, RequestedTopology? Topology, GuestCpuTopology? CpuTopology, NovaError? CpuTopologyError);

/// <summary>Turns flavor + image into the requested topology and guest CPU topology.</summary>
public interface IRequestResolver
{
    RequestResolution Resolve(Flavor flavor, ImageProperties image);
}

/// <summary>One oracle case: host side, flavor, image and the raw JSON (for resolvers that read more).</summary>
public sealed record PlanCase(string? Name, HostCase Host, Flavor Flavor, ImageProperties Image, JsonElement Raw)
{
    /// <summary>Flavor and image through the shared case reader (<see cref="CaseFile"/>), the host side through <see cref="HostCase"/>.</summary>
    public static PlanCase Parse(JsonElement root, NovaHost? host = null)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new CaseFormatException("case must be a JSON object");
        _ = Req(root, "flavor", "case");
        var parsed = CaseFile.Parse(root.GetRawText(), "case");
        if (!parsed.Success) throw new CaseFormatException(parsed.Errors[0].ToString());
        var c = parsed.Value;
        return new PlanCase(c.Name, HostCase.Parse(root, host), c.Flavor.ToFlavor(), c.ToImageProperties(), root.Clone());
    }
}

/// <summary>Everything <c>smog plan</c> reports for one case (the oracle's output fields).</summary>
public sealed record PlanResult(
    string? Name,
    RequestResolution Request,
    bool Fits,
    bool FilterPasses,
    FittedTopology? Fitted,
    NovaHost Host,
    FitStats? Stats)
{
    /// <summary>When nothing fits: each guest cell against each host cell alone, with the reason it fails.</summary>
    public ImmutableArray<CellCheck> WhyNot { get; init; } = [];
}

/// <summary>Runs a case through constraints, the NUMA filter and the fitter, as the oracle does.</summary>
public static class NovaPlanner
{
    public static PlanResult Plan(PlanCase c, IRequestResolver resolver)
    {
        var request = resolver.Resolve(c.Flavor, c.Image);
        if (request.ConstraintsError is not null)
            return new PlanResult(c.Name, request, false, false, null, c.Host.Host, null);
        if (request.Topology is null)
            return new PlanResult(c.Name, request, true, true, null, c.Host.Host, null);
        var limits = c.Host.FilterLimits;
        var passes = NumaTopologyFilter.Passes(c.Host.Host, request.Topology, c.Flavor, c.Image,
            limits.CpuAllocationRatio, limits.RamAllocationRatio, pci: c.Host.Options.Pci, packHostCells: c.Host.Options.PackHostCells);
        var fit = NumaFitter.Fit(c.Host.Host, request.Topology, c.Host.Options);
        return new PlanResult(c.Name, request, fit.Fits, passes, fit.Topology, c.Host.Host, fit.Stats)
        {
            WhyNot = fit.Fits ? [] : FitExplainer.Explain(c.Host.Host, request.Topology, c.Host.Options),
        };
    }
}

/// <summary>The engine's own resolution: numa_get_constraints and get_best_cpu_topology.</summary>
public sealed class NovaRequestResolver : IRequestResolver
{
    public static readonly NovaRequestResolver Instance = new();

    public RequestResolution Resolve(Flavor flavor, ImageProperties image)
    {
        var constraints = NumaConstraints.Get(flavor, image);
        var cpu = CpuTopologyChooser.Best(flavor, image);
        return new RequestResolution(constraints.Error, constraints.Topology, cpu.Topology, cpu.Error);
    }
}

/// <summary>
/// Takes constraints and CPU topology from the oracle's own output fields when a case carries
/// them (<c>requested_topology</c>, <c>constraints_error</c>, <c>cpu_topology</c>,
/// <c>cpu_topology_error</c>); used for conformance runs of the fitter alone.
/// </summary>
public sealed class RecordedRequestResolver(JsonElement recorded) : IRequestResolver
{
    public RequestResolution Resolve(Flavor flavor, ImageProperties image) => FromRecorded(recorded);

    public static RequestResolution FromRecorded(JsonElement e)
    {
        var error = Opt(e, "constraints_error") is { } ce ? ParseError(Str(ce, "constraints_error")) : null;
        var topology = error is null && Opt(e, "requested_topology") is { } rt ? RequestedTopologyJson.Parse(rt) : null;
        var cpu = Opt(e, "cpu_topology") is { } ct
            ? new GuestCpuTopology(Int(Req(ct, "sockets", "cpu_topology"), "cpu_topology.sockets"),
                Int(Req(ct, "cores", "cpu_topology"), "cpu_topology.cores"), Int(Req(ct, "threads", "cpu_topology"), "cpu_topology.threads"))
            : null;
        var cpuError = Opt(e, "cpu_topology_error") is { } cte ? ParseError(Str(cte, "cpu_topology_error")) : null;
        return new RequestResolution(error, topology, cpu, cpuError);
    }

    /// <summary>"ExceptionClass: message" back into a <see cref="NovaError"/>.</summary>
    public static NovaError ParseError(string text)
    {
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? new NovaError(text, "") : new NovaError(text[..colon], text[(colon + 2)..]);
    }
}
