using Smog.Libvirt.Facts;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// vCPU placement: each pinned vCPU on exactly one pCPU of the dedicated pool inside the host cell
/// its guest cell's memory is bound to; floating vCPUs on that cell's shared pool; no pCPU shared
/// with another guest's pinned vCPUs (nova-26-numa-semantics.md §3.1, §6.1, §8).
/// </summary>
internal static class PinningRules
{
    public static IEnumerable<Finding> Check(VerificationContext c) =>
        c.Requested is null ? NoNumaPlacement(c) : NumaPlacement(c).Concat(Neighbours(c));

    private static IEnumerable<Finding> NumaPlacement(VerificationContext c)
    {
        var d = c.Domain;
        var used = new Dictionary<int, int>();
        for (var vcpu = 0; vcpu < d.Vcpu.Count; vcpu++)
        {
            if (!d.VcpuPins.TryGetValue(vcpu, out var pin))
            {
                yield return new(RuleIds.PinMissing, Severity.Error, $"vCPU {vcpu} has no vcpupin: it may run anywhere on the host",
                    "a vcpupin", "absent", new Evidence("/domain/cputune", ""));
                continue;
            }
            var hostCell = c.HostCellOfVcpu(vcpu);
            var cellCpus = hostCell is { } h ? c.Host.CpusOfCell(h) : null;
            if (c.PinnedVcpus.Contains(vcpu))
            {
                if (pin.Cpus.Count != 1)
                {
                    yield return new(RuleIds.PinSingle, Severity.Error, $"dedicated vCPU {vcpu} is not pinned to exactly one pCPU",
                        "one pCPU", pin.Cpus.ToString(), pin.Evidence);
                    continue;
                }
                var pcpu = pin.Cpus.Min;
                if (cellCpus is not null && !cellCpus.Contains(pcpu))
                    yield return new(RuleIds.PinCell, Severity.Error,
                        $"vCPU {vcpu} runs on pCPU {pcpu}, outside host cell {hostCell} where its guest cell's memory is bound",
                        $"a pCPU of {cellCpus}", $"{pcpu}", pin.Evidence);
                if (!c.DedicatedCpus.Contains(pcpu))
                    yield return new(RuleIds.PinDedicatedSet, Severity.Error, $"vCPU {vcpu} is pinned to pCPU {pcpu}, outside the dedicated CPU pool",
                        c.DedicatedCpus.ToString(), $"{pcpu}", pin.Evidence);
                if (used.TryGetValue(pcpu, out var first))
                    yield return new(RuleIds.PinOverlap, Severity.Error, $"vCPUs {first} and {vcpu} share pCPU {pcpu}",
                        "distinct pCPUs", $"{pcpu}", pin.Evidence);
                used.TryAdd(pcpu, vcpu);
            }
            else
            {
                var pool = cellCpus is null ? c.SharedCpus : cellCpus & c.SharedCpus;
                if (pin.Cpus.IsEmpty || !pin.Cpus.IsSubsetOf(pool))
                    yield return new(RuleIds.PinFloating, Severity.Error,
                        $"floating vCPU {vcpu} may run outside the shared CPUs of host cell {hostCell?.ToString() ?? "?"}",
                        pool.ToString(), pin.Cpus.ToString(), pin.Evidence);
            }
        }
    }

    // Without a NUMA topology Nova writes <vcpu cpuset> = the shared pool when one is configured.
    private static IEnumerable<Finding> NoNumaPlacement(VerificationContext c)
    {
        var d = c.Domain;
        var configured = c.Input.Config.VcpuPinSet ?? c.Input.Config.CpuSharedSet;
        if (configured is not null && (d.Vcpu.CpuSet is null || !d.Vcpu.CpuSet.IsSubsetOf(configured)))
            yield return new(RuleIds.PinFloating, Severity.Error, "the vCPUs may run outside the configured shared CPUs",
                configured.ToString(), d.Vcpu.CpuSet?.ToString() ?? "anywhere", d.Vcpu.Evidence);
        foreach (var f in Neighbours(c)) yield return f;
    }

    /// <summary>Conflicts with other guests: pCPU reuse and floating vCPUs over pinned pCPUs.</summary>
    private static IEnumerable<Finding> Neighbours(VerificationContext c)
    {
        var d = c.Domain;
        var own = c.OwnPinnedPcpus;
        var ownFloating = c.FloatingCpusOf(d) - own;
        // In legacy mode (no cpu_dedicated_set) Nova itself lets floating guests run on pinned pCPUs.
        var floatingSeverity = c.SeparatePools ? Severity.Error : Severity.Warning;
        foreach (var other in c.Input.Others)
        {
            var theirs = c.NeighbourPcpus(other);
            var name = c.GuestName(other);
            foreach (var vcpu in c.PinnedVcpus.Where(v => d.VcpuPins.TryGetValue(v, out var p) && p.Cpus.Count == 1 && theirs.Contains(p.Cpus.Min)))
            {
                var pin = d.VcpuPins[vcpu];
                yield return new(RuleIds.PinOverlap, Severity.Error, $"vCPU {vcpu} is pinned to pCPU {pin.Cpus.Min}, which {name} also pins",
                    $"a pCPU not in {theirs}", pin.Cpus.ToString(), pin.Evidence);
            }
            if (ownFloating.Overlaps(theirs))
                yield return new(RuleIds.PinSharedWithFloating, floatingSeverity, $"floating vCPUs may run on pCPUs that {name} pins",
                    $"no CPU of {theirs}", (ownFloating & theirs).ToString(), FloatingEvidence(d));
            var theirFloating = c.FloatingCpusOf(other) - theirs;
            if (own.Overlaps(theirFloating))
                yield return new(RuleIds.PinSharedWithFloating, floatingSeverity, $"pinned pCPUs are also used by floating vCPUs of {name}",
                    $"no CPU of {theirFloating}", (own & theirFloating).ToString(), new Evidence("/domain/cputune", ""));
        }
    }

    private static Evidence FloatingEvidence(DomainFacts d) =>
        d.VcpuPins.Values.FirstOrDefault(p => p.Cpus.Count > 1)?.Evidence ?? d.Vcpu.Evidence;
}
