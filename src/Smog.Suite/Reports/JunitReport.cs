using System.Globalization;
using System.Text;
using System.Xml;
using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>
/// Renders a <see cref="RunReport"/> as JUnit XML in the shape Jenkins (junit and xunit plugins)
/// and GitLab read: <c>testsuites</c> holding one <c>testsuite</c> named smog (id = run id, target
/// as properties), one <c>testcase</c> per scenario with classname <c>smog.&lt;group&gt;</c>.
/// Failed scenarios carry one <c>failure</c> listing every finding, errored ones an <c>error</c>,
/// skipped ones <c>skipped message="code: message"</c>; steps and not-checked notes go to system-out.
/// </summary>
public static class JunitReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            var time = ReportText.Seconds(report.FinishedAt - report.StartedAt);
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "smog");
            WriteCounts(xml, report, time);

            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", "smog");
            xml.WriteAttributeString("id", ReportText.Clean(report.RunId));
            WriteCounts(xml, report, time);
            xml.WriteAttributeString("skipped", Count(report, Verdict.Skipped));
            xml.WriteAttributeString("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            xml.WriteAttributeString("package", "smog." + ReportText.Clean(report.Target.Kind));
            WriteProperties(xml, report);
            foreach (var scenario in report.Scenarios) WriteCase(xml, scenario);
            xml.WriteEndElement();

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCounts(XmlWriter xml, RunReport report, string time)
    {
        xml.WriteAttributeString("tests", report.Scenarios.Length.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", Count(report, Verdict.Failed));
        xml.WriteAttributeString("errors", Count(report, Verdict.Errored));
        xml.WriteAttributeString("time", time);
    }

    private static string Count(RunReport report, Verdict verdict) => report.Count(verdict).ToString(CultureInfo.InvariantCulture);

    private static void WriteProperties(XmlWriter xml, RunReport report)
    {
        var target = report.Target;
        (string Name, string? Value)[] properties =
        [
            ("run_id", report.RunId), ("target.kind", target.Kind), ("target.admin_cloud", target.AdminCloud),
            ("target.boot_cloud", target.BootCloud), ("target.boots_as", ReportText.BootsAs(target)),
            ("target.auth_url", ReportText.SafeUrl(target.AuthUrl)), ("target.compute_microversion", target.ComputeMicroversion),
            ("target.defect", target.Defect), ("target.inventory", target.Inventory),
            ("interrupted", report.Interrupted ? "true" : "false"),
        ];
        xml.WriteStartElement("properties");
        foreach (var (name, value) in properties.Where(p => p.Value is not null))
        {
            xml.WriteStartElement("property");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("value", ReportText.Clean(value));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void WriteCase(XmlWriter xml, ScenarioResult scenario)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", "smog." + ReportText.Clean(ReportText.Group(scenario.Id)));
        xml.WriteAttributeString("name", ReportText.Clean(scenario.Id));
        xml.WriteAttributeString("time", ReportText.Seconds(scenario.Duration));
        switch (scenario.Verdict)
        {
            case Verdict.Failed:
                var errors = scenario.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
                var rules = string.Join(", ", errors.Select(f => f.Rule).Distinct(StringComparer.Ordinal));
                WriteOutcome(xml, "failure",
                    errors.Count == 0 ? "failed without an error finding" : $"{errors.Count} finding{(errors.Count == 1 ? "" : "s")}: {rules}",
                    errors.FirstOrDefault()?.Rule ?? "smog.failed",
                    string.Concat(errors.Select(f => ReportText.Describe(f, scenario))));
                break;
            case Verdict.Errored:
                var failedStep = scenario.Steps.LastOrDefault(s => !s.Ok);
                WriteOutcome(xml, "error", scenario.Error ?? "the scenario could not finish", "smog.errored",
                    failedStep is null ? scenario.Error ?? "" : $"step '{failedStep.Name}' failed: {failedStep.Detail}");
                break;
            case Verdict.Skipped:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", ReportText.Clean(scenario.Skip is { } skip ? $"{skip.Code}: {skip.Message}" : "skipped"));
                xml.WriteEndElement();
                break;
        }
        var output = SystemOut(scenario);
        if (output.Length > 0) xml.WriteElementString("system-out", ReportText.Clean(output));
        xml.WriteEndElement();
    }

    private static void WriteOutcome(XmlWriter xml, string element, string message, string type, string body)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("message", ReportText.Clean(message));
        xml.WriteAttributeString("type", ReportText.Clean(type));
        // Written as text, never CDATA: the writer escapes '<', '&' and '>', so "]]>" in a message is harmless.
        if (body.Length > 0) xml.WriteString(ReportText.Clean(body));
        xml.WriteEndElement();
    }

    private static string SystemOut(ScenarioResult scenario)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{scenario.Id}: {scenario.Purpose}\n");
        foreach (var step in scenario.Steps)
            text.Append(CultureInfo.InvariantCulture,
                $"step {(step.Ok ? "ok  " : "FAIL")} {step.Name} ({ReportText.Seconds(step.Duration)} s){(step.Detail is { } d ? ": " + d : "")}\n");
        foreach (var note in scenario.NotChecked) text.Append(CultureInfo.InvariantCulture, $"not checked: {note}\n");
        foreach (var warning in scenario.Findings.Where(f => f.Severity == FindingSeverity.Warning))
            text.Append(ReportText.Describe(warning, scenario));
        return text.ToString();
    }
}
