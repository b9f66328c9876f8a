using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Constraints;
using Smog.Nova.Fitting;
using Smog.Topology;

namespace Smog.Nova.Pci;

/// <summary>Nova's PCI device types.</summary>
public static class PciDeviceTypes
{
    public const string Pci = "type-PCI";
    public const string Pf = "type-PF";
    public const string Vf = "type-VF";
}

/// <summary>A device the host's <c>[pci] device_spec</c> hands to Nova, with its type and physnet.</summary>
public sealed record PassthroughDevice(PciDevice Device, string DeviceType, string? Physnet)
{
    public string Address => Device.Address;
    public int? NumaNode => Device.NumaNode;
}

/// <summary>What one PCI request matches: vendor/product (null = any), device type, physnet.</summary>
public sealed record PciSpec(string? VendorId, string? ProductId, string? DeviceType, string? Physnet)
{
    public bool Matches(PassthroughDevice d) =>
        (VendorId is null || VendorId == d.Device.VendorId) && (ProductId is null || ProductId == d.Device.ProductId)
        && (DeviceType is null || DeviceType == d.DeviceType) && (Physnet is null || Physnet == d.Physnet);
}

/// <summary>One PCI request of a boot: <paramref name="Count"/> devices matching <paramref name="Spec"/>
/// with a NUMA affinity policy; <paramref name="PortId"/> for an SR-IOV port.</summary>
public sealed record DevicePciRequest(PciSpec Spec, int Count, PciNumaAffinityPolicy Policy, string? PortId)
{
    public PciRequest ToEngine() => new(Count, Policy);
}

/// <summary>
/// A Neutron port as Nova's API sees it before scheduling: its vnic type, the physnet of its
/// network (<c>provider:physical_network</c>) and its own <c>numa_affinity_policy</c>.
/// </summary>
public sealed record SriovPort(string PortId, string VnicType, string? Physnet, PciNumaAffinityPolicy? Policy = null)
{
    /// <summary>Nova turns these ports into a PCI request for a VF (direct, macvtap) or a PF (direct-physical).</summary>
    public bool IsSriov => IsSriovVnic(VnicType);

    public static bool IsSriovVnic(string vnicType) => vnicType is "direct" or "direct-physical" or "macvtap";
}

/// <summary>A PCI device given to an instance: the host's device and what asked for it (a port id for SR-IOV).</summary>
public sealed record AssignedPciDevice(string Address, int? NumaNode, string VendorId, string ProductId, string? PortId);

/// <summary>
/// The host side (<c>[pci] device_spec</c> → passthrough devices) and the request side
/// (<c>pci_passthrough:alias</c> via the controller's <c>[pci] alias</c>, SR-IOV ports) of Nova's PCI
/// handling, and the device choice of the claim: the embedded cloud's scheduler and claims and the
/// suite's predictor use the same model. The NUMA part of the decision stays the engine's
/// (the fit is given the pools and requests); this only counts and picks devices.
/// </summary>
public static class PciModel
{
    /// <summary>The host's devices that some device_spec entry matches, in address order.</summary>
    public static ImmutableArray<PassthroughDevice> Passthrough(HostTopology topology, NovaConf conf)
    {
        var specs = conf.PciDeviceSpecs.SelectMany(ParseObjects).ToList();
        var result = ImmutableArray.CreateBuilder<PassthroughDevice>();
        foreach (var device in topology.PciDevices)
        {
            var index = specs.FindIndex(s => Matches(s, device));
            if (index < 0) continue;
            var spec = specs[index];
            var type = device.IsVirtualFunction ? PciDeviceTypes.Vf : device.VirtualFunctions.IsDefaultOrEmpty ? PciDeviceTypes.Pci : PciDeviceTypes.Pf;
            result.Add(new PassthroughDevice(device, type, Str(spec, "physical_network")));
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// The boot's PCI requests, or the API's refusal: the flavor's <c>pci_passthrough:alias</c>
    /// (<c>name:count,…</c>) through the controller's aliases, then one request per SR-IOV port. The
    /// policy: the port's own, else flavor/image <c>hw:pci_numa_affinity_policy</c>, else the alias's, else legacy.
    /// </summary>
    public static (ImmutableArray<DevicePciRequest> Requests, string? Error) Requests(
        Flavor flavor, ImageProperties image, IEnumerable<SriovPort> ports, NovaConf controller)
    {
        var requests = ImmutableArray.CreateBuilder<DevicePciRequest>();
        var flavorPolicy = PciNumaAffinity.Get(flavor, image).Policy;
        if (flavor.Spec("pci_passthrough:alias") is { } aliasSpec)
        {
            var aliases = controller.PciAliases.SelectMany(ParseObjects).ToList();
            foreach (var part in aliasSpec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pieces = part.Split(':');
                var name = pieces[0].Trim();
                if (pieces.Length != 2 || !int.TryParse(pieces[1], out var count) || count < 1)
                    return ([], $"Invalid PCI alias definition: {part}");
                var index = aliases.FindIndex(a => Str(a, "name") == name);
                if (index < 0) return ([], $"PCI alias {name} is not defined");
                var alias = aliases[index];
                var policy = flavorPolicy ?? Policy(Str(alias, "numa_policy")) ?? PciNumaAffinityPolicy.Legacy;
                requests.Add(new DevicePciRequest(new PciSpec(Hex(Str(alias, "vendor_id")), Hex(Str(alias, "product_id")), Str(alias, "device_type"), null),
                    count, policy, null));
            }
        }
        foreach (var port in ports.Where(p => p.IsSriov))
        {
            var type = port.VnicType == "direct-physical" ? PciDeviceTypes.Pf : PciDeviceTypes.Vf;
            var policy = port.Policy ?? flavorPolicy ?? PciNumaAffinityPolicy.Legacy;
            requests.Add(new DevicePciRequest(new PciSpec(null, null, type, port.Physnet), 1, policy, port.PortId));
        }
        return (requests.ToImmutable(), null);
    }

    /// <summary>PciPassthroughFilter: enough free matching devices on the host, NUMA aside (requests consume in order).</summary>
    public static bool Supports(IReadOnlyList<PassthroughDevice> free, ImmutableArray<DevicePciRequest> requests)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var matching = free.Where(d => !taken.Contains(d.Address) && request.Spec.Matches(d)).Take(request.Count).ToList();
            if (matching.Count < request.Count) return false;
            foreach (var d in matching) taken.Add(d.Address);
        }
        return true;
    }

    /// <summary>The pools the engine's fit sees: free devices matching any request, counted per NUMA node.</summary>
    public static ImmutableArray<PciPool> Pools(IReadOnlyList<PassthroughDevice> free, ImmutableArray<DevicePciRequest> requests) =>
        [.. free.Where(d => requests.Any(r => r.Spec.Matches(d)))
            .GroupBy(d => d.NumaNode)
            .OrderBy(g => g.Key ?? int.MaxValue)
            .Select(g => new PciPool(g.Key, g.Count()))];

    /// <summary>
    /// The devices the claim takes: per request, matching free devices on the instance's host cells
    /// first when it has a NUMA topology (only those under <c>required</c>, as the fit already
    /// proved they suffice), then the rest per policy; in address order. Null when the devices run out.
    /// </summary>
    public static ImmutableArray<AssignedPciDevice>? Assign(IReadOnlyList<PassthroughDevice> free, ImmutableArray<DevicePciRequest> requests,
        ISet<int>? instanceCells, HostTopology topology, bool preferFar = false)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<AssignedPciDevice>();
        foreach (var request in requests)
        {
            var matching = free.Where(d => !taken.Contains(d.Address) && request.Spec.Matches(d)).ToList();
            var ordered = instanceCells is null ? matching : Order(matching, request.Policy, instanceCells, topology, preferFar);
            var chosen = ordered.Take(request.Count).ToList();
            if (chosen.Count < request.Count) return null;
            foreach (var d in chosen)
            {
                taken.Add(d.Address);
                result.Add(new AssignedPciDevice(d.Address, d.NumaNode, d.Device.VendorId ?? "", d.Device.ProductId ?? "", request.PortId));
            }
        }
        return result.ToImmutable();
    }

    private static List<PassthroughDevice> Order(List<PassthroughDevice> matching, PciNumaAffinityPolicy policy,
        ISet<int> cells, HostTopology topology, bool preferFar)
    {
        bool Local(PassthroughDevice d) => d.NumaNode is { } n && cells.Contains(n);
        // The defect "PCI device on a far node": far devices first, whatever the policy.
        if (preferFar) return [.. matching.OrderBy(d => Local(d) ? 1 : 0)];
        var local = matching.Where(Local).ToList();
        if (policy == PciNumaAffinityPolicy.Required) return local;
        var rest = matching.Where(d => !Local(d));
        if (policy == PciNumaAffinityPolicy.Legacy) rest = rest.Where(d => d.NumaNode is null);
        if (policy == PciNumaAffinityPolicy.Socket)
        {
            var sockets = topology.Cpus.Where(c => cells.Contains(c.Cell)).Select(c => c.Socket).ToHashSet();
            rest = rest.Where(d => d.NumaNode is { } n && topology.Cpus.Any(c => c.Cell == n && sockets.Contains(c.Socket)));
        }
        return [.. local, .. rest];
    }

    private static bool Matches(JsonElement spec, PciDevice device) =>
        Hex(Str(spec, "vendor_id")) is var v && (v is null or "*" || v == device.VendorId)
        && Hex(Str(spec, "product_id")) is var p && (p is null or "*" || p == device.ProductId)
        && (Str(spec, "address") is not { } a || AddressMatches(a, device.Address));

    // A device_spec address may be a glob over the canonical form ("*:0a:00.*").
    private static bool AddressMatches(string pattern, string address)
    {
        var regex = "^" + System.Text.RegularExpressions.Regex.Escape(pattern.ToLowerInvariant()).Replace("\\*", ".*") + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(address, regex) || System.Text.RegularExpressions.Regex.IsMatch(address[5..], regex);
    }

    private static PciNumaAffinityPolicy? Policy(string? text) => text switch
    {
        "required" => PciNumaAffinityPolicy.Required,
        "legacy" => PciNumaAffinityPolicy.Legacy,
        "preferred" => PciNumaAffinityPolicy.Preferred,
        "socket" => PciNumaAffinityPolicy.Socket,
        _ => null,
    };

    private static string? Hex(string? text) => text is null or "*" ? text : text.Trim().ToLowerInvariant().Replace("0x", "", StringComparison.Ordinal);

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A device_spec or alias value: one JSON object or a list of them; anything else matches nothing.</summary>
    private static IEnumerable<JsonElement> ParseObjects(string text)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            yield break;
        }
        if (root.ValueKind == JsonValueKind.Object) yield return root;
        else if (root.ValueKind == JsonValueKind.Array)
            foreach (var item in root.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Object) yield return item;
    }
}
