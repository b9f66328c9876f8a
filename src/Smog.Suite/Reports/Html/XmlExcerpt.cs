using System.Globalization;
using System.Text;

namespace Smog.Suite.Reports.Html;

/// <summary>
/// The lines of a guest's domain XML a finding points at, with a little context: every line
/// numbered, the pointed-at ones marked with "▶" and highlighted (the mark is text, not only colour).
/// </summary>
internal static class XmlExcerpt
{
    private const int Context = 2;

    public static string Render(string? domainXml, IReadOnlyCollection<int> lines)
    {
        if (lines.Count == 0) return "";
        if (domainXml is null) return $"<p class=\"note\">Points at domain XML line{(lines.Count == 1 ? "" : "s")} {string.Join(", ", lines)}, but the domain XML was not read.</p>";
        var all = domainXml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var inRange = lines.Where(l => l >= 1 && l <= all.Length).ToHashSet();
        var html = new StringBuilder();
        var outside = lines.Where(l => !inRange.Contains(l)).ToList();
        if (outside.Count > 0)
            html.Append($"<p class=\"note\">Line{(outside.Count == 1 ? "" : "s")} {string.Join(", ", outside)} lie outside the domain XML ({all.Length} lines).</p>");
        if (inRange.Count == 0) return html.ToString();
        // Each pointed-at line with its context; distant groups are separated by a "⋮" line.
        var shown = inRange.SelectMany(l => Enumerable.Range(l - Context, (2 * Context) + 1))
            .Where(n => n >= 1 && n <= all.Length).Distinct().Order().ToList();
        var width = shown[^1].ToString(CultureInfo.InvariantCulture).Length;
        html.Append("<pre class=\"xml\" aria-label=\"domain XML excerpt\">");
        var previous = 0;
        foreach (var n in shown)
        {
            if (previous != 0 && n != previous + 1) html.Append("<span class=\"gap\">").Append(new string(' ', width)).Append("  ⋮</span>\n");
            previous = n;
            var hit = inRange.Contains(n);
            html.Append(hit ? "<mark class=\"hit\">" : "<span>")
                .Append("<span class=\"ln\">").Append(n.ToString(CultureInfo.InvariantCulture).PadLeft(width)).Append("</span>")
                .Append(hit ? " ▶ " : "   ")
                .Append(HtmlText.E(all[n - 1]))
                .Append(hit ? "</mark>" : "</span>").Append('\n');
        }
        return html.Append("</pre>").ToString();
    }
}
