using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Constraints;

public enum PciNumaAffinityPolicy { Required, Legacy, Preferred, Socket }

public enum TraitRequirement { Required, Forbidden }

/// <summary>
/// What <c>numa_get_constraints</c> decided besides the topology itself, for the later stages
/// (fitter, placement, libvirt XML). vCPU sets are guest vCPU ids.
/// </summary>
public sealed record ResolvedConstraints
{
    /// <summary>The effective policy (explicit <c>resources:PCPU</c>/<c>VCPU</c> imply dedicated/shared); null when unset.</summary>
    public CpuPolicy? CpuPolicy { get; init; }
    /// <summary>The effective thread policy, including the one implied by <c>trait:HW_CPU_HYPERTHREADING</c>.</summary>
    public CpuThreadPolicy? ThreadPolicy { get; init; }
    public EmulatorThreadsPolicy? EmulatorThreads { get; init; }
    /// <summary>Realtime vCPUs; null when <c>hw:cpu_realtime</c> is off.</summary>
    public CpuSet? RealtimeCpus { get; init; }
    /// <summary>vCPUs pinned 1:1 to host CPUs (all for dedicated, the mask for mixed, none otherwise).</summary>
    public CpuSet PinnedCpus { get; init; } = CpuSet.Empty;
    /// <summary>vCPUs floating over the host cell's shared CPUs.</summary>
    public CpuSet FloatingCpus { get; init; } = CpuSet.Empty;
    /// <summary>The page size request as Nova stores it on each cell; null when none was requested.</summary>
    public PageSizeRequest? PageSize { get; init; }
    /// <summary><c>hw:locked_memory</c> / <c>hw_locked_memory</c>; null when neither is set.</summary>
    public bool? LockedMemory { get; init; }
    /// <summary>vPMEM labels from <c>hw:pmem</c> (they also make Nova build a NUMA topology).</summary>
    public ImmutableArray<string> PmemLabels { get; init; } = [];
    /// <summary>The guest NUMA topology; null when the request needs none (no NUMA, no pinning, no page size).</summary>
    public RequestedTopology? Topology { get; init; }
}

/// <summary>
/// The outcome of <see cref="NumaConstraints.Get"/>: either Nova's refusal (<see cref="Error"/>,
/// named by its exception class) or the resolved constraints, whose topology may be null.
/// </summary>
public sealed record ConstraintsResult
{
    public NovaError? Error { get; private init; }
    public ResolvedConstraints? Constraints { get; private init; }

    public bool IsError => Error is not null;
    public RequestedTopology? Topology => Constraints?.Topology;

    public static ConstraintsResult Refused(NovaError error) => new() { Error = error };
    public static ConstraintsResult Resolved(ResolvedConstraints constraints) => new() { Constraints = constraints };

    public override string ToString() => Error?.ToString() ?? $"topology: {(Topology is null ? "none" : $"{Topology.Cells.Length} cell(s)")}";
}

/// <summary>
/// The unsuffixed placement request Nova's scheduler derives for CPU and memory
/// (<c>ResourceRequest.from_request_spec</c>): VCPU, PCPU and MEMORY_MB amounts (zeros dropped
/// by Nova) and required/forbidden traits.
/// </summary>
public sealed record PlacementRequest(long Vcpu, long Pcpu, long MemoryMiB, ImmutableSortedDictionary<string, TraitRequirement> Traits)
{
    public TraitRequirement? Trait(string name) => Traits.TryGetValue(name, out var r) ? r : null;
}
