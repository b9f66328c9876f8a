using System.Collections.Immutable;
using Smog.Nova.Config;
using Smog.Topology;

namespace Smog.Cloud.Simulation;

/// <summary>The <c>nova-compute</c> service of one host (<c>/os-services</c>). Down means forced down
/// (the fault knob "a compute service down"); the ComputeFilter then rejects the host.</summary>
public sealed record ComputeServiceRecord
{
    public required string Id { get; init; }
    public required string Host { get; init; }
    public string Binary => "nova-compute";
    public string Zone { get; init; } = "nova";
    public bool Enabled { get; init; } = true;
    public string? DisabledReason { get; init; }
    public bool ForcedDown { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public string Status => Enabled ? "enabled" : "disabled";
    public string State => ForcedDown ? "down" : "up";
}

/// <summary>A hypervisor as <c>/os-hypervisors/detail</c> shows it, the pre-2.88 statistics fields
/// included (the resource tracker's view: vCPUs are the shared pool, memory the whole host).</summary>
public sealed record HypervisorRecord
{
    public required string Id { get; init; }
    public required string HypervisorHostname { get; init; }
    public required ComputeServiceRecord Service { get; init; }
    public string HypervisorType => "QEMU";
    /// <summary>libvirt's encoding of QEMU 7.2.0, as Debian 12 reports it.</summary>
    public long HypervisorVersion => 7002000;
    public required string HostIp { get; init; }
    public required int Vcpus { get; init; }
    public required int VcpusUsed { get; init; }
    public required long MemoryMiB { get; init; }
    public required long MemoryMiBUsed { get; init; }
    public long FreeRamMiB => MemoryMiB - MemoryMiBUsed;
    public required long LocalGiB { get; init; }
    public required long LocalGiBUsed { get; init; }
    public long FreeDiskGiB => LocalGiB - LocalGiBUsed;
    public long DiskAvailableLeast => FreeDiskGiB;
    public required int RunningVms { get; init; }
    /// <summary>Instances with a task in progress (building, resizing, migrating …).</summary>
    public required int CurrentWorkload { get; init; }
    /// <summary>The <c>cpu_info</c> JSON text (arch, model, vendor, topology).</summary>
    public required string CpuInfo { get; init; }
    /// <summary>Servers on the host: (uuid, name).</summary>
    public ImmutableArray<(string Uuid, string Name)> Servers { get; init; } = [];
    public required HostTopology Topology { get; init; }
    public required NovaConf Conf { get; init; }

    public string State => Service.State;
    public string Status => Service.Status;
}

/// <summary><c>/os-hypervisors/statistics</c> (before 2.88): the sums over all hypervisors.</summary>
public sealed record HypervisorStatistics(
    int Count, int Vcpus, int VcpusUsed, long MemoryMiB, long MemoryMiBUsed, long FreeRamMiB,
    long LocalGiB, long LocalGiBUsed, long FreeDiskGiB, long DiskAvailableLeast, int RunningVms, int CurrentWorkload);

/// <summary>One placement inventory record, as the libvirt driver reports it.</summary>
public sealed record InventoryRecord(long Total, long Reserved, long MinUnit, long MaxUnit, long StepSize, double AllocationRatio)
{
    /// <summary>Placement's capacity: (total − reserved) × allocation_ratio, truncated.</summary>
    public long Capacity => (long)((Total - Reserved) * AllocationRatio);
}

/// <summary>A compute node's resource provider: inventories, usages, allocations per consumer and traits.</summary>
public sealed record ResourceProviderRecord
{
    public required string Uuid { get; init; }
    public required string Name { get; init; }
    public required long Generation { get; init; }
    public ImmutableSortedDictionary<string, InventoryRecord> Inventories { get; init; } = ImmutableSortedDictionary<string, InventoryRecord>.Empty;
    public ImmutableSortedDictionary<string, long> Usages { get; init; } = ImmutableSortedDictionary<string, long>.Empty;
    /// <summary>Consumer (server) id → resources it holds here.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>> Allocations { get; init; } =
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>.Empty;
    public ImmutableSortedSet<string> Traits { get; init; } = [];
    /// <summary>UUIDs of the aggregates the host is in (placement mirrors Nova's aggregates).</summary>
    public ImmutableSortedSet<string> AggregateUuids { get; init; } = [];
}

/// <summary><c>GET /allocations/{consumer}</c>: the consumer's resources per provider; empty for an unknown consumer.</summary>
public sealed record ConsumerAllocations(
    ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>> ByProvider,
    ImmutableSortedDictionary<string, long> ProviderGenerations,
    long ConsumerGeneration, string? ProjectId, string? UserId);
