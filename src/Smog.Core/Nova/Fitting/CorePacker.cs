using System.Collections.Immutable;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Fitting;

/// <summary>
/// Where a guest cell's pinned vCPUs go on one host cell: the i-th vCPU (ascending) on
/// <c>pcpus[i]</c>, plus the emulator pCPU(s). The search keeps only the last packing per guest
/// cell, so the pinning map is built once, for the answer.
/// </summary>
internal sealed class CorePacking(CpuSet vcpus, int[] pcpus, CpuSet reserved)
{
    public CpuSet Reserved => reserved;

    public ImmutableSortedDictionary<int, int> Pinning()
    {
        var map = ImmutableSortedDictionary.CreateBuilder<int, int>();
        var i = 0;
        foreach (var vcpu in vcpus.Ids) map.Add(vcpu, pcpus[i++]);
        return map.ToImmutable();
    }
}

/// <summary>
/// Chooses pCPUs for a guest cell's pinned vCPUs on one host cell (Nova's
/// <c>_pack_instance_onto_cores</c>, nova-26-numa-semantics.md §4.4). Free sibling sets are walked in the host's
/// list order and threads in set order; nothing is sorted except the guest vCPUs.
/// </summary>
internal static class CorePacker
{
    public static CorePacking? Pack(HostCellFacts host, ThreadOrder order, CpuSet pinnedVcpus, CpuThreadPolicy? policy, int reserved)
    {
        var threadsPerCore = host.ThreadsPerCore;
        var free = host.FreeSiblings(order);
        var maxFree = free.MaxThreads;
        var vcpus = pinnedVcpus.Count;

        if (policy == CpuThreadPolicy.Isolate)
        {
            if (maxFree < threadsPerCore) return null; // no completely free core
            // Nova only emulates non-SMT for legacy hosts (pcpuset == cpuset); bug #1889633.
            if (threadsPerCore != 1 && !host.LegacySets) return null;
            var pinning = Assign(free, fullerThan: threadsPerCore, threads: 1, vcpus);
            return Succeeded(pinnedVcpus, pinning, Reserve(free, pinning, reserved, wholeCores: true), reserved);
        }

        if (policy == CpuThreadPolicy.Require && threadsPerCore <= 1) return null;

        int[]? last = null;
        CpuSet? lastReserved = null;
        for (var t = maxFree; t >= 1; t--)
        {
            if (policy == CpuThreadPolicy.Require && t <= 1) continue;
            last = Assign(free, fullerThan: t, threads: t, vcpus);
            lastReserved = Reserve(free, last, reserved, wholeCores: false);
            if (Succeeded(pinnedVcpus, last, lastReserved, reserved) is { } found) return found;
        }
        // prefer/unset fall back to every free thread, one per "core", only when the last
        // attempt produced no pinning at all (a failed reservation does not fall back).
        if (policy != CpuThreadPolicy.Require && (last is null || last.Length == 0))
        {
            last = Assign(free, fullerThan: 1, threads: int.MaxValue, vcpus);
            lastReserved = Reserve(free, last, reserved, wholeCores: false);
        }
        return Succeeded(pinnedVcpus, last, lastReserved, reserved);
    }

    private static CorePacking? Succeeded(CpuSet vcpus, int[]? pinning, CpuSet? reservedCpus, int reserved) =>
        pinning is null || pinning.Length == 0 || (reserved > 0 && (reservedCpus is null || reservedCpus.IsEmpty))
            ? null
            : new CorePacking(vcpus, pinning, reservedCpus ?? CpuSet.Empty);

    /// <summary>
    /// Nova's bucket of free sibling sets with at least <paramref name="fullerThan"/> free threads,
    /// first <paramref name="threads"/> threads of each, concatenated and zipped with the ascending
    /// vCPUs: the pCPU of each vCPU, or null when the sets cannot hold them all. An empty vCPU set
    /// yields an empty pinning, which callers treat as failure (the mixed-cell quirk).
    /// </summary>
    private static int[]? Assign(FreeCores free, int fullerThan, int threads, int vcpus)
    {
        if (free.Room(fullerThan, threads) < vcpus) return null;
        var pcpus = new int[vcpus];
        var n = 0;
        for (var s = 0; s < free.Count && n < vcpus; s++)
        {
            var set = free.Set(s);
            if (set.Length < fullerThan) continue;
            for (var i = 0; i < set.Length && i < threads && n < vcpus; i++) pcpus[n++] = set[i];
        }
        return pcpus;
    }

    /// <summary>
    /// The first <paramref name="count"/> free threads left after removing the pinned ones
    /// (whole cores under isolate).
    /// </summary>
    private static CpuSet? Reserve(FreeCores free, int[]? pinning, int count, bool wholeCores)
    {
        if (pinning is null || pinning.Length == 0 || count == 0) return null;
        var taken = new List<int>(count);
        for (var s = 0; s < free.Count && taken.Count < count; s++)
        {
            var set = free.Set(s);
            if (wholeCores && set.IndexOfAny(pinning) >= 0) continue;
            foreach (var cpu in set)
                if (taken.Count < count && Array.IndexOf(pinning, cpu) < 0) taken.Add(cpu);
        }
        return CpuSet.Of(taken);
    }
}
