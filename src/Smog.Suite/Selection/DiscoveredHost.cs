using System.Collections.Immutable;
using Smog.Hosts;
using Smog.Nova.Config;
using Smog.Nova.Pci;
using Smog.Suite.Results;
using Smog.Topology;

namespace Smog.Suite.Selection;

/// <summary>One placement resource class on a host: (total − reserved) × ratio, and what is used.</summary>
public sealed record ResourceCapacity(long Total, long Reserved, double AllocationRatio, long Used)
{
    /// <summary>The most one server may take (placement's max_unit); Nova sets it to the total.</summary>
    public long MaxUnit { get; init; } = long.MaxValue;

    public long Capacity => (long)Math.Floor((Total - Reserved) * AllocationRatio);
    public long Free => Capacity - Used;
}

/// <summary>
/// A compute host as discovered before the run: its service state, placement inventories and
/// traits, aggregates, and (through host access) its topology and nova.conf.
/// </summary>
public sealed record DiscoveredHost
{
    /// <summary>The compute service's host (what aggregates and server hosts name).</summary>
    public required string Name { get; init; }
    public required string HypervisorHostname { get; init; }
    public bool Up { get; init; } = true;
    public string? ProviderUuid { get; init; }
    public ImmutableDictionary<string, ResourceCapacity> Resources { get; init; } = ImmutableDictionary<string, ResourceCapacity>.Empty;
    public ImmutableArray<string> Traits { get; init; } = [];
    public ImmutableArray<string> Aggregates { get; init; } = [];
    public HostTopology? Topology { get; init; }
    /// <summary>nova.conf as read from the host; null when it could not be read.</summary>
    public NovaConf? Conf { get; init; }
    /// <summary>The inventory entry that reaches the host, when there is one.</summary>
    public InventoryHost? Access { get; init; }
    /// <summary>What discovery could not do on this host, in one line each.</summary>
    public ImmutableArray<string> Notes { get; init; } = [];

    public bool HostAccess => Access is not null && Topology is not null;

    /// <summary>Topology and nova.conf both known: the engine can predict exactly.</summary>
    public bool StateKnown => Topology is not null && Conf is not null;

    public ResourceCapacity? Capacity(string resourceClass) => Resources.GetValueOrDefault(resourceClass);

    /// <summary>The SR-IOV VFs nova.conf's <c>[pci] device_spec</c> hands to Nova with a physnet; empty when topology or nova.conf is unknown.</summary>
    public ImmutableArray<PassthroughDevice> SriovVfs => Topology is { } t && Conf is { } c
        ? [.. PciModel.Passthrough(t, c).Where(d => d.DeviceType == PciDeviceTypes.Vf && d.Physnet is not null)]
        : [];

    public ImmutableArray<string> Capabilities =>
        [.. Capability.All.Where(c => c.Code != Capability.TwoHostsCode && c.Test(this) == true).Select(c => c.Code)];

    public HostSnapshot ToSnapshot() => new()
    {
        Name = Name,
        Topology = Topology,
        DedicatedSet = Conf?.CpuDedicatedSet,
        SharedSet = Conf?.CpuSharedSet,
        HostAccess = HostAccess,
        Capabilities = Capabilities,
        Aggregates = Aggregates,
    };
}

/// <summary>The cloud as discovered: its compute hosts and the negotiated compute microversion.</summary>
public sealed record CloudState(ImmutableArray<DiscoveredHost> Hosts, Smog.Nova.Microversion ComputeMicroversion)
{
    public ImmutableArray<DiscoveredHost> UpHosts => [.. Hosts.Where(h => h.Up)];

    public DiscoveredHost? Host(string? name) => Hosts.FirstOrDefault(h => h.Name == name || h.HypervisorHostname == name);
}
