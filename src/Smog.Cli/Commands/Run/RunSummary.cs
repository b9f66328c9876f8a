using System.Globalization;
using Smog.Cli.Rendering;
using Smog.Suite.Results;
using Spectre.Console;

namespace Smog.Cli.Commands.Run;

/// <summary>After a run: one table of scenarios, the coverage matrix by feature area, cleanup and the verdict line.</summary>
internal static class RunSummary
{
    public static void Write(IAnsiConsole console, RunReport report)
    {
        var table = new FittedTable(
            new Column("scenario"),
            new Column("verdict"),
            new Column("time"),
            new Column("note") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1, MinWidth = 20 });
        foreach (var r in report.Scenarios)
        {
            table.AddRow(r.Id, CellText.Of(RunConsole.Word(r.Verdict), RunConsole.Colour(r.Verdict)),
                r.Verdict == Verdict.Skipped ? "" : CellText.Whole(RunConsole.Seconds(r.Duration)), RunConsole.Note(r));
        }
        table.Write(console);

        console.MarkupLine("[bold]coverage[/]");
        Coverage(report).Write(console);

        var c = report.Cleanup;
        console.MarkupLine(Markup.Escape($"cleanup: {c.Created} created, {c.Deleted} deleted, {c.Leftovers.Length} left")
            + (c.Leftovers.IsEmpty ? "" : Markup.Escape($": {string.Join("; ", c.Leftovers)} (smog cleanup --run {report.RunId})")));
        var wall = report.FinishedAt - report.StartedAt;
        var verdict = $"{report.Count(Verdict.Passed)} passed, {report.Count(Verdict.Failed)} failed, {report.Count(Verdict.Errored)} errored, "
            + $"{report.Count(Verdict.Skipped)} skipped in {wall.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s"
            + (report.Interrupted ? " (interrupted)" : "");
        console.MarkupLine($"[{(report.ExitCode == 0 ? "green" : "red")}]{Markup.Escape(verdict)}[/]");
    }

    /// <summary>Feature areas (the id before the dot) against verdicts, with the reasons areas were skipped.</summary>
    public static FittedTable Coverage(RunReport report)
    {
        var table = new FittedTable(
            new Column("area"), new Column("pass"), new Column("fail"), new Column("error"), new Column("skip"),
            new Column("skipped because") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1, MinWidth = 20 });
        foreach (var area in report.Scenarios.GroupBy(s => s.Id.Split('.')[0]))
        {
            string N(Verdict v) => area.Count(s => s.Verdict == v).ToString(CultureInfo.InvariantCulture);
            var reasons = area.Where(s => s.Skip is not null).Select(s => s.Skip!.Code).Distinct(StringComparer.Ordinal);
            table.AddRow(area.Key, N(Verdict.Passed), N(Verdict.Failed), N(Verdict.Errored), N(Verdict.Skipped), string.Join(" ", reasons));
        }
        return table;
    }
}
