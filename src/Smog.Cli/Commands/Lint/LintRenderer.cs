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
            var table = new Table().AddColumn("severity").AddColumn(new TableColumn("key").NoWrap()).AddColumn(new TableColumn("rule").NoWrap()).AddColumn("message");
            foreach (var f in report.Findings)
                table.AddRow($"[{Colour(f.Severity)}]{LintReport.Severity(f.Severity)}[/]", Markup.Escape(f.Key), Markup.Escape(f.Rule), Markup.Escape(f.Message));
            console.Write(table);
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
        console.MarkupLine($"guest CPU topology: {t.Sockets} socket(s) x {t.Cores} core(s) x {t.Threads} thread(s)");

        if (c.NumaCells is not { } cells)
        {
            console.MarkupLine("guest NUMA topology: none requested (floating vCPUs, no page size)");
            return;
        }
        console.MarkupLine($"guest NUMA topology: {cells.Length} cell(s)" + (c.PageSize is null ? "" : $", page size {Markup.Escape(c.PageSize)}"));
        foreach (var cell in cells)
        {
            var cpus = new List<string>();
            if (cell.Pcpus.Length > 0) cpus.Add($"pinned vCPUs {cell.Pcpus}");
            if (cell.Cpus.Length > 0) cpus.Add($"floating vCPUs {cell.Cpus}");
            console.MarkupLine(Markup.Escape($"  cell {cell.Id}: {string.Join(", ", cpus)}, {cell.MemoryMb} MiB"));
        }
    }

    private static string Colour(LintSeverity severity) => severity switch
    {
        LintSeverity.Error => "red",
        LintSeverity.Warning => "yellow",
        _ => "grey",
    };
}
