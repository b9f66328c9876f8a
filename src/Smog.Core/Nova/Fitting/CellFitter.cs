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
    public static CellVerdict Evaluate(HostCellFacts facts, ThreadOrder order, RequestedCell guest, PageSizeRequest? pageSize, int reserved, FitLimits? limits)
    {
        var host = facts.Cell;
        long? chosen = null;
        if (pageSize is { IsRequested: true } requested)
        {
            chosen = PageSizeSelector.Select(facts, requested, guest.MemoryMiB);
            if (chosen is null) return new(false, null, null, CellRefusal.PageSize);
        }
        else if (!FitsMemoryWithoutPageSize(facts, guest.MemoryMiB))
        {
            return new(false, null, null, host.Mempages.IsEmpty ? CellRefusal.CellMemory : CellRefusal.SmallPageMemory);
        }

        var pinned = guest.CpuPolicy is CpuPolicy.Dedicated or CpuPolicy.Mixed;
        var floating = guest.CpuPolicy is null or CpuPolicy.Shared or CpuPolicy.Mixed;
        // An instance may not overcommit against itself on any cell.
        if (pinned && guest.Pcpus.Count + reserved > facts.PcpuCount) return new(false, chosen, null, CellRefusal.PinnableCpus);
        if (floating && guest.Cpus.Count > facts.CpuCount) return new(false, chosen, null, CellRefusal.SharedCpus);

        CorePacking? packing = null;
        if (pinned)
        {
            if (guest.Pcpus.Count + reserved > facts.FreePcpuCount) return new(false, chosen, null, CellRefusal.FreePcpus);
            if (guest.MemoryMiB > host.AvailMemoryMiB) return new(false, chosen, null, CellRefusal.FreeMemory); // no ratio for pinned guests
            packing = CorePacker.Pack(facts, order, guest.Pcpus, guest.ThreadPolicy, reserved);
            if (packing is null) return new(false, chosen, null, CellRefusal.ThreadPolicy);
        }

        if (floating && limits is not null)
        {
            if (host.CpuUsage + guest.Cpus.Count > facts.CpuCount * limits.CpuAllocationRatio) return new(false, chosen, packing, CellRefusal.CpuLimit);
            if (host.MemoryUsageMiB + guest.MemoryMiB > host.MemoryMiB * limits.RamAllocationRatio) return new(false, chosen, packing, CellRefusal.MemoryLimit);
        }
        return new(true, chosen, packing);
    }

    /// <summary>
    /// No page size requested: with page info, the smallest size's <em>total</em> (overcommit
    /// allowed) must hold the memory in whole pages; without, the cell memory must.
    /// </summary>
    private static bool FitsMemoryWithoutPageSize(HostCellFacts facts, long memoryMiB)
    {
        if (facts.SmallestPages is not { } pages) return memoryMiB <= facts.Cell.MemoryMiB;
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
    public static long? Select(HostCellFacts facts, PageSizeRequest request, long memoryMiB)
    {
        var sizes = facts.PageSizesDescending;
        var (first, end) = request.Kind switch
        {
            PageSizeKind.Small => (Math.Max(0, sizes.Length - 1), sizes.Length),
            PageSizeKind.Large => (0, Math.Max(0, sizes.Length - 1)),
            PageSizeKind.Any => (0, sizes.Length),
            _ => (-1, 0), // the explicit size alone
        };
        var kib = memoryMiB * 1024;
        for (var i = first; i < end; i++)
        {
            var size = i < 0 ? request.KiB : sizes[i];
            if (facts.PagesOfSize(size) is not { } pages) return null; // MemoryPageSizeNotSupported
            if (kib <= pages.FreeKiB && kib % size == 0) return size;
        }
        return null;
    }
}
