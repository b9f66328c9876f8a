using System.Collections.Immutable;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation.Defects;
using Smog.Cloud.Simulation.HostAccess;

namespace Smog.Cloud.Simulation;

/// <summary>
/// The embedded cloud's compute state and behaviour: hosts from a lab, flavors, aggregates,
/// servers with their lifecycle, Nova 26 scheduling through the engine in Smog.Core, placement's
/// view, hypervisors, server topology and each instance's domain XML. Thread-safe: every call
/// takes one lock and returns immutable snapshots. The HTTP layer keeps identity, images and
/// networks and passes what a boot needs (<see cref="BootRequest"/>).
/// </summary>
public sealed class CloudSimulation
{
    public CloudSimulation(LabDefinition lab, SimulationOptions? options = null)
    {
        Lab = lab;
        Options = options ?? SimulationOptions.Default;
        Defect = Options.Defect is null ? null
            : DefectCatalog.Find(Options.Defect) ?? throw new ArgumentException($"unknown defect '{Options.Defect}'", nameof(options));
    }

    public LabDefinition Lab { get; }
    public SimulationOptions Options { get; }
    public Defect? Defect { get; }

    /// <summary>Raised after every change of a server (outside the lock), with its new snapshot.</summary>
    public event Action<ServerRecord>? ServerChanged;

    private void Raise(ServerRecord server) => ServerChanged?.Invoke(server);

    // ---- hosts, services, hypervisors -------------------------------------------------------

    public ImmutableArray<string> HostNames => throw new NotImplementedException();
    public ImmutableArray<HypervisorRecord> Hypervisors() => throw new NotImplementedException();
    /// <summary>By hypervisor id (UUID) or hostname; null when unknown.</summary>
    public HypervisorRecord? Hypervisor(string idOrHostname) => throw new NotImplementedException();
    public HypervisorStatistics Statistics() => throw new NotImplementedException();
    public ImmutableArray<ComputeServiceRecord> Services() => throw new NotImplementedException();
    /// <summary>Enables/disables (with a reason) or forces down a compute service, by service id or host name.</summary>
    public ComputeServiceRecord UpdateService(string idOrHost, bool? enabled = null, string? disabledReason = null, bool? forcedDown = null) =>
        throw new NotImplementedException();
    /// <summary>virsh, numactl, lstopo and sysfs of one simulated host.</summary>
    public SimulatedHostRunner HostAccess(string host) => throw new NotImplementedException();

    // ---- flavors --------------------------------------------------------------------------------

    public ImmutableArray<FlavorRecord> Flavors() => throw new NotImplementedException();
    public FlavorRecord? Flavor(string id) => throw new NotImplementedException();
    public FlavorRecord CreateFlavor(FlavorSpec spec) => throw new NotImplementedException();
    public FlavorRecord UpdateFlavor(string id, string? description) => throw new NotImplementedException();
    public void DeleteFlavor(string id) => throw new NotImplementedException();
    /// <summary>Adds or overwrites the given keys, keeps the others.</summary>
    public FlavorRecord SetExtraSpecs(string id, IReadOnlyDictionary<string, string> specs) => throw new NotImplementedException();
    public FlavorRecord DeleteExtraSpec(string id, string key) => throw new NotImplementedException();

    // ---- aggregates -------------------------------------------------------------------------------

    public ImmutableArray<AggregateRecord> Aggregates() => throw new NotImplementedException();
    public AggregateRecord? Aggregate(int id) => throw new NotImplementedException();
    public AggregateRecord CreateAggregate(string name, string? availabilityZone = null) => throw new NotImplementedException();
    public AggregateRecord UpdateAggregate(int id, string? name, string? availabilityZone) => throw new NotImplementedException();
    /// <summary>Refused (400) while hosts remain.</summary>
    public void DeleteAggregate(int id) => throw new NotImplementedException();
    public AggregateRecord AddHost(int id, string host) => throw new NotImplementedException();
    public AggregateRecord RemoveHost(int id, string host) => throw new NotImplementedException();
    /// <summary>Sets keys; a null value deletes the key.</summary>
    public AggregateRecord SetAggregateMetadata(int id, IReadOnlyDictionary<string, string?> metadata) => throw new NotImplementedException();

    // ---- servers ----------------------------------------------------------------------------------

    /// <summary>Schedules at once and returns the server in BUILD; after <see cref="SimulationOptions.BuildTime"/>
    /// it is ACTIVE or ERROR (see <see cref="WhenSettled"/>). Refuses (400) what Nova's API refuses.</summary>
    public ServerRecord Boot(BootRequest request) => throw new NotImplementedException();
    /// <summary>Completes with the server's snapshot once no transition is pending (immediately when none is).</summary>
    public Task<ServerRecord> WhenSettled(string id, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public ServerRecord? Server(string id) => throw new NotImplementedException();
    public ImmutableArray<ServerRecord> Servers() => throw new NotImplementedException();
    /// <summary>Releases every resource and forgets the server.</summary>
    public void Delete(string id) => throw new NotImplementedException();
    public ServerRecord Reboot(string id, bool hard) => throw new NotImplementedException();
    public ServerRecord Stop(string id) => throw new NotImplementedException();
    public ServerRecord Start(string id) => throw new NotImplementedException();
    /// <summary>Schedules the new flavor on another host (allow_resize_to_same_host is false) and claims there; VERIFY_RESIZE after the transition.</summary>
    public ServerRecord Resize(string id, string flavorId) => throw new NotImplementedException();
    public ServerRecord ConfirmResize(string id) => throw new NotImplementedException();
    public ServerRecord RevertResize(string id) => throw new NotImplementedException();
    /// <summary>Cold migration: a resize to the same flavor, to <paramref name="host"/> or a scheduled one; confirm with <see cref="ConfirmResize"/>.</summary>
    public ServerRecord Migrate(string id, string? host = null) => throw new NotImplementedException();
    /// <summary>Live migration to <paramref name="host"/> or a scheduled one; the pinning is recomputed there.</summary>
    public ServerRecord LiveMigrate(string id, string? host = null) => throw new NotImplementedException();
    /// <summary>Null when the server is unknown.</summary>
    public ServerTopologyView? Topology(string id) => throw new NotImplementedException();

    // ---- placement --------------------------------------------------------------------------------

    public ImmutableArray<ResourceProviderRecord> ResourceProviders() => throw new NotImplementedException();
    public ResourceProviderRecord? ResourceProvider(string uuid) => throw new NotImplementedException();
    public ConsumerAllocations Allocations(string consumerId) => throw new NotImplementedException();
}
