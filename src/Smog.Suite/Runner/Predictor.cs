using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.Filters;
using Smog.Nova.Pci;
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

/// <summary>
/// The prediction with what it was made from: the plan on the one candidate host, when there is
/// one, and per host the free passthrough devices the boot's PCI requests saw (hosts whose devices
/// in use could not be read are absent).
/// </summary>
public sealed record PredictionOutcome(Prediction Prediction, Resolution Resolution, PlanResult? Plan, ResourceDemand Demand)
{
    public ImmutableDictionary<string, ImmutableArray<PassthroughDevice>> FreePci { get; init; } = ImmutableDictionary<string, ImmutableArray<PassthroughDevice>>.Empty;

    public const string Active = "active";
    public const string NoValidHost = "no-valid-host";
    public const string ApiError = "api-error";
}

/// <summary>
/// Predicts a boot with the Nova engine before it happens: the API's refusals
/// (<c>numa_get_constraints</c>, CPU topology, PCI aliases), then per host placement capacity,
/// AggregateInstanceExtraSpecsFilter, PciPassthroughFilter (the flavor's aliases and the SR-IOV
/// ports as Nova 26 turns them into PCI requests, against the host's <c>[pci] device_spec</c>
/// devices not in any domain) and NUMATopologyFilter with the fit (PCI NUMA affinity included)
/// on the host's current state. Determinate when every host's state is known, at most one host passes and nothing
/// else of this run is booting on it.
/// </summary>
public sealed class Predictor(SuiteClients clients, CloudState cloud, HostAccessPool access)
{
    public async Task<PredictionOutcome> PredictAsync(Flavor flavor, ImageProperties image, Func<string, bool> busy, CancellationToken ct,
        IReadOnlyList<SriovPort>? ports = null)
    {
        var resolution = NovaPlanner.Resolve(flavor, image);
        var demand = ResourceDemand.Of(flavor, image, resolution);
        if ((resolution.ConstraintsError ?? resolution.CpuTopology.Error) is { } refusal)
        {
            return new(new Prediction { Outcome = PredictionOutcome.ApiError, Determinate = true, Reason = refusal.ToString() }, resolution, null, demand);
        }
        // nova-api resolves aliases with its own nova.conf, which is not read; the hosts' aliases stand in for it.
        var controller = cloud.UpHosts.Select(h => h.Conf).FirstOrDefault(c => c is { PciAliases.IsDefaultOrEmpty: false }) ?? Smog.Nova.Config.NovaConf.Default;
        var (pci, pciError) = PciModel.Requests(flavor, image, ports ?? [], controller);
        if (pciError is not null)
        {
            return new(new Prediction { Outcome = PredictionOutcome.ApiError, Determinate = false, Reason = pciError }, resolution, null, demand);
        }
        var freePci = ImmutableDictionary.CreateBuilder<string, ImmutableArray<PassthroughDevice>>();
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
            if (!pci.IsEmpty)
            {
                if (await FreeDevicesAsync(discovered, ct).ConfigureAwait(false) is not { } free)
                {
                    unknown.Add($"{host.Name}: PCI devices in use unknown (no host access or nova.conf)");
                    candidates.Add((state, null));
                    continue;
                }
                freePci[host.Name] = free;
                if (!PciModel.Supports(free, pci))
                {
                    reasons.Add($"{host.Name}: PciPassthroughFilter refuses ({free.Count(d => pci.Any(r => r.Spec.Matches(d)))} free matching devices, {pci.Sum(r => r.Count)} wanted)");
                    continue;
                }
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
            var withPci = pci.IsEmpty ? node : node with { PciPools = PciModel.Pools(freePci[host.Name], pci) };
            var request = new NovaRequest(flavor, image) { PciRequests = pci.IsEmpty ? null : [.. pci.Select(r => r.ToEngine())] };
            var plan = NovaPlanner.Plan(withPci, request, resolution, host.Name);
            if (plan.Builds) candidates.Add((state, plan));
            else reasons.Add($"{host.Name}: NUMATopologyFilter refuses ({(plan.WhyNot.IsDefaultOrEmpty ? "no fit" : plan.WhyNot[0].ToString())})");
        }
        var names = candidates.Select(c => c.State.Host.Name).ToImmutableArray();
        if (candidates.Count == 0)
        {
            return new(new Prediction { Outcome = PredictionOutcome.NoValidHost, Determinate = unknown.Count == 0, Reason = string.Join("; ", reasons) }, resolution, null, demand)
            {
                FreePci = freePci.ToImmutable(),
            };
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
        }, resolution, single.Plan, demand)
        {
            FreePci = freePci.ToImmutable(),
        };
    }

    /// <summary>The host's <c>[pci] device_spec</c> devices that no domain on it (stopped ones included) holds; null when unknown.</summary>
    private async Task<ImmutableArray<PassthroughDevice>?> FreeDevicesAsync(DiscoveredHost host, CancellationToken ct)
    {
        if (host.Topology is not { } topology || host.Conf is not { } conf) return null;
        var devices = PciModel.Passthrough(topology, conf);
        if (devices.IsEmpty) return devices;
        if (host.Access is not { } entry) return null;
        if (await HostDomains.ReadAsync(access, entry, null, all: true, ct).ConfigureAwait(false) is not { } domains) return null;
        var used = domains.SelectMany(d => d.PciDevices).Select(p => p.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. devices.Where(d => !used.Contains(d.Address))];
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
