using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Smog.Cli.Rendering;
using Smog.Libvirt.Verification;
using Spectre.Console;

namespace Smog.Cli.Commands.Verify;

/// <summary>Findings as a table (people) or the JSON contract <c>{"ok", "findings": [...]}</c> (tools).</summary>
internal static class FindingsRenderer
{
    public static void Table(IAnsiConsole console, IReadOnlyList<Finding> findings, string subject)
    {
        var errors = findings.Count(f => f.Severity == Severity.Error);
        var warnings = findings.Count - errors;
        if (findings.Count == 0)
        {
            Verdict(console, "[green]ok[/]", $"{subject}: no findings");
            return;
        }
        var table = new FittedTable(
            new Column("severity"),
            new Column("rule"),
            new Column("message") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 2, MinWidth = 24 },
            new Column("expected") { MinWidth = 12 },
            new Column("actual") { MinWidth = 12 },
            new Column("evidence") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1 });
        foreach (var f in findings)
            table.AddRow(
                f.Severity == Severity.Error ? CellText.Of("error", "red") : CellText.Of("warning", "yellow"),
                f.Rule, f.Message, f.Expected, f.Actual, f.Evidence.XPath);
        table.Write(console);
        var verdict = errors == 0 ? "[green]ok[/]" : "[red]failed[/]";
        Verdict(console, verdict, $"{subject}: {errors} error(s), {warnings} warning(s)");
    }

    /// <summary>The verdict stays one line whatever the width: scripts grep it, and a path folded at a space reads as two.</summary>
    private static void Verdict(IAnsiConsole console, string verdictMarkup, string rest)
    {
        console.Markup(verdictMarkup + " ");
        console.Profile.Out.Writer.WriteLine(rest);
    }

    public static string Json(IReadOnlyList<Finding> findings)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", DomainVerifier.IsOk(findings));
            w.WriteStartArray("findings");
            foreach (var f in findings)
            {
                w.WriteStartObject();
                w.WriteString("rule", f.Rule);
                w.WriteString("severity", f.Severity == Severity.Error ? "error" : "warning");
                w.WriteString("message", f.Message);
                w.WriteString("expected", f.Expected);
                w.WriteString("actual", f.Actual);
                w.WriteStartObject("evidence");
                w.WriteString("xpath", f.Evidence.XPath);
                w.WriteString("excerpt", f.Evidence.Excerpt);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
