using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Config;

/// <summary>One <c>[DEFAULT] reserved_huge_pages</c> entry: pages of a size held back on a node.</summary>
public sealed record ReservedHugePages(int Node, long SizeKiB, long Count);

/// <summary>
/// The nova.conf options Smog reads, one record for every use (engine, generator, verifier, the
/// embedded cloud): <c>[compute]</c> CPU sets and packing strategy, <c>[DEFAULT]</c> legacy pin set,
/// reservations and allocation ratios, <c>[libvirt]</c> CPU mode/models/virt type,
/// <c>[pci]</c> device specs and aliases, <c>[filter_scheduler] enabled_filters</c>.
/// Null means the option is unset (Nova's default applies); <see cref="NovaConfReader"/> reads it
/// from a nova.conf file or a case's <c>config</c> object.
/// </summary>
public sealed record NovaConf
{
    public static readonly NovaConf Default = new();

    // [compute]
    public CpuSet? CpuDedicatedSet { get; init; }
    public CpuSet? CpuSharedSet { get; init; }
    /// <summary><c>[compute] packing_host_numa_cells_allocation_strategy</c>; false (Zed's default) spreads.</summary>
    public bool PackHostNumaCells { get; init; }

    // [DEFAULT]
    /// <summary>The deprecated <c>vcpu_pin_set</c>.</summary>
    public CpuSet? VcpuPinSet { get; init; }
    public long ReservedHostMemoryMiB { get; init; } = 512;
    public ImmutableArray<ReservedHugePages> ReservedHugePages { get; init; } = [];
    public double? CpuAllocationRatio { get; init; }
    public double? RamAllocationRatio { get; init; }
    public double? DiskAllocationRatio { get; init; }
    public double InitialCpuAllocationRatio { get; init; } = 16.0;
    public double InitialRamAllocationRatio { get; init; } = 1.5;
    public double InitialDiskAllocationRatio { get; init; } = 1.0;

    // [libvirt]
    public string VirtType { get; init; } = "kvm";
    /// <summary>Unset: host-model for KVM and QEMU on x86 (Nova's default), so the generator writes host-model.</summary>
    public string? CpuMode { get; init; }
    public ImmutableArray<string> CpuModels { get; init; } = [];
    public int RealtimeSchedulerPriority { get; init; } = 1;

    // [pci]
    /// <summary>Each <c>device_spec</c> (formerly <c>passthrough_whitelist</c>) value: a JSON object or list, verbatim.</summary>
    public ImmutableArray<string> PciDeviceSpecs { get; init; } = [];
    /// <summary>Each <c>alias</c> value: a JSON object or list, verbatim.</summary>
    public ImmutableArray<string> PciAliases { get; init; } = [];

    // [filter_scheduler]
    /// <summary>Unset: Zed's default list (<see cref="DefaultEnabledFilters"/>).</summary>
    public ImmutableArray<string>? EnabledFilters { get; init; }

    /// <summary>Zed's default <c>[filter_scheduler] enabled_filters</c>.</summary>
    public static readonly ImmutableArray<string> DefaultEnabledFilters =
    [
        "ComputeFilter", "ComputeCapabilitiesFilter", "ImagePropertiesFilter",
        "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter",
    ];

    public ImmutableArray<string> Filters => EnabledFilters ?? DefaultEnabledFilters;

    /// <summary>The CPU mode the libvirt driver writes: the option, else host-model.</summary>
    public string EffectiveCpuMode => CpuMode ?? "host-model";

    /// <summary>The first of <c>cpu_models</c>, used with mode custom.</summary>
    public string? CpuModel => CpuModels.IsDefaultOrEmpty ? null : CpuModels[0];

    /// <summary>New-style configuration: dedicated and shared pools are disjoint by construction.</summary>
    public bool SeparatePools => CpuDedicatedSet is not null;

    /// <summary>
    /// CPUs for floating vCPUs (nova-26-numa-semantics.md §3.1): vcpu_pin_set, else cpu_shared_set,
    /// else none when cpu_dedicated_set is set, else every online CPU.
    /// </summary>
    public CpuSet SharedCpus(CpuSet online) =>
        VcpuPinSet ?? CpuSharedSet ?? (CpuDedicatedSet is not null ? CpuSet.Empty : online);

    /// <summary>
    /// CPUs for pinning: cpu_dedicated_set; unset → the shared CPUs too ("legacy mode"), unless
    /// only cpu_shared_set is configured, which leaves no pinnable CPUs.
    /// </summary>
    public CpuSet DedicatedCpus(CpuSet online) =>
        CpuDedicatedSet is { } dedicated ? dedicated & online
        : CpuSharedSet is not null && VcpuPinSet is null ? CpuSet.Empty
        : SharedCpus(online);

    /// <summary>CPUs in both cpu_dedicated_set and cpu_shared_set (nova-compute refuses to start); null when none.</summary>
    public CpuSet? PoolOverlap =>
        CpuDedicatedSet is { } d && CpuSharedSet is { } s && d.Overlaps(s) ? d & s : null;

    /// <summary>Pages of <paramref name="sizeKiB"/> held back on <paramref name="node"/>.</summary>
    public long ReservedPages(int node, long sizeKiB) =>
        ReservedHugePages.Where(r => r.Node == node && r.SizeKiB == sizeKiB).Sum(r => r.Count);

    public bool Equals(NovaConf? other) =>
        other is not null && CpuDedicatedSet == other.CpuDedicatedSet && CpuSharedSet == other.CpuSharedSet
        && PackHostNumaCells == other.PackHostNumaCells && VcpuPinSet == other.VcpuPinSet
        && ReservedHostMemoryMiB == other.ReservedHostMemoryMiB && ReservedHugePages.SequenceEqual(other.ReservedHugePages)
        && CpuAllocationRatio == other.CpuAllocationRatio && RamAllocationRatio == other.RamAllocationRatio
        && DiskAllocationRatio == other.DiskAllocationRatio && InitialCpuAllocationRatio == other.InitialCpuAllocationRatio
        && InitialRamAllocationRatio == other.InitialRamAllocationRatio && InitialDiskAllocationRatio == other.InitialDiskAllocationRatio
        && VirtType == other.VirtType && CpuMode == other.CpuMode && CpuModels.SequenceEqual(other.CpuModels)
        && RealtimeSchedulerPriority == other.RealtimeSchedulerPriority && PciDeviceSpecs.SequenceEqual(other.PciDeviceSpecs)
        && PciAliases.SequenceEqual(other.PciAliases) && Filters.SequenceEqual(other.Filters);

    public override int GetHashCode() => HashCode.Combine(CpuDedicatedSet, CpuSharedSet, VcpuPinSet, CpuMode, VirtType);
}
