using System.Globalization;
using System.Text;
using Smog.Suite.Reports.Coverage;
using Smog.Suite.Reports.Html;
using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>
/// Renders a <see cref="RunReport"/> as one self-contained HTML page: inline CSS, inline SVG, no
/// external URL and no script (the verdict filter is CSS only). Header with target and totals,
/// the coverage matrix, the hosts, then one section per scenario with its guests (flavor, image,
/// predicted vs actual, placement pictures), findings with their domain XML lines, not-checked
/// notes and steps. Every model string is escaped through <see cref="HtmlText"/>.
/// </summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        var failed = report.Count(Verdict.Failed) + report.Count(Verdict.Errored);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>smog run ").Append(HtmlText.E(report.RunId)).Append(" — ")
            .Append(failed == 0 ? "all passed" : $"{failed} failed or errored").Append("</title>")
            .Append("<style>\n").Append(HtmlStyles.Css).Append("</style></head>\n<body>\n");
        Header(html, report);
        Coverage(html, report);
        Hosts(html, report);
        html.Append("<main>\n");
        for (var i = 0; i < report.Scenarios.Length; i++) Scenario(html, report, i);
        html.Append("</main>\n</body></html>\n");
        return html.ToString();
    }

    private static string Badge(Verdict verdict) =>
        $"<span class=\"badge {ReportText.Word(verdict)}\">{ReportText.Word(verdict).ToUpperInvariant()}</span>";

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static void Header(StringBuilder html, RunReport report)
    {
        var t = report.Target;
        html.Append("<header>\n<h1>smog run <code>").Append(HtmlText.E(report.RunId)).Append("</code></h1>\n<dl class=\"facts\">");
        void Fact(string name, string? value, bool raw = false)
        {
            if (value is null) return;
            html.Append("<dt>").Append(name).Append("</dt><dd>").Append(raw ? value : HtmlText.E(value)).Append("</dd>");
        }
        Fact("cloud", t.Kind == "embedded" ? "embedded (in-process, loopback)" : $"{t.Kind}: admin cloud {t.AdminCloud}");
        Fact("servers booted as", t.BootsAsMember ? $"member (cloud {t.BootCloud}, not admin)" : $"admin (cloud {t.BootCloud})");
        Fact("auth URL", ReportText.SafeUrl(t.AuthUrl));
        Fact("compute microversion", t.ComputeMicroversion);
        if (t.Defect is { } defect) Fact("defect switched on", $"<strong class=\"fault\">{HtmlText.E(defect)}</strong>", raw: true);
        Fact("inventory", t.Inventory);
        Fact("started", Time(report.StartedAt));
        Fact("finished", Time(report.FinishedAt));
        Fact("duration", ReportText.Seconds(report.FinishedAt - report.StartedAt) + " s");
        Fact("exit code", report.ExitCode.ToString(CultureInfo.InvariantCulture) + (report.Interrupted ? " (interrupted by Ctrl-C: not every scenario ran)" : ""));
        Fact("cleanup", $"{report.Cleanup.Created} created, {report.Cleanup.Deleted} deleted, {report.Cleanup.Leftovers.Length} left over");
        html.Append("</dl>\n");
        if (!report.Cleanup.Leftovers.IsEmpty)
        {
            html.Append("<p class=\"fault\">Left over (remove with <code>smog cleanup --run ").Append(HtmlText.E(report.RunId)).Append("</code>):</p><ul>");
            foreach (var leftover in report.Cleanup.Leftovers) html.Append("<li>").Append(HtmlText.E(leftover)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("<p class=\"totals\"><span><strong>").Append(report.Scenarios.Length).Append("</strong> scenarios:</span>");
        foreach (var verdict in Enum.GetValues<Verdict>())
            html.Append("<span>").Append(Badge(verdict)).Append(' ').Append(report.Count(verdict)).Append("</span>");
        html.Append("</p>\n<nav aria-label=\"scenarios\"><ul>");
        for (var i = 0; i < report.Scenarios.Length; i++)
        {
            var s = report.Scenarios[i];
            html.Append("<li>").Append(Badge(s.Verdict)).Append(" <a href=\"#").Append(ScenarioId(i, s)).Append("\">")
                .Append(HtmlText.E(s.Id)).Append("</a></li>");
        }
        html.Append("</ul></nav>\n<div class=\"filters\"><label><input type=\"checkbox\" id=\"hide-passed\"> hide passed</label>")
            .Append("<label><input type=\"checkbox\" id=\"hide-skipped\"> hide skipped</label></div>\n</header>\n");
    }

    private static string ScenarioId(int index, ScenarioResult s) => HtmlText.Id("s", index, s.Id);

    private static void Coverage(StringBuilder html, RunReport report)
    {
        var matrix = CoverageMatrix.Of(report);
        html.Append("<section id=\"coverage\"><h2>Coverage</h2>")
            .Append("<p class=\"note\">Per scenario: its verdict, the hosts its guests ran on, and each capability it needs (✓ a host offers it, ✗ none does).</p>")
            .Append("<div class=\"scroll\"><table class=\"coverage\"><thead><tr><th scope=\"col\">scenario</th><th scope=\"col\">verdict</th>");
        foreach (var host in matrix.Hosts) html.Append("<th scope=\"col\">host ").Append(HtmlText.E(host)).Append("</th>");
        foreach (var cap in matrix.Capabilities)
            html.Append("<th scope=\"col\" title=\"offered by ").Append(cap.OfferedBy.IsEmpty ? "no host" : HtmlText.E(string.Join(", ", cap.OfferedBy))).Append("\">")
                .Append(HtmlText.E(cap.Code)).Append("<br><small>").Append(cap.OfferedBy.Length).Append(cap.OfferedBy.Length == 1 ? " host" : " hosts").Append("</small></th>");
        html.Append("</tr></thead><tbody>");
        for (var i = 0; i < matrix.Rows.Length; i++)
        {
            var row = matrix.Rows[i];
            html.Append("<tr><th scope=\"row\"><a href=\"#").Append(ScenarioId(i, report.Scenarios[i])).Append("\">").Append(HtmlText.E(row.Scenario)).Append("</a></th><td>")
                .Append(Badge(row.Verdict));
            if (row.SkipCode is { } code) html.Append(" <code>").Append(HtmlText.E(code)).Append("</code>");
            html.Append("</td>");
            foreach (var host in matrix.Hosts)
                html.Append(row.HostsUsed.Contains(host) ? "<td class=\"c ran\">● ran</td>" : "<td class=\"c\"></td>");
            foreach (var cap in matrix.Capabilities)
                html.Append(!row.Needs.Contains(cap.Code) ? "<td class=\"c\"></td>"
                    : row.Unmet.Contains(cap.Code) ? "<td class=\"c need-missing\">✗ needed</td>" : "<td class=\"c need-ok\">✓ needed</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div></section>\n");
    }

    private static void Hosts(StringBuilder html, RunReport report)
    {
        html.Append("<section id=\"hosts\"><h2>Hosts</h2><div class=\"scroll\"><table><thead><tr>")
            .Append("<th scope=\"col\">host</th><th scope=\"col\">host access</th><th scope=\"col\">topology</th><th scope=\"col\">cpu_dedicated_set</th>")
            .Append("<th scope=\"col\">cpu_shared_set</th><th scope=\"col\">capabilities</th><th scope=\"col\">aggregates</th></tr></thead><tbody>");
        foreach (var h in report.Hosts)
        {
            var topo = h.Topology is { } t
                ? $"{t.Cells.Length} NUMA cells, {t.Cpus.Length} CPUs, {t.ThreadsPerCore} thread{(t.ThreadsPerCore == 1 ? "" : "s")}/core, {t.PciDevices.Length} PCI devices"
                : "unknown";
            html.Append("<tr><th scope=\"row\">").Append(HtmlText.E(h.Name)).Append("</th><td>").Append(h.HostAccess ? "yes" : "no").Append("</td><td>")
                .Append(topo).Append("</td><td class=\"mono\">").Append(HtmlText.E(h.DedicatedSet?.ToString() ?? "—")).Append("</td><td class=\"mono\">")
                .Append(HtmlText.E(h.SharedSet?.ToString() ?? "—")).Append("</td><td>").Append(HtmlText.E(string.Join(", ", h.Capabilities)))
                .Append("</td><td>").Append(HtmlText.E(string.Join(", ", h.Aggregates))).Append("</td></tr>");
        }
        html.Append("</tbody></table></div></section>\n");
    }

    private static void Scenario(StringBuilder html, RunReport report, int index)
    {
        var s = report.Scenarios[index];
        var word = ReportText.Word(s.Verdict);
        html.Append("<section class=\"scenario ").Append(word).Append("\" id=\"").Append(ScenarioId(index, s))
            .Append("\" data-scenario=\"").Append(HtmlText.E(s.Id)).Append("\" data-verdict=\"").Append(word).Append("\">\n<h2>")
            .Append(Badge(s.Verdict)).Append(" <code>").Append(HtmlText.E(s.Id)).Append("</code> <small>")
            .Append(ReportText.Seconds(s.Duration)).Append(" s</small></h2>\n<p class=\"purpose\">").Append(HtmlText.E(s.Purpose)).Append("</p>");
        if (!s.Needs.IsEmpty) html.Append("<p>Needs: ").Append(HtmlText.E(string.Join(", ", s.Needs))).Append("</p>");
        if (s.Skip is { } skip)
            html.Append("<p><strong>Skipped</strong> (<code>").Append(HtmlText.E(skip.Code)).Append("</code>): ").Append(HtmlText.E(skip.Message)).Append("</p>");
        if (s.Error is { } error) html.Append("<p class=\"fault\"><strong>Errored:</strong> ").Append(HtmlText.E(error)).Append("</p>");

        for (var g = 0; g < s.Guests.Length; g++) Guest(html, report, index, g);

        if (!s.Findings.IsEmpty)
        {
            html.Append("<h3>Findings</h3><ol class=\"findings\">");
            foreach (var f in s.Findings) Finding(html, s, f);
            html.Append("</ol>");
        }
        if (!s.NotChecked.IsEmpty)
        {
            html.Append("<h3>Not checked</h3><ul>");
            foreach (var note in s.NotChecked) html.Append("<li>").Append(HtmlText.E(note)).Append("</li>");
            html.Append("</ul>");
        }
        if (!s.Steps.IsEmpty)
        {
            html.Append("<h3>Steps</h3><ol class=\"steps\">");
            foreach (var step in s.Steps)
                html.Append("<li>").Append(step.Ok ? "✓ " : "<strong class=\"fault\">✗ failed:</strong> ").Append(HtmlText.E(step.Name))
                    .Append(" <small>(").Append(ReportText.Seconds(step.Duration)).Append(" s)</small>")
                    .Append(step.Detail is { } d ? ": " + HtmlText.E(d) : "").Append("</li>");
            html.Append("</ol>");
        }
        html.Append("</section>\n");
    }

    private static void Finding(StringBuilder html, ScenarioResult s, ScenarioFinding f)
    {
        var guest = f.Guest is { } g && g >= 0 && g < s.Guests.Length ? s.Guests[g] : null;
        html.Append("<li class=\"finding ").Append(ReportText.Word(f.Severity)).Append("\"><span class=\"sev\">").Append(ReportText.Word(f.Severity))
            .Append("</span> <code>").Append(HtmlText.E(f.Rule)).Append("</code> ").Append(HtmlText.E(f.Message));
        if (guest is not null) html.Append(" <small>(guest ").Append(HtmlText.E(guest.Role)).Append(")</small>");
        if (f.Expected.Length > 0 || f.Actual.Length > 0)
            html.Append("<table><tbody><tr><th scope=\"row\">expected</th><td>").Append(HtmlText.E(f.Expected))
                .Append("</td></tr><tr><th scope=\"row\">actual</th><td>").Append(HtmlText.E(f.Actual)).Append("</td></tr></tbody></table>");
        if (f.XPath is { } xpath) html.Append("<div>at <code>").Append(HtmlText.E(xpath)).Append("</code></div>");
        html.Append(XmlExcerpt.Render(guest?.DomainXml, f.XmlLines)).Append("</li>");
    }

    private static void Guest(StringBuilder html, RunReport report, int scenarioIndex, int guestIndex)
    {
        var s = report.Scenarios[scenarioIndex];
        var guest = s.Guests[guestIndex];
        html.Append("<article class=\"guest\"><h3>Guest “").Append(HtmlText.E(guest.Role)).Append('”');
        if (guest.ServerName is { } name) html.Append(" — <code>").Append(HtmlText.E(name)).Append("</code>");
        if (guest.Status is { } status) html.Append(" (").Append(HtmlText.E(status)).Append(')');
        html.Append("</h3>");
        if (guest.Fault is { } fault) html.Append("<p class=\"fault\">Fault: ").Append(HtmlText.E(fault)).Append("</p>");

        html.Append("<div class=\"side\"><div>");
        var f = guest.Flavor;
        html.Append("<table class=\"flavor\"><caption>flavor <code>").Append(HtmlText.E(f.Name)).Append("</code>: ")
            .Append(f.Vcpus).Append(" vCPUs, ").Append(HtmlText.MiB(f.RamMiB)).Append(", ").Append(f.DiskGb).Append(" GB disk</caption><tbody>");
        KeyValues(html, "extra specs", f.ExtraSpecs);
        KeyValues(html, "image properties", guest.ImageProperties);
        html.Append("</tbody></table></div><div>").Append(PlacementComparison.Render(guest)).Append("</div></div>");

        Pictures(html, report, scenarioIndex, guestIndex);
        html.Append("</article>");
    }

    private static void KeyValues(StringBuilder html, string kind, IReadOnlyDictionary<string, string> pairs)
    {
        html.Append("<tr><th scope=\"colgroup\" colspan=\"2\" class=\"group\">").Append(kind).Append("</th></tr>");
        if (pairs.Count == 0) { html.Append("<tr><td colspan=\"2\" class=\"note\">none</td></tr>"); return; }
        foreach (var (key, value) in pairs)
            html.Append("<tr><th scope=\"row\" class=\"mono\">").Append(HtmlText.E(key))
                .Append("</th><td class=\"mono\">").Append(HtmlText.E(value)).Append("</td></tr>");
    }

    private static void Pictures(StringBuilder html, RunReport report, int scenarioIndex, int guestIndex)
    {
        var s = report.Scenarios[scenarioIndex];
        var guest = s.Guests[guestIndex];
        var predicted = guest.Predicted?.Placement;
        var drawn = new List<(string Kind, Placement Placement)>();
        if (guest.Actual is { } actual) drawn.Add(("actual", actual));
        if (predicted is not null && (guest.Actual is null || !SamePlacement(predicted, guest.Actual))) drawn.Add(("predicted", predicted));
        if (drawn.Count == 0)
        {
            html.Append("<p class=\"note\">No placement to draw: the guest ")
                .Append(guest.Status == "ERROR" ? "was not placed." : "has no known placement.").Append("</p>");
            return;
        }
        html.Append("<div class=\"side pictures\">");
        foreach (var (kind, placement) in drawn)
        {
            var host = report.Hosts.FirstOrDefault(h => h.Name == placement.Host);
            if (host?.Topology is not { } topology)
            {
                html.Append("<p class=\"note\">No picture of the ").Append(kind).Append(" placement on ").Append(HtmlText.E(placement.Host))
                    .Append(": its topology is unknown (no host access).</p>");
                continue;
            }
            var neighbours = s.Guests.Select((other, i) => (other, i))
                .Where(o => o.i != guestIndex && (kind == "actual" ? o.other.Actual : o.other.Predicted?.Placement) is { } p && p.Host == placement.Host)
                .Select(o => new PlacementPicture.Neighbour($"guest {o.other.Role}", kind == "actual" ? o.other.Actual! : o.other.Predicted!.Placement!))
                .ToList();
            var caption = $"{s.Id}, guest {guest.Role}: {kind} placement on {placement.Host}" + (placement.InstanceName is { } n ? $" ({n})" : "");
            var id = $"pic-s{scenarioIndex}-g{guestIndex}-{kind}";
            html.Append("<figure class=\"").Append(kind).Append("\"><figcaption><strong>").Append(kind == "actual" ? "Actual" : "Predicted")
                .Append("</strong> placement on ").Append(HtmlText.E(placement.Host)).Append("</figcaption>")
                .Append(PlacementPicture.Render(id, caption, host, topology, placement, neighbours))
                .Append(Legend).Append("</figure>");
        }
        html.Append("</div>");
    }

    private const string Legend =
        "<ul class=\"legend\"><li><span class=\"key vcpu\">v0</span>this guest's vCPU 0 pinned here</li>"
        + "<li><span class=\"key emulator\">E</span>emulator threads (a small E corner when they share a vCPU's pCPU)</li>"
        + "<li><span class=\"key floating\">f</span>floating vCPUs may run here</li><li><span class=\"key other\">×</span>pinned by another guest</li>"
        + "<li><span class=\"key ded\">&nbsp;</span>dedicated set</li><li><span class=\"key shr\">&nbsp;</span>shared set (dashed)</li>"
        + "<li><span class=\"key rsv\">&nbsp;</span>reserved for the host</li><li>bars: grey in use before the run, blue this guest</li></ul>";

    private static bool SamePlacement(Placement a, Placement b) =>
        a.Host == b.Host && a.EmulatorCpus == b.EmulatorCpus && a.FloatingCpus == b.FloatingCpus
        && a.Cells.Length == b.Cells.Length
        && a.Cells.Zip(b.Cells).All(p => p.First.GuestCell == p.Second.GuestCell && p.First.HostCell == p.Second.HostCell
            && p.First.Vcpus == p.Second.Vcpus && p.First.Pins.SequenceEqual(p.Second.Pins)
            && p.First.MemoryMiB == p.Second.MemoryMiB && p.First.PageSizeKiB == p.Second.PageSizeKiB);
}
