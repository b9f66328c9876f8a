using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// SMT thread policies for pinned vCPUs (nova-26-numa-semantics.md §4.4): <c>require</c> fills sibling threads,
/// <c>isolate</c> keeps every sibling of a pinned pCPU unused by anyone, <c>prefer</c> fills
/// whole free cores first when there are enough of them.
/// </summary>
internal static class ThreadPolicyRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        if (c.Requested is null || c.PinnedVcpus.IsEmpty) return [];
        return c.Requested.Cells[0].ThreadPolicy switch
        {
            CpuThreadPolicy.Require => Require(c),
            CpuThreadPolicy.Isolate => Isolate(c),
            _ => Prefer(c),
        };
    }

    private static IEnumerable<Finding> Require(VerificationContext c)
    {
        if (!c.Host.HasSmt)
        {
            yield return new(RuleIds.ThreadRequire, Severity.Error, "thread policy require on a host without SMT (Nova's filter rejects such hosts)",
                "a host with SMT", "1 thread per core", new Evidence("/domain/cputune", ""));
            yield break;
        }
        foreach (var (cell, pcpus) in PinnedByGuestCell(c))
        {
            var partial = PartialCores(c, pcpus);
            var allowed = pcpus.Count % c.Host.ThreadsPerCore == 0 ? 0 : 1;
            if (partial.Count > allowed)
                yield return new(RuleIds.ThreadRequire, Severity.Error,
                    $"guest cell {cell.Id}: pinned vCPUs leave sibling threads unfilled on {partial.Count} cores (require fills sibling pairs)",
                    allowed == 0 ? "no partly used core" : "at most 1 partly used core", string.Join(" ", partial.Select(p => p.ToString())), cell.Evidence);
        }
    }

    private static IEnumerable<Finding> Isolate(VerificationContext c)
    {
        var own = c.OwnPinnedPcpus;
        var emulator = c.Domain.EmulatorPin?.Cpus ?? CpuSet.Empty;
        foreach (var vcpu in c.PinnedVcpus)
        {
            if (!c.Domain.VcpuPins.TryGetValue(vcpu, out var pin) || pin.Cpus.Count != 1) continue;
            var pcpu = pin.Cpus.Min;
            var siblings = c.Host.SiblingsOf(pcpu) - CpuSet.Of(pcpu);
            if (siblings.Overlaps(own))
                yield return new(RuleIds.ThreadIsolate, Severity.Error, $"vCPU {vcpu} on pCPU {pcpu} shares its core with another vCPU of this guest",
                    $"no vCPU on {siblings}", (siblings & own).ToString(), pin.Evidence);
            if (c.Requested!.EmulatorThreads == EmulatorThreadsPolicy.Isolate && siblings.Overlaps(emulator))
                yield return new(RuleIds.ThreadIsolate, Severity.Error, $"the emulator threads run on a sibling of pCPU {pcpu} (vCPU {vcpu})",
                    $"no emulator thread on {siblings}", (siblings & emulator).ToString(), c.Domain.EmulatorPin!.Evidence);
            foreach (var other in c.Input.Others)
            {
                var theirs = c.NeighbourPcpus(other);
                if (siblings.Overlaps(theirs))
                    yield return new(RuleIds.ThreadIsolate, Severity.Error,
                        $"vCPU {vcpu} on pCPU {pcpu}: its sibling is pinned by {c.GuestName(other)}",
                        $"{siblings} unused", (siblings & theirs).ToString(), pin.Evidence);
                var floating = c.FloatingCpusOf(other) - theirs;
                if (siblings.Overlaps(floating))
                    yield return new(RuleIds.ThreadIsolate, c.SeparatePools ? Severity.Error : Severity.Warning,
                        $"vCPU {vcpu} on pCPU {pcpu}: floating vCPUs of {c.GuestName(other)} may run on its sibling",
                        $"{siblings} unused", (siblings & floating).ToString(), pin.Evidence);
            }
        }
    }

    // prefer/unset: with enough whole free cores, Nova packs both threads of each core (T=t first).
    private static IEnumerable<Finding> Prefer(VerificationContext c)
    {
        if (!c.Host.HasSmt) yield break;
        var taken = c.Input.Others.Aggregate(CpuSet.Empty, (acc, o) => acc | c.NeighbourPcpus(o));
        foreach (var (cell, pcpus) in PinnedByGuestCell(c))
        {
            if (pcpus.Count < 2 || c.HostCellOf(cell.Id) is not { } hostCell) continue;
            var pool = c.Host.CpusOfCell(hostCell) & c.DedicatedCpus;
            var t = c.Host.ThreadsPerCore;
            var wholeFreeCores = pool.Select(p => c.Host.SiblingsOf(p)).Distinct()
                .Count(core => core.Count == t && core.IsSubsetOf(pool) && !core.Overlaps(taken));
            if (wholeFreeCores * t < pcpus.Count) continue; // Nova falls back to one thread per core
            var partial = PartialCores(c, pcpus);
            var allowed = pcpus.Count % t == 0 ? 0 : 1;
            if (partial.Count > allowed)
                yield return new(RuleIds.ThreadPrefer, Severity.Warning,
                    $"guest cell {cell.Id}: {wholeFreeCores} whole cores were free, yet pinned vCPUs are spread over {partial.Count} partly used cores",
                    allowed == 0 ? "no partly used core" : "at most 1 partly used core", string.Join(" ", partial.Select(p => p.ToString())), cell.Evidence);
        }
    }

    private static IEnumerable<(GuestCellFact Cell, CpuSet Pcpus)> PinnedByGuestCell(VerificationContext c) =>
        c.Domain.GuestCells.Select(cell => (cell, CpuSet.Of((cell.Cpus & c.PinnedVcpus)
            .Select(v => c.Domain.VcpuPins.TryGetValue(v, out var p) && p.Cpus.Count == 1 ? p.Cpus.Min : -1).Where(x => x >= 0))));

    /// <summary>The cores (sibling sets) of which the pCPUs use some threads but not all.</summary>
    private static List<CpuSet> PartialCores(VerificationContext c, CpuSet pcpus) =>
        [.. pcpus.Select(p => c.Host.SiblingsOf(p)).Distinct().Where(core => !core.IsSubsetOf(pcpus))];
}
