using Smog.Units;
using Smog.Cli.Rendering;
using Smog.Topology;
using Spectre.Console;

namespace Smog.Cli.Commands.Discover;

/// <summary>Renders a discovery report for people: a summary line, one table per NUMA node, warnings.</summary>
internal static class TopologyRenderer
{
    public static void Render(IAnsiConsole console, DiscoveryReport report, IReadOnlyList<string> notes)
    {
        var t = report.Topology;
        var smt = t.HasSmt ? $"yes ({t.ThreadsPerCore} threads per core)" : "no";
        console.MarkupLine($"[bold]{Markup.Escape(t.Hostname ?? "host")}[/]: {Plural(t.SocketCount, "socket")}, "
            + $"{Plural(t.Cells.Length, "NUMA node")}, {Plural(t.Cpus.Length, "CPU")}, SMT {smt}");
        for (var i = 0; i < report.Sources.Length; i++)
            Folding.WriteHanging(console, Word.Of(i == 0 ? "sources:" : "        ", "grey"), report.Sources[i]);

        foreach (var cell in t.Cells) CellTable(t, cell).Write(console);

        var unaffined = t.PciDevices.Where(d => d.NumaNode is null).ToList();
        if (unaffined.Count > 0) console.MarkupLine("PCI devices without NUMA affinity:");
        foreach (var device in unaffined) Folding.WriteHanging(console, Word.Of(" "), Describe(device));
        foreach (var w in report.Warnings) Folding.WriteHanging(console, Word.Of("warning:", "yellow"), w);
        foreach (var n in notes) Folding.WriteHanging(console, Word.Of("note:", "grey"), n);
    }

    private static FittedTable CellTable(HostTopology t, NumaCell cell)
    {
        var table = new FittedTable(new Column("fact"), new Column("value")) { Title = $"NUMA node {cell.Id}", ShowHeaders = false, Border = TableBorder.Square };
        void Row(string fact, CellText value) => table.AddRow(fact, value);

        Row("pCPUs", cell.IsCpuless ? "none (CPU-less node)" : $"{cell.Cpus} ({cell.Cpus.Count})");
        var smt = cell.Siblings.Any(g => g.Count > 1);
        Row("SMT", smt ? "yes" : "no");
        if (smt) Row("sibling groups", string.Join(" ", cell.Siblings.Select(g => $"[{g}]")));
        var sockets = t.Cpus.Where(c => c.Cell == cell.Id).Select(c => c.Socket).Distinct().Order().ToList();
        // A count first: a bare "0" read as "no sockets".
        if (sockets.Count > 0) Row("sockets", $"{sockets.Count} ({(sockets.Count == 1 ? "id" : "ids")} {string.Join(",", sockets)})");
        Row("memory", cell.MemoryMiB is { } m ? ByteSize.FromMiB((ulong)m).ToHuman() + (cell.FreeMemoryMiB is { } f ? $" ({ByteSize.FromMiB((ulong)f).ToHuman()} free)" : "") : "unknown");
        var huge = cell.Pages.Where(p => p.SizeKiB > 4).ToList();
        Row("huge pages", huge.Count == 0 ? "none reported" : CellText.Words(huge.Select((p, i) => Word.Of(PagePool(p) + (i < huge.Count - 1 ? "," : "")))));
        if (!cell.Distances.IsEmpty) Row("distances", string.Join(" ", cell.Distances.Select(kv => $"{kv.Key}:{kv.Value}")));
        var pci = t.PciDevicesOnCell(cell.Id).ToList();
        Row("PCI devices", pci.Count == 0 ? "none" : string.Join("\n", pci.Select(Describe)));
        return table;
    }

    private static string PagePool(PagePool p)
    {
        return $"{p.Total} x {ByteSize.FromKiB((ulong)p.SizeKiB).ToHuman()}" + (p.Free is { } free ? $" ({free} free)" : "");
    }

    private static string Describe(PciDevice d)
    {
        var parts = new List<string> { d.Address };
        if (d.VendorId is not null && d.ProductId is not null) parts.Add($"[{d.VendorId}:{d.ProductId}]");
        if (d.Description is not null) parts.Add(d.Description);
        if (d.NetDev is not null) parts.Add(d.NetDev);
        if (d.BlockDev is not null) parts.Add(d.BlockDev);
        if (d.SriovTotalVfs is { } total) parts.Add($"SR-IOV PF, {d.VirtualFunctions.Length}/{total} VFs");
        if (d.PhysicalFunction is not null) parts.Add($"VF of {d.PhysicalFunction}");
        return string.Join(" ", parts);
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
