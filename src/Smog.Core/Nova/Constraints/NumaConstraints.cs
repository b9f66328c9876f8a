using System.Collections.Immutable;
using Smog.Nova.Python;
using Smog.Nova.Specs;
using Smog.Topology;

namespace Smog.Nova.Constraints;

/// <summary>
/// Nova 26's <c>numa_get_constraints</c>: turns a flavor and image into the requested guest NUMA
/// topology, or the refusal nova-api answers at server create (HTTP 400/403).
/// </summary>
/// <remarks>
/// Rules are checked in Nova's order (nova-26-numa-semantics.md §1.4) and the first failure wins:
/// 1. CPU policy, thread policy, realtime mask, dedicated mask, emulator threads policy;
/// 2. explicit <c>resources:VCPU/PCPU</c> and <c>trait:HW_CPU_HYPERTHREADING</c> against the policies;
/// 3. policy sanity (thread/emulator/mask/realtime need dedicated or mixed);
/// 4. node count, page size, vPMEM labels, locked memory;
/// 5. a topology only when nodes, a page size, vPMEM or a dedicated/mixed policy ask for one:
///    automatic even split, or the manual per-node lists.
/// </remarks>
public static class NumaConstraints
{
    public static ConstraintsResult Get(Flavor flavor, ImageProperties image)
    {
        var (meta, imageError) = NovaImageMeta.From(image);
        if (meta is null) return ConstraintsResult.Refused(imageError!);
        try
        {
            return ConstraintsResult.Resolved(Resolve(flavor, meta));
        }
        catch (ConstraintViolation violation)
        {
            return ConstraintsResult.Refused(violation.Error);
        }
    }

    private static ResolvedConstraints Resolve(Flavor flavor, NovaImageMeta image)
    {
        // 1. Policies and masks, each validated on its own.
        var policy = CpuPolicyRules.Policy(flavor, image);
        var threadPolicy = CpuPolicyRules.ThreadPolicy(flavor, image);
        var realtime = CpuPolicyRules.RealtimeCpus(flavor, image);
        var dedicated = CpuPolicyRules.DedicatedCpus(flavor);
        var emulator = CpuPolicyRules.EmulatorThreads(flavor);

        // 2. Explicit placement requests.
        (policy, threadPolicy) = ReconcileExplicitRequests(flavor, image, policy, threadPolicy, emulator);

        // 3. Sanity of the combination.
        dedicated = CheckPolicyCombination(policy, threadPolicy, emulator, dedicated, realtime);

        // 4. Memory and node count.
        var nodes = NumaLayout.NodeCount(flavor, image);
        var pageSize = MemoryRules.PageSize(flavor, image);
        var pmem = PmemLabels(flavor);
        var locked = MemoryRules.LockedMemory(flavor, image);

        var all = CpuSet.Range(0, flavor.Vcpus - 1);
        var pinned = policy == CpuPolicy.Dedicated ? all : dedicated ?? CpuSet.Empty;
        var floating = all - pinned;

        // 5. The topology, only when something asks for one.
        var wanted = nodes is not null || pageSize is { IsRequested: true } || !pmem.IsEmpty
                     || policy is CpuPolicy.Dedicated or CpuPolicy.Mixed;
        var topology = wanted ? BuildTopology(flavor, image, nodes ?? 1, floating, pinned, pageSize, policy, threadPolicy, emulator) : null;

        return new ResolvedConstraints
        {
            CpuPolicy = policy,
            ThreadPolicy = threadPolicy,
            EmulatorThreads = emulator,
            RealtimeCpus = realtime,
            PinnedCpus = pinned,
            FloatingCpus = floating,
            PageSize = pageSize?.Request,
            LockedMemory = locked,
            PmemLabels = pmem,
            Topology = topology,
        };
    }

    private static (CpuPolicy?, CpuThreadPolicy?) ReconcileExplicitRequests(Flavor flavor, NovaImageMeta image,
        CpuPolicy? policy, CpuThreadPolicy? threadPolicy, EmulatorThreadsPolicy? emulator)
    {
        var (vcpu, pcpu) = ResourceRules.RequestedCpus(flavor);
        if (policy is not null && (vcpu != 0 || pcpu != 0))
            throw InvalidRequest("resources:VCPU / resources:PCPU cannot be combined with hw:cpu_policy or hw_cpu_policy; use one or the other");
        if (vcpu != 0 && pcpu != 0)
            throw InvalidRequest("resources:VCPU and resources:PCPU cannot both be requested; use one or the other");
        if (pcpu != 0)
        {
            var expected = flavor.Vcpus + (emulator == EmulatorThreadsPolicy.Isolate ? 1 : 0);
            if (pcpu != expected)
                throw InvalidRequest(emulator == EmulatorThreadsPolicy.Isolate
                    ? $"hw:emulator_threads_policy=isolate needs exactly flavor vCPUs + 1 = {expected} PCPUs, not {pcpu}"
                    : $"resources:PCPU={pcpu} must equal the flavor's {flavor.Vcpus} vCPUs");
            policy = CpuPolicy.Dedicated;
        }
        if (vcpu != 0) policy = CpuPolicy.Shared;

        var trait = ResourceRules.HyperthreadingRequirement(flavor, image);
        if (threadPolicy is not null && PythonSyntax.Truthy(trait))
            throw InvalidRequest("trait:HW_CPU_HYPERTHREADING cannot be combined with hw:cpu_thread_policy or hw_cpu_thread_policy; use one or the other");
        return trait switch
        {
            "forbidden" => (policy, CpuThreadPolicy.Isolate),
            "required" => (policy, CpuThreadPolicy.Require),
            _ => (policy, threadPolicy),
        };
    }

    /// <summary>Returns the pinned-vCPU mask for mixed (the dedicated mask, else the realtime set).</summary>
    private static CpuSet? CheckPolicyCombination(CpuPolicy? policy, CpuThreadPolicy? threadPolicy,
        EmulatorThreadsPolicy? emulator, CpuSet? dedicated, CpuSet? realtime)
    {
        switch (policy)
        {
            case null or CpuPolicy.Shared:
                if (threadPolicy is not null)
                    throw new ConstraintViolation("CPUThreadPolicyConfigurationInvalid", "A CPU thread policy needs hw:cpu_policy=dedicated (or mixed)");
                if (emulator == EmulatorThreadsPolicy.Isolate)
                    throw new ConstraintViolation("BadRequirementEmulatorThreadsPolicy", "hw:emulator_threads_policy=isolate needs hw:cpu_policy=dedicated (or mixed)");
                if (dedicated is not null) throw RequiredMixed();
                if (realtime is not null)
                    throw new ConstraintViolation("RealtimeConfigurationInvalid", "hw:cpu_realtime needs hw:cpu_policy=dedicated (or mixed)");
                return dedicated;
            case CpuPolicy.Dedicated:
                if (dedicated is not null) throw RequiredMixed();
                return dedicated;
            default:
                if ((realtime is not null) == (dedicated is not null))
                    throw new ConstraintViolation("RequiredMixedOrRealtimeCPUMask",
                        "hw:cpu_policy=mixed needs exactly one of hw:cpu_dedicated_mask or a realtime mask (hw:cpu_realtime_mask / hw_cpu_realtime_mask)");
                return dedicated ?? realtime;
        }
    }

    private static RequestedTopology BuildTopology(Flavor flavor, NovaImageMeta image, long nodes, CpuSet floating, CpuSet pinned,
        ParsedPageSize? pageSize, CpuPolicy? policy, CpuThreadPolicy? threadPolicy, EmulatorThreadsPolicy? emulator)
    {
        var cpuLists = NumaLayout.CpuLists(flavor, image);
        var memLists = NumaLayout.MemLists(flavor, image);
        var cells = (cpuLists, memLists) switch
        {
            (null, null) => NumaLayout.Auto(nodes, flavor, floating, pinned),
            ({ } cpus, { } mems) when cpus.Length == nodes && mems.Length == nodes =>
                NumaLayout.Manual(nodes, flavor, floating, pinned, cpus, mems),
            _ => throw new ConstraintViolation("ImageNUMATopologyIncomplete",
                "hw:numa_cpus.N and hw:numa_mem.N must both be given for every NUMA node"),
        };
        // Nova stores page size and policies on every cell, the emulator policy once.
        var perCell = cells.Select(c => c with { PageSize = pageSize?.Request, CpuPolicy = policy, ThreadPolicy = threadPolicy });
        return new RequestedTopology([.. perCell], emulator);
    }

    /// <summary>Mirrors <c>get_vpmems</c>: comma-separated, trimmed, non-empty labels of <c>hw:pmem</c>.</summary>
    private static ImmutableArray<string> PmemLabels(Flavor flavor) =>
        flavor.Spec("hw:pmem") is { Length: > 0 } labels
            ? [.. labels.Split(',').Select(l => l.Trim()).Where(l => l.Length > 0)]
            : [];

    private static ConstraintViolation RequiredMixed() =>
        new("RequiredMixedInstancePolicy", "hw:cpu_dedicated_mask needs hw:cpu_policy=mixed");

    private static ConstraintViolation InvalidRequest(string message) => new("InvalidRequest", message);
}
