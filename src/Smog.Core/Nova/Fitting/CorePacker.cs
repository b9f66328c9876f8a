using System.Collections.Immutable;
using Smog.Nova.Host;
using Smog.Nova.Python;
using Smog.Topology;

namespace Smog.Nova.Fitting;

/// <summary>Where a guest cell's pinned vCPUs go on one host cell, plus the emulator pCPU(s).</summary>
public sealed record CorePacking(ImmutableSortedDictionary<int, int> Pinning, CpuSet Reserved);

/// <summary>
/// Chooses pCPUs for a guest cell's pinned vCPUs on one host cell (Nova's
/// <c>_pack_instance_onto_cores</c>, nova-26-numa-semantics.md §4.4). Free sibling sets are walked in the host's
/// list order and threads in set order; nothing is sorted except the guest vCPUs.
/// </summary>
internal static class CorePacker
{
    public static CorePacking? Pack(HostCellView view, CpuSet pinnedVcpus, CpuThreadPolicy? policy, int reserved)
    {
        var host = view.Cell;
        var threadsPerCore = host.ThreadsPerCore;
        var free = view.FreeSiblings;
        // bucket(t): the free sibling sets with at least t free threads, in list order.
        List<List<int>> Bucket(int t) => free.Where(s => s.Count >= t).ToList();
        var maxFree = free.Count == 0 ? 0 : free.Max(s => s.Count);

        if (policy == CpuThreadPolicy.Isolate)
        {
            if (maxFree < threadsPerCore) return null; // no completely free core
            // Nova only emulates non-SMT for legacy hosts (pcpuset == cpuset); bug #1889633.
            if (threadsPerCore != 1 && host.Pcpuset != host.Cpuset) return null;
            var pinning = Assign(1, Bucket(threadsPerCore), pinnedVcpus);
            var isolated = Reserve(Bucket(1), pinning, reserved, wholeCores: true);
            return Succeeded(pinning, isolated, reserved);
        }

        if (policy == CpuThreadPolicy.Require && threadsPerCore <= 1) return null;

        List<(int Vcpu, int Pcpu)>? last = null;
        CpuSet? lastReserved = null;
        for (var t = maxFree; t >= 1; t--)
        {
            if (policy == CpuThreadPolicy.Require && t <= 1) continue;
            last = Assign(t, Bucket(t), pinnedVcpus);
            lastReserved = Reserve(Bucket(1), last, reserved, wholeCores: false);
            if (Succeeded(last, lastReserved, reserved) is { } found) return found;
        }
        // prefer/unset fall back to every free thread, one per "core", only when the last
        // attempt produced no pinning at all (a failed reservation does not fall back).
        if (policy != CpuThreadPolicy.Require && (last is null || last.Count == 0))
        {
            var singles = Bucket(1).SelectMany(s => s).Select(x => new List<int> { x }).ToList();
            last = Assign(1, singles, pinnedVcpus);
            lastReserved = Reserve(singles, last, reserved, wholeCores: false);
        }
        return Succeeded(last, lastReserved, reserved);
    }

    private static CorePacking? Succeeded(List<(int Vcpu, int Pcpu)>? pinning, CpuSet? reservedCpus, int reserved) =>
        pinning is null || pinning.Count == 0 || (reserved > 0 && (reservedCpus is null || reservedCpus.IsEmpty))
            ? null
            : new CorePacking(pinning.ToImmutableSortedDictionary(p => p.Vcpu, p => p.Pcpu), reservedCpus ?? CpuSet.Empty);

    /// <summary>
    /// The first <paramref name="threads"/> threads of each set, concatenated and zipped with the
    /// ascending vCPUs; null when the sets cannot hold them all. An empty vCPU set yields an
    /// empty pinning, which callers treat as failure (the mixed-cell quirk).
    /// </summary>
    private static List<(int Vcpu, int Pcpu)>? Assign(int threads, List<List<int>> sets, CpuSet vcpus)
    {
        if (threads * sets.Count < vcpus.Count) return null;
        return vcpus.Zip(sets.SelectMany(s => s.Take(threads))).ToList();
    }

    /// <summary>
    /// The first <paramref name="count"/> threads left in <paramref name="sets"/> after removing
    /// the pinned ones (whole cores under isolate).
    /// </summary>
    private static CpuSet? Reserve(List<List<int>> sets, List<(int Vcpu, int Pcpu)>? pinning, int count, bool wholeCores)
    {
        if (pinning is null || pinning.Count == 0 || count == 0) return null;
        var used = pinning.Select(p => p.Pcpu).ToHashSet();
        var left = wholeCores
            ? sets.Where(s => !s.Any(used.Contains)).SelectMany(s => s)
            : sets.SelectMany(s => s.Where(x => !used.Contains(x)));
        return CpuSet.Of(left.Take(count));
    }

    /// <summary>
    /// Nova's <c>free_siblings</c>: each sibling set intersected with the free pCPUs. Python builds
    /// the intersection by iterating the smaller operand, so the thread order is a fresh set's order.
    /// </summary>
    internal static List<List<int>> FreeSiblings(NovaHostCell host, CpuSet free, ThreadOrder order)
    {
        // free_pcpus = pcpuset - pinned_cpus, walked when it is no larger than a sibling set (rare).
        IReadOnlyList<int>? freeOrder = null;
        IReadOnlyList<int> FreeOrder() => freeOrder ??= host.Layout is { } layout && CpuSet.Of(layout.PinnedCpus.InOrder()) == host.PinnedCpus
                && CpuSet.Of(layout.Pcpuset.InOrder()) == host.Pcpuset
            ? PySet<int>.Difference(layout.Pcpuset, layout.PinnedCpus).InOrder().ToList()
            : PySet.IntOrder(free);
        var result = new List<List<int>>(host.Siblings.Length);
        foreach (var sib in host.Siblings)
        {
            IEnumerable<int> walk = order == ThreadOrder.Listed || free.Count > sib.Length
                ? sib.Where(free.Contains) : FreeOrder().Where(sib.Contains);
            var threads = walk.ToList();
            if (threads.Count == 0) continue;
            result.Add(order == ThreadOrder.CPython && threads.Count > 1 ? [.. PySet.IntOrder(threads)] : threads);
        }
        return result;
    }
}
