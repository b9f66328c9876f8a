using System.Collections.Immutable;
using System.Globalization;
using Smog.Cloud.Simulation.Pci;
using Smog.Cloud.Simulation.State;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Constraints;
using Smog.Nova.Filters;

namespace Smog.Cloud.Simulation.Scheduling;

/// <summary>What the scheduler reads about the rest of the cloud: aggregates per host and busy instances.</summary>
internal interface ISchedulerView
{
    /// <summary>Metadata of each aggregate the host belongs to.</summary>
    IEnumerable<IReadOnlyDictionary<string, string>> AggregateMetadata(SimHost host);

    /// <summary>Nova's <c>io_workload</c>: instances building, resizing or migrating on the host.</summary>
    int IoOps(SimHost host);
}

/// <summary>
/// Nova 26's <c>select_destinations</c> over the simulated hosts, wired to the engine: placement's
/// allocation candidates (resources, traits, the disabled-compute trait, the VCPU fallback query for
/// dedicated guests), then the enabled filters in the controller's list (ComputeFilter,
/// ComputeCapabilitiesFilter, ImagePropertiesFilter, AggregateInstanceExtraSpecsFilter,
/// NUMATopologyFilter through <c>ComputeNode.Passes</c>, PciPassthroughFilter), then the default
/// weighers (RAM, CPU, disk, I/O ops, PCI, build failures; the rest weigh every host the same)
/// with Nova's min-max normalisation, host_subset_size 1 and no shuffling. Ties keep placement's
/// order, which here is the lab's host order (real Nova's order among equal weights depends on its
/// process's hash seed).
/// </summary>
internal sealed class Scheduler(NovaConf controller, ISchedulerView view, bool ignoreAggregates)
{
    private const int MaxPciDevices = 100; // nova.scheduler.weights.pci.MAX_DEVS

    private readonly HashSet<string> _filters = [.. controller.Filters];

    public ScheduleOutcome Select(IReadOnlyList<SimHost> hosts, ScheduleRequest request)
    {
        var candidates = new List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)>();
        foreach (var host in hosts)
        {
            if (request.IgnoreHosts.Contains(host.Name)) continue;
            if ((request.RequestedHost ?? request.ForcedHost) is { } only && host.Name != only) continue;
            if (request.ZoneHosts is { } zone && !zone.Contains(host.Name)) continue;
            if (Fits(host, request.Resources, request.Traits)) candidates.Add((host, request.Resources));
            else if (request.FallbackResources is { } fallback && Fits(host, fallback, request.FallbackTraits)) candidates.Add((host, fallback));
        }
        // Placement found nothing: Nova raises NoValidHost with an empty reason.
        if (candidates.Count == 0) return new([], ServerFault.NoAllocationCandidates);

        var passed = request.ForcedHost is not null ? candidates : candidates.Where(c => Passes(c.Host, request)).ToList();
        if (passed.Count == 0) return new([], ServerFault.NoValidHost);
        return new([.. Weigh(passed, request)], null);
    }

    /// <summary>Placement: each amount within max_unit and the free capacity, required traits present, forbidden
    /// ones absent, and never a disabled compute (the <c>compute_status_filter</c> request filter).</summary>
    private static bool Fits(SimHost host, ImmutableSortedDictionary<string, long> resources, ImmutableSortedDictionary<string, TraitRequirement> traits)
    {
        foreach (var (rc, amount) in resources)
        {
            if (amount <= 0) continue;
            if (!host.Inventories.TryGetValue(rc, out var inventory)) return false;
            if (amount > inventory.MaxUnit || amount < inventory.MinUnit || amount % inventory.StepSize != 0) return false;
            if (amount > host.Free(rc)) return false;
        }
        var hostTraits = host.Traits;
        if (hostTraits.Contains(SimHost.CompuStatusDisabled)) return false;
        foreach (var (trait, requirement) in traits)
            if (hostTraits.Contains(trait) != (requirement == TraitRequirement.Required)) return false;
        return true;
    }

    private bool Passes(SimHost host, ScheduleRequest request)
    {
        if (_filters.Contains("ComputeFilter") && (!host.Service.Enabled || host.Service.ForcedDown)) return false;
        if (_filters.Contains("ImagePropertiesFilter") && !ImagePropertiesPass(request.Image)) return false;
        if (_filters.Contains("ComputeCapabilitiesFilter") && !CapabilitiesPass(host, request.Request.Flavor)) return false;
        if (_filters.Contains("AggregateInstanceExtraSpecsFilter") && !ignoreAggregates
            && !AggregateInstanceExtraSpecsFilter.HostPasses(request.Request.Flavor, view.AggregateMetadata(host)).Passes) return false;
        if (_filters.Contains("PciPassthroughFilter") && !request.PciRequests.IsEmpty && !PciModel.Supports(host.FreePci, request.PciRequests)) return false;
        if (_filters.Contains("NUMATopologyFilter") && !NumaPasses(host, request)) return false;
        return true;
    }

    /// <summary>NUMATopologyFilter through the engine, cached per host against the host's version (exact:
    /// the verdict depends only on the host's state and the request).</summary>
    private static bool NumaPasses(SimHost host, ScheduleRequest request)
    {
        if (request.Resolution.Topology is not { } topology) return true;
        var key = request.Key;
        if (host.NumaVerdicts.TryGetValue(key, out var cached) && cached.Version == host.Version) return cached.Passes;
        var node = request.PciRequests.IsEmpty ? host.Node
            : host.Node with { PciPools = PciModel.Pools(host.FreePci, request.PciRequests) };
        var passes = node.Passes(topology, request.Request);
        if (host.NumaVerdicts.Count > 64) host.NumaVerdicts.Clear();
        host.NumaVerdicts[key] = (host.Version, passes);
        return passes;
    }

    /// <summary>The libvirt driver supports x86_64 hvm guests under kvm or qemu.</summary>
    private static bool ImagePropertiesPass(ImageProperties image)
    {
        var arch = image.Get("hw_architecture") ?? image.Get("architecture");
        var hv = image.Get("img_hv_type") ?? image.Get("hypervisor_type");
        var mode = image.Get("hw_vm_mode") ?? image.Get("vm_mode");
        return (arch is null || arch is "x86_64" or "i686")
            && (hv is null || hv is "kvm" or "qemu")
            && (mode is null || mode == "hvm");
    }

    /// <summary>ComputeCapabilitiesFilter: <c>capabilities:</c> keys, and unscoped keys naming a host state attribute,
    /// matched against what the host state holds.</summary>
    private bool CapabilitiesPass(SimHost host, Flavor flavor)
    {
        foreach (var (key, requirement) in flavor.ExtraSpecs)
        {
            var scope = key.Split(':');
            if (scope.Length > 1 && scope[0] != "capabilities") continue;
            var attributes = HostStateAttributes(host);
            var path = scope.Length == 1 ? scope : scope[1..];
            if (scope.Length == 1 && !attributes.ContainsKey(path[0])) continue;
            if (path.Length != 1 || !attributes.TryGetValue(path[0], out var value)) return false;
            if (ExtraSpecsOps.Match(value, requirement) != OpMatch.Match) return false;
        }
        return true;
    }

    private Dictionary<string, string> HostStateAttributes(SimHost host) => new(StringComparer.Ordinal)
    {
        ["host"] = host.Name,
        ["nodename"] = host.Name,
        ["hypervisor_hostname"] = host.Name,
        ["hypervisor_type"] = "QEMU",
        ["hypervisor_version"] = "7002000",
        ["vcpus_total"] = host.SharedVcpus.ToString(CultureInfo.InvariantCulture),
        ["vcpus_used"] = host.VcpusUsed.ToString(CultureInfo.InvariantCulture),
        ["free_ram_mb"] = FreeRamMiB(host).ToString(CultureInfo.InvariantCulture),
        ["free_disk_mb"] = FreeDiskMiB(host).ToString(CultureInfo.InvariantCulture),
        ["num_instances"] = host.Instances.Count.ToString(CultureInfo.InvariantCulture),
        ["num_io_ops"] = view.IoOps(host).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The default weighers with their default multipliers, each normalised over the filtered hosts
    /// (minval 0 where Nova sets it); a stable sort, so equal weights keep placement's order.</summary>
    private List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> Weigh(
        List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> hosts, ScheduleRequest request)
    {
        if (hosts.Count <= 1) return hosts;
        var n = hosts.Count;
        var weights = new double[n];
        void Add(Func<SimHost, double> raw, double multiplier, double? minval)
        {
            var values = new double[n];
            for (var i = 0; i < n; i++) values[i] = raw(hosts[i].Host);
            var max = values.Max();
            var min = minval ?? values.Min();
            if (min == max) return; // every host weighs 0
            for (var i = 0; i < n; i++) weights[i] += multiplier * ((Math.Max(values[i], min) - min) / (max - min));
        }
        Add(h => FreeRamMiB(h), 1.0, 0);
        Add(h => h.SharedVcpus * CpuRatio(h) - h.VcpusUsed, 1.0, 0);
        Add(h => FreeDiskMiB(h), 1.0, 0);
        Add(h => view.IoOps(h), -1.0, 0);
        Add(h => MaxPciDevices - Math.Min(h.FreePci.Count, MaxPciDevices - 1), 1.0, null);
        Add(h => h.FailedBuilds, -1_000_000.0, null);
        return [.. Enumerable.Range(0, n).OrderByDescending(i => weights[i]).Select(i => hosts[i])];
    }

    private static double CpuRatio(SimHost h) => h.Conf.CpuAllocationRatio ?? h.Conf.InitialCpuAllocationRatio;

    /// <summary>The resource tracker's free_ram_mb: total less reserved_host_memory_mb and every instance's RAM.</summary>
    public static long FreeRamMiB(SimHost h) => h.MemoryMiB - h.MemoryMiBUsed;

    public static long FreeDiskMiB(SimHost h) => (h.Lab.DiskGiB - h.LocalGiBUsed) * 1024;
}
