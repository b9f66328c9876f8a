using Smog.Units;
using System.Globalization;
using Smog.Cli.Rendering;
using Smog.Nova.Specs;
using Spectre.Console;

namespace Smog.Cli.Commands.Lint;

/// <summary>Renders a lint report for people: the findings table, then the constraints outcome.</summary>
internal static class LintRenderer
{
    public static void Render(IAnsiConsole console, LintReport report)
    {
        if (report.Findings.IsEmpty)
        {
            console.MarkupLine("[green]no findings[/]");
        }
        else
        {
            var table = new FittedTable(
                new Column("severity"),
                new Column("key"),
                new Column("rule") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 2 },
                new Column("message") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1, MinWidth = 24 });
            foreach (var f in report.Findings)
                table.AddRow(CellText.Of(LintReport.Severity(f.Severity), Colour(f.Severity)), f.Key, f.Rule, f.Message);
            table.Write(console);
        }

        if (report.Constraints is { } c) RenderConstraints(console, c);
        else console.MarkupLine("[red]refused:[/] constraints not evaluated; fix the errors above first");
    }

    private static void RenderConstraints(IAnsiConsole console, ConstraintsSummary c)
    {
        var policies = new List<string> { $"CPU policy {c.CpuPolicy ?? "unset (shared)"}" };
        if (c.ThreadPolicy is not null) policies.Add($"thread policy {c.ThreadPolicy}");
        if (c.EmulatorThreads is not null) policies.Add($"emulator threads {c.EmulatorThreads}");
        if (c.RealtimeCpus is not null) policies.Add($"realtime vCPUs {c.RealtimeCpus}");
        if (c.LockedMemory is { } locked) policies.Add($"locked memory {(locked ? "yes" : "no")}");
        if (!c.Pmem.IsEmpty) policies.Add($"vPMEM {string.Join(",", c.Pmem)}");
        console.MarkupLine($"[bold]constraints:[/] {Markup.Escape(string.Join(", ", policies))}");
        var t = c.CpuTopology;
        console.MarkupLine($"guest CPU topology: {t.Sockets} socket(s) × {t.Cores} core(s) × {t.Threads} thread(s)");

        if (c.NumaCells is not { } cells)
        {
            console.MarkupLine("guest NUMA topology: none requested (floating vCPUs, no page size)");
            return;
        }
        console.MarkupLine($"guest NUMA topology: {cells.Length} cell(s)" + (c.PageSize is null ? "" : $", page size {Markup.Escape(PageSize(c.PageSize))}"));
        foreach (var cell in cells)
        {
            var cpus = new List<string>();
            if (cell.Pcpus.Length > 0) cpus.Add($"pinned vCPUs {cell.Pcpus}");
            if (cell.Cpus.Length > 0) cpus.Add($"floating vCPUs {cell.Cpus}");
            console.MarkupLine(Markup.Escape($"  cell {cell.Id}: {string.Join(", ", cpus)}, {ByteSize.FromMiB((ulong)cell.MemoryMb).ToHuman()}"));
        }
    }

    /// <summary>The summary keeps Nova's text form for JSON (<c>1048576KiB</c>, <c>large</c>); people read <c>1 GiB</c>.</summary>
    private static string PageSize(string nova) =>
        nova.EndsWith("KiB", StringComparison.Ordinal) && long.TryParse(nova[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
            ? ByteSize.FromKiB((ulong)kib).ToHuman() : nova;

    private static string Colour(LintSeverity severity) => severity switch
    {
        LintSeverity.Error => "red",
        LintSeverity.Warning => "yellow",
        _ => "grey",
    };
}
