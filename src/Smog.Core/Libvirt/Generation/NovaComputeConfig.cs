using Smog.Nova.Host;
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

    /// <summary>The CPU-set options as the Nova host model reads them (one rule for both uses).</summary>
    public ComputeCpuConfig CpuSets => new() { CpuDedicatedSet = CpuDedicatedSet, CpuSharedSet = CpuSharedSet, VcpuPinSet = VcpuPinSet };

    /// <summary>The CPUs floating vCPUs may use (nova-26-numa-semantics.md §3.1); see <see cref="ComputeCpuConfig.SharedCpus"/>.</summary>
    public CpuSet SharedCpus(CpuSet online) => CpuSets.SharedCpus(online);

    /// <summary>The CPUs pinned vCPUs may use; see <see cref="ComputeCpuConfig.DedicatedCpus"/>.</summary>
    public CpuSet DedicatedCpus(CpuSet online) => CpuSets.DedicatedCpus(online);
}
