using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// &lt;emulatorpin&gt; (Nova's <c>_get_emulatorpin_cpuset</c>, nova-26-numa-semantics.md §6.1): isolate → one reserved
/// pCPU of guest cell 0's host cell, apart from every vCPU pin and every other guest; share with
/// cpu_shared_set → that set; otherwise the union of the non-realtime vCPUs' pins.
/// </summary>
internal static class EmulatorRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        if (c.Requested is null) return [];
        return c.Requested.EmulatorThreads == EmulatorThreadsPolicy.Isolate ? Isolate(c) : Shared(c);
    }

    private static IEnumerable<Finding> Isolate(VerificationContext c)
    {
        var d = c.Domain;
        if (d.EmulatorPin is not { } pin)
        {
            yield return new(RuleIds.EmulatorIsolate, Severity.Error, "emulator threads policy isolate, but no <emulatorpin>",
                "one reserved pCPU", "absent", new Evidence("/domain/cputune", ""));
            yield break;
        }
        if (pin.Cpus.Count != 1)
        {
            yield return new(RuleIds.EmulatorIsolate, Severity.Error, "emulator threads policy isolate reserves exactly one pCPU",
                "one pCPU", pin.Cpus.ToString(), pin.Evidence);
            yield break;
        }
        var pcpu = pin.Cpus.Min;
        var vcpuCpus = d.VcpuPins.Values.Aggregate(CpuSet.Empty, (acc, p) => acc | p.Cpus);
        if (vcpuCpus.Contains(pcpu))
            yield return new(RuleIds.EmulatorIsolate, Severity.Error, $"the emulator pCPU {pcpu} is also used by a vCPU",
                $"a pCPU outside {vcpuCpus}", $"{pcpu}", pin.Evidence);
        if (d.GuestCells.FirstOrDefault() is { } first && c.HostCellOf(first.Id) is { } hostCell && !c.Host.CpusOfCell(hostCell).Contains(pcpu))
            yield return new(RuleIds.EmulatorIsolate, Severity.Error, $"the emulator pCPU {pcpu} is outside host cell {hostCell} of guest cell 0",
                $"a pCPU of {c.Host.CpusOfCell(hostCell)}", $"{pcpu}", pin.Evidence);
        if (!c.DedicatedCpus.Contains(pcpu))
            yield return new(RuleIds.EmulatorIsolate, Severity.Error, $"the emulator pCPU {pcpu} is outside the dedicated CPU pool",
                c.DedicatedCpus.ToString(), $"{pcpu}", pin.Evidence);
        foreach (var other in c.Input.Others)
            if (c.NeighbourPcpus(other).Contains(pcpu))
                yield return new(RuleIds.EmulatorIsolate, Severity.Error, $"the emulator pCPU {pcpu} is pinned by {c.GuestName(other)} too",
                    "a pCPU of its own", $"{pcpu}", pin.Evidence);
    }

    private static IEnumerable<Finding> Shared(VerificationContext c)
    {
        var d = c.Domain;
        var shared = c.Input.Config.CpuSharedSet;
        var expected = c.Requested!.EmulatorThreads == EmulatorThreadsPolicy.Share && shared is { IsEmpty: false }
            ? shared & c.Online
            : d.VcpuPins.Where(p => !c.Realtime.Contains(p.Key)).Aggregate(CpuSet.Empty, (acc, p) => acc | p.Value.Cpus);
        var actual = d.EmulatorPin?.Cpus;
        if (actual != expected)
            yield return new(RuleIds.EmulatorShare, Severity.Error,
                "emulator threads may run on other CPUs than Nova allows (the shared set, or the non-realtime vCPUs' CPUs)",
                expected.ToString(), actual?.ToString() ?? "anywhere", d.EmulatorPin?.Evidence ?? new Evidence("/domain/cputune", ""));
    }
}
