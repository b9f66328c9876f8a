using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
            console.MarkupLine($"[green]ok[/] {Markup.Escape(subject)}: no findings");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("severity").AddColumn("rule").AddColumn("message").AddColumn("expected").AddColumn("actual").AddColumn("evidence");
        foreach (var f in findings)
            table.AddRow(
                f.Severity == Severity.Error ? "[red]error[/]" : "[yellow]warning[/]",
                Markup.Escape(f.Rule), Markup.Escape(f.Message), Markup.Escape(f.Expected), Markup.Escape(f.Actual),
                Markup.Escape(f.Evidence.XPath));
        console.Write(table);
        var verdict = errors == 0 ? "[green]ok[/]" : "[red]failed[/]";
        console.MarkupLine($"{verdict} {Markup.Escape(subject)}: {errors} error(s), {warnings} warning(s)");
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
