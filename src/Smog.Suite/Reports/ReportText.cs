using System.Globalization;
using System.Text;
using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>Small text facts every report shares: XML-safe text, seconds, verdict words, scenario groups.</summary>
public static class ReportText
{
    /// <summary>
    /// Drops what XML 1.0 cannot carry at all (control characters other than tab, newline and
    /// carriage return, lone surrogates, U+FFFE/U+FFFF), so a hostile name cannot break a report.
    /// Everything else is left for the writer to escape.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? cleaned = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var keep = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? 2
                : IsXmlChar(c) ? 1 : 0;
            if (keep == 0) { cleaned ??= new StringBuilder(text, 0, i, text.Length); continue; }
            cleaned?.Append(text, i, keep);
            i += keep - 1;
        }
        return cleaned?.ToString() ?? text;
    }

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);

    /// <summary>Seconds with millisecond precision in invariant form ("12.345"), as JUnit and JSON carry durations.</summary>
    public static string Seconds(TimeSpan duration) =>
        Math.Round(duration.TotalSeconds, 3).ToString("0.000", CultureInfo.InvariantCulture);

    public static string Word(Verdict verdict) => verdict switch
    {
        Verdict.Passed => "passed",
        Verdict.Failed => "failed",
        Verdict.Skipped => "skipped",
        Verdict.Errored => "errored",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };

    public static string Word(FindingSeverity severity) => severity == FindingSeverity.Error ? "error" : "warning";

    /// <summary>The scenario's group: its id up to the first dot ("pinning" for "pinning.isolate").</summary>
    public static string Group(string scenarioId)
    {
        var dot = scenarioId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? scenarioId[..dot] : scenarioId;
    }

    /// <summary>
    /// An auth URL without user information or query ("https://u:p@keystone/v3?token=x" →
    /// "https://keystone/v3"): the model holds no secret, and this makes sure a URL cannot smuggle one in.
    /// </summary>
    public static string? SafeUrl(string? url)
    {
        if (url is null) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url.Contains('@', StringComparison.Ordinal) ? "(unparsable URL)" : url;
        return new UriBuilder(uri) { UserName = "", Password = "", Query = "", Fragment = "" }.Uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>"member" when servers were booted with the non-admin cloud, else "admin".</summary>
    public static string BootsAs(RunTarget target) => target.BootsAsMember ? "member" : "admin";

    /// <summary>One line per finding field, for plain-text reports (JUnit bodies).</summary>
    public static string Describe(ScenarioFinding finding, ScenarioResult scenario)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{Word(finding.Severity)}] {finding.Rule}: {finding.Message}\n");
        if (finding.Expected.Length > 0) text.Append(CultureInfo.InvariantCulture, $"  expected: {finding.Expected}\n");
        if (finding.Actual.Length > 0) text.Append(CultureInfo.InvariantCulture, $"  actual:   {finding.Actual}\n");
        if (finding.Guest is { } g && g >= 0 && g < scenario.Guests.Length)
            text.Append(CultureInfo.InvariantCulture, $"  guest:    {scenario.Guests[g].Role}{(scenario.Guests[g].ServerName is { } n ? $" ({n})" : "")}\n");
        if (finding.XPath is { } xpath) text.Append(CultureInfo.InvariantCulture, $"  xpath:    {xpath}\n");
        if (!finding.XmlLines.IsEmpty) text.Append(CultureInfo.InvariantCulture, $"  xml lines: {string.Join(", ", finding.XmlLines)}\n");
        return text.ToString();
    }
}
