using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.Verification;

/// <summary>
/// Huge pages (nova-26-numa-semantics.md §4.3, §6.1): one &lt;page&gt; per guest cell with the requested (or a chosen
/// large) size, nodeset = the guest cell index, a size the bound host cell offers, and
/// memAccess='shared' on every guest cell; none when small pages or no size were requested.
/// Also memory locking (hw:locked_memory, realtime).
/// </summary>
internal static class HugepageRules
{
    public static IEnumerable<Finding> Check(VerificationContext c) => Pages(c).Concat(Locked(c));

    private static IEnumerable<Finding> Pages(VerificationContext c)
    {
        var d = c.Domain;
        var pages = d.MemoryBacking?.Pages ?? [];
        var request = c.Requested?.Cells[0].PageSize;
        var smallest = c.Host.Cells.FirstOrDefault()?.Pages is { IsEmpty: false } p ? p.Min(x => x.SizeKiB) : 4;
        var wantsLarge = request is { } r && (r == PageSizeRequest.Large || (r.IsExplicit && r.KiB > smallest));
        if (request is null || request == PageSizeRequest.Small || (request.Value.IsExplicit && request.Value.KiB <= smallest))
        {
            foreach (var page in pages)
                yield return new(RuleIds.HugepageNone, Severity.Error, "huge pages back the guest although none were requested",
                    "no <hugepages>", $"{page.Size}", page.Evidence);
            yield break;
        }
        foreach (var page in pages.Where(pg => pg.GuestCells is { } cells && cells.Any(id => d.GuestCells.All(g => g.Id != id))))
            yield return new(RuleIds.HugepagePage, Severity.Error, "a <page> names a guest cell that does not exist (nodeset counts guest cells, not host nodes)",
                CpuSet.Of(d.GuestCells.Select(g => g.Id)).ToString(), page.GuestCells!.ToString(), page.Evidence);
        foreach (var cell in d.GuestCells)
        {
            var mine = pages.Where(pg => pg.GuestCells is null || pg.GuestCells.Contains(cell.Id)).ToList();
            if (mine.Count == 0)
            {
                if (wantsLarge)
                    yield return new(RuleIds.HugepagePage, Severity.Error, $"guest cell {cell.Id} is not backed by huge pages",
                        $"<page nodeset='{cell.Id}' size='{Expected(request.Value)}'/>", "absent", cell.Evidence);
                continue;
            }
            if (mine.Count > 1)
            {
                yield return new(RuleIds.HugepagePage, Severity.Error, $"guest cell {cell.Id} has {mine.Count} <page> elements",
                    "one", $"{mine.Count}", mine[1].Evidence);
                continue;
            }
            foreach (var f in OnePage(c, cell, mine[0], request.Value, smallest)) yield return f;
        }
    }

    private static IEnumerable<Finding> OnePage(VerificationContext c, GuestCellFact cell, HugepageFact page, PageSizeRequest request, long smallest)
    {
        var sizeKiB = (long)page.Size.KiB;
        if (request.IsExplicit && sizeKiB != request.KiB)
            yield return new(RuleIds.HugepagePage, Severity.Error, $"guest cell {cell.Id} is backed by other pages than requested",
                Expected(request), $"{page.Size}", page.Evidence);
        else if (request == PageSizeRequest.Large && sizeKiB <= smallest)
            yield return new(RuleIds.HugepagePage, Severity.Error, $"guest cell {cell.Id}: page size 'large' needs a size above the smallest",
                $"> {smallest} KiB", $"{page.Size}", page.Evidence);
        if (sizeKiB > 0 && cell.Memory.KiB % (ulong)sizeKiB != 0)
            yield return new(RuleIds.HugepagePage, Severity.Error, $"guest cell {cell.Id} memory is not a multiple of its page size",
                $"a multiple of {page.Size}", $"{cell.Memory}", cell.Evidence);
        if (c.HostCellOf(cell.Id) is { } hostCell && c.Host.Cell(hostCell) is { Pages.IsEmpty: false } host
            && host.PagesOfSize(sizeKiB) is not { Total: > 0 })
            yield return new(RuleIds.HugepageAvailable, Severity.Error, $"host cell {hostCell} has no {page.Size} pages for guest cell {cell.Id}",
                string.Join(",", host.Pages.Where(x => x.Total > 0).Select(x => $"{x.SizeKiB}KiB")), $"{page.Size}", page.Evidence);
        if (cell.MemAccess != "shared")
            yield return new(RuleIds.MemAccess, Severity.Error, $"guest cell {cell.Id} is huge-page backed but not memAccess='shared' (Nova sets it for vhost-user)",
                "shared", cell.MemAccess ?? "absent", cell.Evidence);
    }

    private static IEnumerable<Finding> Locked(VerificationContext c)
    {
        if (c.LockedMemory && c.Domain.MemoryBacking is not { Locked: true })
            yield return new(RuleIds.MemoryLocked, Severity.Error, "guest memory is not locked (hw:locked_memory or realtime)",
                "<locked/>", "absent", c.Domain.MemoryBacking?.Evidence ?? new Evidence("/domain/memoryBacking", ""));
    }

    private static string Expected(PageSizeRequest r) => r.IsExplicit ? $"{ByteSize.FromKiB((ulong)r.KiB)}" : r.ToString();
}
