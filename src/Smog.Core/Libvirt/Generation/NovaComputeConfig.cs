using Smog.Topology;

namespace Smog.Libvirt.Generation;

/// <summary>
/// The nova.conf options that shape the NUMA part of the domain XML: <c>[compute] cpu_shared_set</c>,
/// <c>cpu_dedicated_set</c>, <c>[DEFAULT] vcpu_pin_set</c>, <c>[libvirt] cpu_mode</c> /
/// <c>cpu_models</c> / <c>realtime_scheduler_priority</c>. Null set = option unset.
/// </summary>
public sealed record NovaComputeConfig
{
    public static readonly NovaComputeConfig Default = new();

    public CpuSet? CpuSharedSet { get; init; }
    public CpuSet? CpuDedicatedSet { get; init; }
    public CpuSet? VcpuPinSet { get; init; }
    /// <summary>host-model (Nova's default for KVM), host-passthrough, custom or none.</summary>
    public string CpuMode { get; init; } = "host-model";
    /// <summary>The first of <c>[libvirt] cpu_models</c>, used with mode custom.</summary>
    public string? CpuModel { get; init; }
    public int RealtimeSchedulerPriority { get; init; } = 1;

    /// <summary>
    /// The CPUs floating vCPUs may use (spec §3.1): vcpu_pin_set, else cpu_shared_set, else none
    /// when cpu_dedicated_set is set, else every online CPU.
    /// </summary>
    public CpuSet SharedCpus(CpuSet online) =>
        VcpuPinSet ?? CpuSharedSet ?? (CpuDedicatedSet is not null ? CpuSet.Empty : online);

    /// <summary>
    /// The CPUs pinned vCPUs may use: cpu_dedicated_set; unset and not (only cpu_shared_set set)
    /// → the shared CPUs too (legacy mode).
    /// </summary>
    public CpuSet DedicatedCpus(CpuSet online) =>
        CpuDedicatedSet ?? (CpuSharedSet is not null && VcpuPinSet is null ? CpuSet.Empty : SharedCpus(online));
}
