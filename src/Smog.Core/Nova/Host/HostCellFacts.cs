using System.Runtime.InteropServices;
using Smog.Nova.Python;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>
/// What the fitter reads from one host cell, derived once per cell: a cell never changes (a claim
/// makes a new one), while the scheduler fits many requests against it. Built by
/// <see cref="NovaHostCell.Facts"/>.
/// </summary>
internal sealed class HostCellFacts
{
    private FreeCores? _cpythonCores, _listedCores;

    public HostCellFacts(NovaHostCell cell)
    {
        Cell = cell;
        FreePcpus = cell.Pcpuset - cell.PinnedCpus;
        (PcpuCount, CpuCount, FreePcpuCount) = (cell.Pcpuset.Count, cell.Cpuset.Count, FreePcpus.Count);
        foreach (var group in cell.Siblings)
            ThreadsPerCore = Math.Max(ThreadsPerCore, group.Length);
        HasThreads = ThreadsPerCore > 1;
        ThreadsPerCore = Math.Max(1, ThreadsPerCore);
        LegacySets = cell.Pcpuset == cell.Cpuset;
        PageSizesDescending = [.. cell.Mempages.Select(p => p.SizeKiB).OrderDescending()];
        SmallestPages = cell.Mempages.IsEmpty ? null : PagesOfSize(PageSizesDescending[^1]);
    }

    /// <summary>The cell these facts were derived from (a <c>with</c> copy of it gets its own).</summary>
    public NovaHostCell Cell { get; }
    public CpuSet FreePcpus { get; }
    // The set sizes the cell checks compare, kept here so that a check reads one object, not three sets.
    public int PcpuCount { get; }
    public int CpuCount { get; }
    public int FreePcpuCount { get; }
    /// <summary>Largest sibling group, at least 1 (Nova: <c>max(map(len, siblings)) or 1</c>).</summary>
    public int ThreadsPerCore { get; }
    public bool HasThreads { get; }
    /// <summary>pcpuset == cpuset: the legacy configuration, the only one where isolate emulates non-SMT.</summary>
    public bool LegacySets { get; }
    public long[] PageSizesDescending { get; }
    /// <summary>The pool of the smallest page size; null without page information.</summary>
    public MemPages? SmallestPages { get; }

    public MemPages? PagesOfSize(long sizeKiB)
    {
        foreach (var pages in Cell.Mempages)
            if (pages.SizeKiB == sizeKiB) return pages;
        return null;
    }

    /// <summary>
    /// Nova's <c>free_siblings</c>: each sibling set intersected with the free pCPUs, empty ones
    /// dropped, in list order with threads in the order Nova walks them.
    /// </summary>
    public FreeCores FreeSiblings(ThreadOrder order) => order == ThreadOrder.CPython
        ? _cpythonCores ??= new FreeCores(ComputeFreeSiblings(order))
        : _listedCores ??= new FreeCores(ComputeFreeSiblings(order));

    /// <summary>
    /// Python builds an intersection by iterating the smaller operand, so the thread order is
    /// a fresh set's order; the free pCPUs (<c>pcpuset - pinned_cpus</c>) are walked only when no
    /// larger than the sibling set (rare).
    /// </summary>
    private List<int[]> ComputeFreeSiblings(ThreadOrder order)
    {
        var free = FreePcpus;
        IReadOnlyList<int>? freeOrder = null;
        IReadOnlyList<int> FreeOrder() => freeOrder ??= Cell.Layout is { } layout && CpuSet.Of(layout.PinnedCpus.InOrder()) == Cell.PinnedCpus
                && CpuSet.Of(layout.Pcpuset.InOrder()) == Cell.Pcpuset
            ? PySet<int>.Difference(layout.Pcpuset, layout.PinnedCpus).InOrder().ToList()
            : PySet.IntOrder(free);
        var result = new List<int[]>(Cell.Siblings.Length);
        var threads = new List<int>();
        foreach (var sib in Cell.Siblings)
        {
            threads.Clear();
            if (order == ThreadOrder.Listed || free.Count > sib.Length)
            {
                foreach (var cpu in sib)
                    if (free.Contains(cpu)) threads.Add(cpu);
            }
            else
            {
                foreach (var cpu in FreeOrder())
                    if (sib.Contains(cpu)) threads.Add(cpu);
            }
            if (threads.Count == 0) continue;
            result.Add(order == ThreadOrder.CPython && threads.Count > 1 ? PySet.IntOrder(CollectionsMarshal.AsSpan(threads)) : [.. threads]);
        }
        return result;
    }
}
