using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.Filters;
using Smog.Nova.Scheduling;
using Smog.Suite.Results;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>
/// What a boot will ask placement for: the engine's placement translation (the one the embedded
/// cloud schedules with), or the flavor's vCPUs as VCPU when the constraints did not resolve.
/// </summary>
public sealed record ResourceDemand(long Pcpu, long Vcpu, long MemoryMiB)
{
    public static ResourceDemand Of(Flavor flavor, ImageProperties image, Resolution resolution)
    {
        if (resolution.Resolved is not { } resolved) return new ResourceDemand(0, flavor.Vcpus, flavor.MemoryMiB);
        var request = PlacementTranslation.Translate(flavor, image, resolved);
        return new ResourceDemand(request.Pcpu, request.Vcpu, request.MemoryMiB);
    }
}

/// <summary>The prediction with what it was made from: the plan on the one candidate host, when there is one.</summary>
public sealed record PredictionOutcome(Prediction Prediction, Resolution Resolution, PlanResult? Plan, ResourceDemand Demand)
{
    public const string Active = "active";
    public const string NoValidHost = "no-valid-host";
    public const string ApiError = "api-error";
}

/// <summary>
/// Predicts a boot with the Nova engine before it happens: the API's refusals
/// (<c>numa_get_constraints</c>, CPU topology), then per host placement capacity,
/// AggregateInstanceExtraSpecsFilter and NUMATopologyFilter with the fit on the host's current
/// state. Determinate when every host's state is known, at most one host passes and nothing
/// else of this run is booting on it.
/// </summary>
public sealed class Predictor(SuiteClients clients, CloudState cloud)
{
    public async Task<PredictionOutcome> PredictAsync(Flavor flavor, ImageProperties image, Func<string, bool> busy, CancellationToken ct)
    {
        var resolution = NovaPlanner.Resolve(flavor, image);
        var demand = ResourceDemand.Of(flavor, image, resolution);
        if ((resolution.ConstraintsError ?? resolution.CpuTopology.Error) is { } refusal)
        {
            return new(new Prediction { Outcome = PredictionOutcome.ApiError, Determinate = true, Reason = refusal.ToString() }, resolution, null, demand);
        }
        var aggregates = await clients.AdminNova.Aggregates.ListAsync(ct).ConfigureAwait(false);
        var candidates = new List<(HostState State, PlanResult? Plan)>();
        var reasons = new List<string>();
        var unknown = new List<string>();
        foreach (var discovered in cloud.UpHosts)
        {
            var state = await HostState.ReadAsync(clients, discovered, ct).ConfigureAwait(false);
            var host = state.Host;
            if ((Short(host, "PCPU", demand.Pcpu) ?? Short(host, "VCPU", demand.Vcpu) ?? Short(host, "MEMORY_MB", demand.MemoryMiB)) is { } shortage)
            {
                reasons.Add($"{host.Name}: {shortage}");
                continue;
            }
            if (AggregateMismatch(flavor, aggregates.Where(a => (a.Hosts ?? []).Contains(host.Name))) is { } mismatch)
            {
                reasons.Add($"{host.Name}: {mismatch}");
                continue;
            }
            if (resolution.Topology is null)
            {
                candidates.Add((state, null));
                continue;
            }
            if (state.Node is not { } node)
            {
                unknown.Add($"{host.Name}: {state.Unknown}");
                candidates.Add((state, null));
                continue;
            }
            var plan = NovaPlanner.Plan(node, new NovaRequest(flavor, image), resolution, host.Name);
            if (plan.Builds) candidates.Add((state, plan));
            else reasons.Add($"{host.Name}: NUMATopologyFilter refuses ({(plan.WhyNot.IsDefaultOrEmpty ? "no fit" : plan.WhyNot[0].ToString())})");
        }
        var names = candidates.Select(c => c.State.Host.Name).ToImmutableArray();
        if (candidates.Count == 0)
        {
            return new(new Prediction { Outcome = PredictionOutcome.NoValidHost, Determinate = unknown.Count == 0, Reason = string.Join("; ", reasons) }, resolution, null, demand);
        }
        var single = candidates.Count == 1 ? candidates[0] : default;
        var known = unknown.Count == 0 && (resolution.Topology is null || single.Plan is not null);
        var determinate = candidates.Count == 1 && known && !busy(single.State.Host.Name);
        var placement = single.Plan?.Fitted is { } fitted ? PlacementOf(single.State.Host.Name, fitted) : null;
        var why = candidates.Count > 1 ? $"{candidates.Count} hosts pass; the weighers choose" :
            !known ? string.Join("; ", unknown) :
            !determinate ? "another boot of this run is in flight on the host" : null;
        return new(new Prediction
        {
            Outcome = PredictionOutcome.Active,
            CandidateHosts = names,
            Placement = placement,
            Determinate = determinate,
            Reason = why,
        }, resolution, single.Plan, demand);
    }

    public static Placement PlacementOf(string host, FittedTopology fitted) => new()
    {
        Host = host,
        Cells = [.. fitted.Cells.Select(c => new GuestCellPlacement
        {
            GuestCell = c.Id,
            HostCell = c.HostCell,
            Vcpus = c.AllCpus,
            Pins = c.CpuPinning,
            MemoryMiB = c.MemoryMiB,
            PageSizeKiB = c.PageSizeKiB,
        })],
        EmulatorCpus = fitted.ReservedHostCpus,
    };

    private static string? Short(DiscoveredHost host, string resourceClass, long wanted)
    {
        if (wanted <= 0) return null;
        if (host.Capacity(resourceClass) is not { } c) return $"no {resourceClass} inventory";
        if (wanted > c.MaxUnit) return $"placement gives one server at most {c.MaxUnit} {resourceClass} (max_unit), {wanted} wanted";
        return c.Free < wanted ? $"{c.Free} {resourceClass} free, {wanted} wanted" : null;
    }

    /// <summary>The engine's AggregateInstanceExtraSpecsFilter over the host's aggregates' metadata, as the scheduler runs it.</summary>
    private static string? AggregateMismatch(Flavor flavor, IEnumerable<OpenStack.Compute.NovaAggregate> aggregates)
    {
        var verdict = AggregateInstanceExtraSpecsFilter.HostPasses(flavor, aggregates.Select(a => (IReadOnlyDictionary<string, string>)(a.Metadata ?? [])));
        return verdict.Passes ? null : $"AggregateInstanceExtraSpecsFilter refuses ({verdict.Reason})";
    }
}
