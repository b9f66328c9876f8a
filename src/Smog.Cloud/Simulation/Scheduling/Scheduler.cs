using System.Collections.Immutable;
using System.Globalization;
using Smog.Nova.Pci;
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

    /// <summary><see cref="IoOps"/> of every host with any, computed once per decision.</summary>
    IReadOnlyDictionary<SimHost, int> IoOpsByHost();
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
/// <remarks>
/// Speed at 1,000 hosts: placement's arithmetic runs on per-host arrays, what depends only on the
/// request (image properties, which extra specs the capability and aggregate filters read) is
/// decided once per request, and NUMATopologyFilter verdicts are cached per host and request
/// against the host's version, so a decision refits only the hosts that changed since.
/// </remarks>
internal sealed class Scheduler(NovaConf controller, ISchedulerView view, bool ignoreAggregates)
{
    private const int MaxPciDevices = 100; // nova.scheduler.weights.pci.MAX_DEVS

    private readonly bool _computeFilter = controller.Filters.Contains("ComputeFilter");
    private readonly bool _imageFilter = controller.Filters.Contains("ImagePropertiesFilter");
    private readonly bool _capabilitiesFilter = controller.Filters.Contains("ComputeCapabilitiesFilter");
    private readonly bool _aggregateFilter = controller.Filters.Contains("AggregateInstanceExtraSpecsFilter") && !ignoreAggregates;
    private readonly bool _pciFilter = controller.Filters.Contains("PciPassthroughFilter");
    private readonly bool _numaFilter = controller.Filters.Contains("NUMATopologyFilter");
    private readonly Dictionary<string, int> _keyIds = new(StringComparer.Ordinal);

    public ScheduleOutcome Select(IReadOnlyList<SimHost> hosts, ScheduleRequest request)
    {
        var candidates = new List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)>();
        var vector = request.Vector;
        var fallback = request.FallbackVector;
        var traits = request.Traits.ToArray();
        var fallbackTraits = request.FallbackTraits.ToArray();
        var only = request.RequestedHost ?? request.ForcedHost;
        foreach (var host in hosts)
        {
            if (only is not null && host.Name != only) continue;
            if (request.IgnoreHosts.Count > 0 && request.IgnoreHosts.Contains(host.Name)) continue;
            if (request.ZoneHosts is { } zone && !zone.Contains(host.Name)) continue;
            if (Fits(host, vector, traits)) candidates.Add((host, request.Resources));
            else if (request.FallbackResources is { } f && Fits(host, fallback, fallbackTraits)) candidates.Add((host, f));
        }
        // Placement found nothing: Nova raises NoValidHost with an empty reason.
        if (candidates.Count == 0) return new([], ServerFault.NoAllocationCandidates);

        var passed = request.ForcedHost is not null ? candidates : Filter(candidates, request);
        if (passed.Count == 0) return new([], ServerFault.NoValidHost);
        return new([.. Weigh(passed)], null);
    }

    /// <summary>Placement: each amount within max_unit and the free capacity, required traits present, forbidden
    /// ones absent, and never a disabled compute (the <c>compute_status_filter</c> request filter).</summary>
    private static bool Fits(SimHost host, (int Rc, long Amount)[]? vector, KeyValuePair<string, TraitRequirement>[] traits)
    {
        if (vector is null || !host.Service.Enabled) return false;
        foreach (var (rc, amount) in vector)
            if (amount > host.MaxUnit[rc] || amount > host.Free(rc)) return false;
        foreach (var (trait, requirement) in traits)
            if (host.HasTrait(trait) != (requirement == TraitRequirement.Required)) return false;
        return true;
    }

    private List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> Filter(
        List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> candidates, ScheduleRequest request)
    {
        // What depends on the request alone is decided once.
        if (_imageFilter && !ImagePropertiesPass(request.Image)) return [];
        var flavor = request.Request.Flavor;
        var capabilityKeys = _capabilitiesFilter ? flavor.ExtraSpecs.Where(kv => IsCapabilityKey(kv.Key)).ToList() : [];
        var aggregates = _aggregateFilter && flavor.ExtraSpecs.Keys.Any(k => AggregateInstanceExtraSpecsFilter.CheckedKey(k) is not null);
        var pci = _pciFilter && !request.PciRequests.IsEmpty;
        var numa = _numaFilter && request.Resolution.Topology is not null;
        var keyId = numa ? KeyId(request.Key) : -1;

        var passed = new List<(SimHost, ImmutableSortedDictionary<string, long>)>(candidates.Count);
        foreach (var candidate in candidates)
        {
            var host = candidate.Host;
            if (_computeFilter && (!host.Service.Enabled || host.Service.ForcedDown)) continue;
            if (capabilityKeys.Count > 0 && !CapabilitiesPass(host, capabilityKeys)) continue;
            if (aggregates && !AggregateInstanceExtraSpecsFilter.HostPasses(flavor, view.AggregateMetadata(host)).Passes) continue;
            if (pci && !PciModel.Supports(host.FreePci, request.PciRequests)) continue;
            if (numa && !NumaPasses(host, request, keyId)) continue;
            passed.Add(candidate);
        }
        return passed;
    }

    private int KeyId(string key)
    {
        if (!_keyIds.TryGetValue(key, out var id))
        {
            if (_keyIds.Count > 4096) _keyIds.Clear(); // ids are only compared with the host's cache entries
            _keyIds[key] = id = _keyIds.Count + 1;
        }
        return id;
    }

    /// <summary>NUMATopologyFilter through the engine, cached per host against the host's version (exact:
    /// the verdict depends only on the host's state and the request).</summary>
    private static bool NumaPasses(SimHost host, ScheduleRequest request, int keyId)
    {
        if (host.NumaVerdicts.TryGetValue(keyId, out var cached) && cached.Version == host.Version) return cached.Passes;
        var node = request.PciRequests.IsEmpty ? host.Node
            : host.Node with { PciPools = PciModel.Pools(host.FreePci, request.PciRequests) };
        var passes = node.Passes(request.Resolution.Topology!, request.Request);
        if (host.NumaVerdicts.Count > 64) host.NumaVerdicts.Clear();
        host.NumaVerdicts[keyId] = (host.Version, passes);
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

    /// <summary>The keys ComputeCapabilitiesFilter reads: <c>capabilities:</c> ones, and unscoped ones naming a host state attribute.</summary>
    private static bool IsCapabilityKey(string key)
    {
        var colon = key.IndexOf(':');
        return colon < 0 ? HostStateAttributeNames.Contains(key) : key[..colon] == "capabilities";
    }

    private static readonly HashSet<string> HostStateAttributeNames =
        ["host", "nodename", "hypervisor_hostname", "hypervisor_type", "hypervisor_version", "vcpus_total", "vcpus_used",
         "free_ram_mb", "free_disk_mb", "num_instances", "num_io_ops"];

    /// <summary>ComputeCapabilitiesFilter: each key's host state attribute matched against the requirement.</summary>
    private bool CapabilitiesPass(SimHost host, List<KeyValuePair<string, string>> keys)
    {
        var attributes = HostStateAttributes(host);
        foreach (var (key, requirement) in keys)
        {
            var path = key.Split(':');
            var name = path.Length == 1 ? path[0] : path.Length == 2 ? path[1] : null;
            if (name is null || !attributes.TryGetValue(name, out var value)) return false;
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

    /// <summary>
    /// The default weighers with their default multipliers, each normalised over the filtered hosts
    /// (minval 0 where Nova sets it), summed; the best <see cref="Alternates"/> in descending weight,
    /// equal weights in placement's order (a stable sort would give the same head).
    /// </summary>
    private List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> Weigh(
        List<(SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> hosts)
    {
        if (hosts.Count <= 1) return hosts;
        var n = hosts.Count;
        var busy = view.IoOpsByHost();
        const int Weighers = 6;
        double[] multipliers = [1.0, 1.0, 1.0, -1.0, 1.0, -1_000_000.0];
        bool[] floorAtZero = [true, true, true, true, false, false];
        var raw = new double[Weighers * n];
        for (var i = 0; i < n; i++)
        {
            var h = hosts[i].Host;
            raw[i] = FreeRamMiB(h);
            raw[n + i] = h.SharedVcpus * CpuRatio(h) - h.VcpusUsed;
            raw[2 * n + i] = FreeDiskMiB(h);
            raw[3 * n + i] = busy.Count == 0 ? 0 : busy.GetValueOrDefault(h);
            raw[4 * n + i] = MaxPciDevices - Math.Min(h.FreePciCount, MaxPciDevices - 1);
            raw[5 * n + i] = h.FailedBuilds;
        }
        var weights = new double[n];
        for (var w = 0; w < Weighers; w++)
        {
            var values = raw.AsSpan(w * n, n);
            var (min, max) = (double.MaxValue, double.MinValue);
            foreach (var v in values) (min, max) = (Math.Min(min, v), Math.Max(max, v));
            if (floorAtZero[w]) min = 0;
            if (min == max) continue; // every host weighs 0
            for (var i = 0; i < n; i++) weights[i] += multipliers[w] * ((Math.Max(values[i], min) - min) / (max - min));
        }
        var best = new List<int>(Alternates);
        for (var i = 0; i < n; i++)
        {
            // Insert after every host that weighs at least as much: the earlier host wins a tie.
            var at = best.Count;
            while (at > 0 && weights[best[at - 1]] < weights[i]) at--;
            if (at < Alternates) best.Insert(at, i);
            if (best.Count > Alternates) best.RemoveAt(Alternates);
        }
        return [.. best.Select(i => hosts[i])];
    }

    /// <summary>The chosen host and the alternates the claim may fall back to (<c>[scheduler] max_attempts</c> = 3).</summary>
    public const int Alternates = 3;

    private static double CpuRatio(SimHost h) => h.Conf.CpuAllocationRatio ?? h.Conf.InitialCpuAllocationRatio;

    /// <summary>The resource tracker's free_ram_mb: total less reserved_host_memory_mb and every instance's RAM.</summary>
    public static long FreeRamMiB(SimHost h) => h.MemoryMiB - h.MemoryMiBUsed;

    public static long FreeDiskMiB(SimHost h) => (h.Lab.DiskGiB - h.LocalGiBUsed) * 1024;
}
