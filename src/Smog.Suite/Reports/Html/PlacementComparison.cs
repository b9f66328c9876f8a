using System.Text;
using Smog.Suite.Results;

namespace Smog.Suite.Reports.Html;

/// <summary>
/// Predicted against actual for one guest, side by side: outcome, host, cells, pins, page size,
/// memory, emulator and floating pCPUs. A row where both sides are known and differ is marked
/// "≠" and highlighted.
/// </summary>
internal static class PlacementComparison
{
    public static string Render(GuestEvidence guest)
    {
        var predicted = guest.Predicted;
        var p = predicted?.Placement;
        var a = guest.Actual;
        (string Label, string? Predicted, string? Actual)[] rows =
        [
            ("outcome", predicted?.Outcome, ActualOutcome(guest)),
            ("host", p?.Host ?? Candidates(predicted), a?.Host),
            ("cells (guest→host)", Cells(p), Cells(a)),
            ("pins (vCPU→pCPU)", Pins(p), Pins(a)),
            ("page size", PageSizes(p), PageSizes(a)),
            ("memory per cell", Memory(p), Memory(a)),
            ("emulator pCPUs", p is null ? null : Set(p.EmulatorCpus.ToString()), a is null ? null : Set(a.EmulatorCpus.ToString())),
            ("floating pCPUs", p is null ? null : Set(p.FloatingCpus.ToString()), a is null ? null : Set(a.FloatingCpus.ToString())),
        ];
        var html = new StringBuilder("<table class=\"compare\"><caption>predicted");
        html.Append(predicted is null ? " (no prediction)" : predicted.Determinate ? " (determinate)" : " (not determinate: several candidate hosts or unknown state)");
        html.Append(" vs actual</caption><thead><tr><th scope=\"col\"></th><th scope=\"col\">predicted</th><th scope=\"col\">actual</th><th scope=\"col\"><span class=\"sr\">match</span></th></tr></thead><tbody>");
        foreach (var (label, pv, av) in rows)
        {
            // Without a predicted placement the host side lists candidates: it differs only when the cloud chose another host.
            var differs = pv is not null && av is not null
                && (label == "host" && p is null ? !predicted!.CandidateHosts.Contains(av) : pv != av);
            html.Append(differs ? "<tr class=\"mismatch\">" : "<tr>")
                .Append("<th scope=\"row\">").Append(label).Append("</th>")
                .Append("<td>").Append(HtmlText.E(pv ?? "—")).Append("</td>")
                .Append("<td>").Append(HtmlText.E(av ?? "—")).Append("</td>")
                .Append(differs ? "<td class=\"flag\">≠ differs</td>" : "<td></td>")
                .Append("</tr>");
        }
        if (predicted?.Reason is { } reason)
            html.Append("<tr><th scope=\"row\">prediction reason</th><td colspan=\"3\">").Append(HtmlText.E(reason)).Append("</td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The outcome in the prediction's words: active, no-valid-host, or the server status.</summary>
    private static string? ActualOutcome(GuestEvidence guest) => guest.Status switch
    {
        null => null,
        "ACTIVE" => "active",
        "ERROR" when guest.Fault?.Contains("No valid host", StringComparison.OrdinalIgnoreCase) == true => "no-valid-host",
        var status => status.ToLowerInvariant(),
    };

    private static string? Candidates(Prediction? prediction) =>
        prediction is null || prediction.CandidateHosts.IsEmpty ? null : "one of " + string.Join(", ", prediction.CandidateHosts);

    private static string? Cells(Placement? p) =>
        p is null ? null : string.Join(", ", p.Cells.Select(c => $"{c.GuestCell}→{c.HostCell}"));

    private static string? Pins(Placement? p) =>
        p is null ? null : p.Cells.All(c => c.Pins.IsEmpty) ? "none (floating)" : string.Join(", ", p.Cells.SelectMany(c => c.Pins).Select(x => $"{x.Key}→{x.Value}"));

    private static string? PageSizes(Placement? p) =>
        p is null ? null : string.Join(", ", p.Cells.Select(c => c.PageSizeKiB is { } k ? HtmlText.PageSize(k) : "not asked").Distinct());

    private static string? Memory(Placement? p) =>
        p is null ? null : string.Join(", ", p.Cells.Select(c => HtmlText.MiB(c.MemoryMiB)));

    private static string Set(string set) => set.Length == 0 ? "none" : set;
}
