using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.Pci;
using Smog.Nova.Scheduling;

namespace Smog.Cloud.Simulation;

/// <summary>One network attachment the HTTP layer resolved (it owns Neutron): the port, its
/// addresses and, for SR-IOV (<c>binding:vnic_type</c> direct / direct-physical), the physnet the
/// VF must sit on.</summary>
public sealed record PortRequest
{
    public required string PortId { get; init; }
    public string? NetworkId { get; init; }
    /// <summary>The network's name, the key of <c>addresses</c>.</summary>
    public string? NetworkName { get; init; }
    public string VnicType { get; init; } = "normal";
    public string? Physnet { get; init; }
    /// <summary>The port's own <c>numa_affinity_policy</c>, which beats flavor and image.</summary>
    public PciNumaAffinityPolicy? NumaAffinityPolicy { get; init; }
    public string? MacAddress { get; init; }
    public ImmutableArray<string> FixedIps { get; init; } = [];

    /// <summary>Nova turns these ports into a PCI request for a VF (direct) or a PF (direct-physical).</summary>
    public bool IsSriov => SriovPort.IsSriovVnic(VnicType);

    public SriovPort ToPci() => new(PortId, VnicType, Physnet, NumaAffinityPolicy);
}

/// <summary>What a boot needs besides the flavor: who, the image's properties (Glance is the HTTP
/// layer's), ports, and the 2.74 host/hypervisor_hostname or admin <c>zone:host</c> requests.</summary>
public sealed record BootRequest
{
    public required string Name { get; init; }
    public required string FlavorId { get; init; }
    public required string ProjectId { get; init; }
    public required string UserId { get; init; }
    /// <summary>Null when booted from volume.</summary>
    public string? ImageId { get; init; }
    public ImmutableSortedDictionary<string, string> ImageProperties { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableArray<PortRequest> Ports { get; init; } = [];
    public string? AvailabilityZone { get; init; }
    public string? Description { get; init; }
    /// <summary>2.74 <c>host</c>: only this host is considered, the filters still run.</summary>
    public string? Host { get; init; }
    /// <summary>2.74 <c>hypervisor_hostname</c> (the same as the host here: one node per host).</summary>
    public string? HypervisorHostname { get; init; }
    /// <summary><c>availability_zone=zone:host</c> (admin): the host is forced, the filters are skipped.</summary>
    public string? ForcedHost { get; init; }
    /// <summary>The fault knob "build failures": the compute build fails on the chosen host.</summary>
    public bool FailBuild { get; init; }
}

/// <summary>The fault Nova records on a server in ERROR.</summary>
public sealed record ServerFault(int Code, string Message, DateTimeOffset Created)
{
    /// <summary>Filters rejected every host.</summary>
    public const string NoValidHost = "No valid host was found. There are not enough hosts available.";
    /// <summary>Placement returned no allocation candidates (Nova raises NoValidHost with an empty reason).</summary>
    public const string NoAllocationCandidates = "No valid host was found. ";
}

/// <summary>Where and how an instance sits on its host: the engine's resolution and fit (null
/// fitted = no instance NUMA topology), the guest CPU topology, placement allocations and PCI devices.</summary>
public sealed record InstancePlacement
{
    public required string Host { get; init; }
    public required Resolution Resolution { get; init; }
    public FittedTopology? Fitted { get; init; }
    public required GuestCpuTopology CpuTopology { get; init; }
    /// <summary>Placement resources held on the host's provider (VCPU, PCPU, MEMORY_MB, DISK_GB).</summary>
    public ImmutableSortedDictionary<string, long> Allocations { get; init; } = ImmutableSortedDictionary<string, long>.Empty;
    public ImmutableArray<AssignedPciDevice> PciDevices { get; init; } = [];
}

/// <summary>Nova's <c>vm_state</c> values the simulation uses.</summary>
public static class VmStates
{
    public const string Building = "building";
    public const string Active = "active";
    public const string Stopped = "stopped";
    public const string Resized = "resized";
    public const string Error = "error";
    public const string Deleted = "deleted";
}

/// <summary>Nova's <c>task_state</c> values the simulation uses.</summary>
public static class TaskStates
{
    public const string Scheduling = "scheduling";
    public const string Spawning = "spawning";
    public const string Rebooting = "rebooting";
    public const string RebootingHard = "rebooting_hard";
    public const string PoweringOff = "powering-off";
    public const string PoweringOn = "powering-on";
    public const string ResizePrep = "resize_prep";
    public const string ResizeMigrating = "resize_migrating";
    public const string ResizeFinish = "resize_finish";
    public const string ResizeReverting = "resize_reverting";
    public const string ResizeConfirming = "resize_confirming";
    public const string Migrating = "migrating";
    public const string Deleting = "deleting";
}

/// <summary>Nova's <c>power_state</c> integers.</summary>
public static class PowerStates
{
    public const int NoState = 0;
    public const int Running = 1;
    public const int Shutdown = 4;
}

/// <summary>A server as Nova shows it, a consistent snapshot (records are immutable).</summary>
public sealed record ServerRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string ProjectId { get; init; }
    public required string UserId { get; init; }
    /// <summary>The flavor snapshot the server runs with (the new one while VERIFY_RESIZE).</summary>
    public required FlavorRecord Flavor { get; init; }
    /// <summary>The flavor before a resize, until it is confirmed or reverted.</summary>
    public FlavorRecord? OldFlavor { get; init; }
    public string? ImageId { get; init; }
    public ImmutableSortedDictionary<string, string> ImageProperties { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableArray<PortRequest> Ports { get; init; } = [];
    public string? Description { get; init; }
    public string? AvailabilityZone { get; init; }
    public required string VmState { get; init; }
    public string? TaskState { get; init; }
    public int PowerState { get; init; }
    /// <summary><c>instance-%08x</c> of the instance's database id.</summary>
    public required string InstanceName { get; init; }
    /// <summary>Null until scheduled, and when nothing fitted.</summary>
    public string? Host { get; init; }
    public ServerFault? Fault { get; init; }
    public InstancePlacement? Placement { get; init; }
    /// <summary>The libvirt domain XML the simulated host holds for it (null when none was defined).</summary>
    public string? DomainXml => Domain?.Xml;

    /// <summary>The domain, written when first read: a pure function of the claim, so no decision waits for it.</summary>
    internal Domains.DeferredDomain? Domain { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required DateTimeOffset Updated { get; init; }
    public DateTimeOffset? LaunchedAt { get; init; }

    /// <summary>The API's <c>status</c> from vm_state and task_state, as Nova maps them.</summary>
    public string Status => ServerStatus.Of(VmState, TaskState);
}

/// <summary>Nova's <c>common.status_from_state</c> for the states the simulation uses.</summary>
public static class ServerStatus
{
    public static string Of(string vmState, string? taskState) => (vmState, taskState) switch
    {
        (VmStates.Building, _) => "BUILD",
        (VmStates.Active, TaskStates.Rebooting) => "REBOOT",
        (VmStates.Active, TaskStates.RebootingHard) => "HARD_REBOOT",
        (VmStates.Active or VmStates.Stopped, TaskStates.ResizePrep or TaskStates.ResizeMigrating or TaskStates.ResizeFinish) => "RESIZE",
        (VmStates.Active, TaskStates.Migrating) => "MIGRATING",
        (VmStates.Resized, TaskStates.ResizeReverting) => "REVERT_RESIZE",
        (VmStates.Resized, _) => "VERIFY_RESIZE",
        (VmStates.Active, _) => "ACTIVE",
        (VmStates.Stopped, _) => "SHUTOFF",
        (VmStates.Error, _) => "ERROR",
        (VmStates.Deleted, _) => "DELETED",
        _ => "UNKNOWN",
    };
}
