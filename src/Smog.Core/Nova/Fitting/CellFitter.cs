using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>
/// The outcome of trying one guest cell on one host cell. <see cref="ChosenPageSizeKiB"/> is set
/// as soon as the memory check resolved a page size, even when a later CPU check fails: Nova
/// writes it into the guest cell at that point and it sticks (nova-26-numa-semantics.md §4.1 quirk i).
/// <see cref="Packing"/> is set whenever pinning succeeded, even if the shared-CPU limits then fail.
/// </summary>
internal readonly record struct CellVerdict(bool Fits, long? ChosenPageSizeKiB, CorePacking? Packing, CellRefusal? Refusal = null);

/// <summary>Which check of <c>_numa_fit_instance_cell</c> turned a guest cell away, in check order.</summary>
public enum CellRefusal
{
    PageSize,
    SmallPageMemory,
    CellMemory,
    PinnableCpus,
    SharedCpus,
    FreePcpus,
    FreeMemory,
    ThreadPolicy,
    CpuLimit,
    MemoryLimit,
}

/// <summary>Nova's <c>_numa_fit_instance_cell</c>: one guest cell against one host cell (nova-26-numa-semantics.md §4.2).</summary>
internal static class CellFitter
{
    public static CellVerdict Evaluate(HostCellView view, RequestedCell guest, PageSizeRequest? pageSize, int reserved, FitLimits? limits)
    {
        var host = view.Cell;
        long? chosen = null;
        if (pageSize is { IsRequested: true } requested)
        {
            chosen = PageSizeSelector.Select(host, requested, guest.MemoryMiB);
            if (chosen is null) return new(false, null, null, CellRefusal.PageSize);
        }
        else if (!FitsMemoryWithoutPageSize(host, guest.MemoryMiB))
        {
            return new(false, null, null, host.Mempages.IsEmpty ? CellRefusal.CellMemory : CellRefusal.SmallPageMemory);
        }

        var pinned = guest.CpuPolicy is CpuPolicy.Dedicated or CpuPolicy.Mixed;
        var floating = guest.CpuPolicy is null or CpuPolicy.Shared or CpuPolicy.Mixed;
        // An instance may not overcommit against itself on any cell.
        if (pinned && guest.Pcpus.Count + reserved > host.Pcpuset.Count) return new(false, chosen, null, CellRefusal.PinnableCpus);
        if (floating && guest.Cpus.Count > host.Cpuset.Count) return new(false, chosen, null, CellRefusal.SharedCpus);

        CorePacking? packing = null;
        if (pinned)
        {
            if (guest.Pcpus.Count + reserved > view.FreePcpus.Count) return new(false, chosen, null, CellRefusal.FreePcpus);
            if (guest.MemoryMiB > host.AvailMemoryMiB) return new(false, chosen, null, CellRefusal.FreeMemory); // no ratio for pinned guests
            packing = CorePacker.Pack(view, guest.Pcpus, guest.ThreadPolicy, reserved);
            if (packing is null) return new(false, chosen, null, CellRefusal.ThreadPolicy);
        }

        if (floating && limits is not null)
        {
            if (host.CpuUsage + guest.Cpus.Count > host.Cpuset.Count * limits.CpuAllocationRatio) return new(false, chosen, packing, CellRefusal.CpuLimit);
            if (host.MemoryUsageMiB + guest.MemoryMiB > host.MemoryMiB * limits.RamAllocationRatio) return new(false, chosen, packing, CellRefusal.MemoryLimit);
        }
        return new(true, chosen, packing);
    }

    /// <summary>
    /// No page size requested: with page info, the smallest size's <em>total</em> (overcommit
    /// allowed) must hold the memory in whole pages; without, the cell memory must.
    /// </summary>
    private static bool FitsMemoryWithoutPageSize(NovaHostCell host, long memoryMiB)
    {
        if (host.SmallestPageKiB is not { } smallest) return memoryMiB <= host.MemoryMiB;
        var pages = host.PagesOfSize(smallest)!;
        var kib = memoryMiB * 1024;
        return kib <= pages.TotalKiB && kib % pages.SizeKiB == 0;
    }
}

/// <summary>Page-size choice on one host cell (Nova's <c>_numa_cell_supports_pagesize_request</c>, nova-26-numa-semantics.md §4.3).</summary>
internal static class PageSizeSelector
{
    /// <summary>
    /// The first candidate, largest first, whose free pages hold the memory in whole pages:
    /// small → the smallest size; large → all but the smallest; any → all; explicit → that size
    /// only (absent on the cell → no fit). Null when none fits.
    /// </summary>
    public static long? Select(NovaHostCell host, PageSizeRequest request, long memoryMiB)
    {
        var sizes = host.Mempages.Select(p => p.SizeKiB).OrderDescending().ToList();
        IEnumerable<long> candidates = request.Kind switch
        {
            PageSizeKind.Small => sizes.TakeLast(1),
            PageSizeKind.Large => sizes.Take(Math.Max(0, sizes.Count - 1)),
            PageSizeKind.Any => sizes,
            _ => [request.KiB],
        };
        var kib = memoryMiB * 1024;
        foreach (var size in candidates)
        {
            if (host.PagesOfSize(size) is not { } pages) return null; // MemoryPageSizeNotSupported
            if (kib <= pages.FreeKiB && kib % size == 0) return size;
        }
        return null;
    }
}
