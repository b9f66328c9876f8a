using Smog.Libvirt.Facts;

namespace Smog.Libvirt.Verification;

/// <summary>
/// Guest CPU topology (nova-26-numa-semantics.md §5): sockets×dies×cores×threads = vCPUs, within the flavor/image
/// maxima, equal to get_best_cpu_topology's choice; and the realtime scheduler (nova-26-numa-semantics.md §6.1).
/// </summary>
internal static class CpuTopologyRules
{
    public static IEnumerable<Finding> Check(VerificationContext c) => Topology(c).Concat(Realtime(c));

    private static IEnumerable<Finding> Topology(VerificationContext c)
    {
        if (c.Domain.CpuTopology is not { } t) yield break;
        var vcpus = c.Domain.Vcpu.Count;
        if (t.Vcpus != vcpus)
            yield return new(RuleIds.TopologyProduct, Severity.Error, "sockets×dies×cores×threads is not the vCPU count",
                $"{vcpus}", $"{t.Sockets}×{t.Dies}×{t.Cores}×{t.Threads} = {t.Vcpus}", t.Evidence);
        if (c.CpuTopology.Maximum is { } max && (t.Sockets > max.Sockets || t.Cores > max.Cores || t.Threads > max.Threads))
            yield return new(RuleIds.TopologyLimits, Severity.Error, "the guest CPU topology exceeds the flavor/image maxima",
                $"≤ {max.Sockets} sockets, {max.Cores} cores, {max.Threads} threads", $"{t.Sockets},{t.Cores},{t.Threads}", t.Evidence);
        if (c.CpuTopology.Chosen is { } chosen && (chosen.Sockets, chosen.Cores, chosen.Threads, 1) != (t.Sockets, t.Cores, t.Threads, t.Dies))
            yield return new(RuleIds.TopologyChoice, Severity.Error, "the guest CPU topology is not the one Nova chooses",
                $"sockets={chosen.Sockets} cores={chosen.Cores} threads={chosen.Threads}",
                $"sockets={t.Sockets} cores={t.Cores} threads={t.Threads}" + (t.Dies != 1 ? $" dies={t.Dies}" : ""), t.Evidence);
    }

    private static IEnumerable<Finding> Realtime(VerificationContext c)
    {
        if (c.Realtime.IsEmpty) yield break;
        var scheds = c.Domain.VcpuScheds;
        var covered = scheds.Where(s => s.Scheduler is "fifo" or "rr").Aggregate(Smog.Topology.CpuSet.Empty, (acc, s) => acc | s.Vcpus);
        if (covered != c.Realtime)
            yield return new(RuleIds.Realtime, Severity.Error, "the realtime vCPUs do not all run under a realtime scheduler",
                $"fifo for vCPUs {c.Realtime}", covered.IsEmpty ? "none" : covered.ToString(),
                scheds.FirstOrDefault()?.Evidence ?? new Evidence("/domain/cputune", ""));
    }
}
