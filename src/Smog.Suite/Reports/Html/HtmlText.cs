using System.Text;

namespace Smog.Suite.Reports.Html;

/// <summary>Escaping for the HTML report: every string from the model goes through here, nothing else reaches the page.</summary>
internal static class HtmlText
{
    /// <summary>
    /// Text or attribute content: XML-forbidden characters dropped, then &amp; &lt; &gt; " ' encoded;
    /// everything else stays as UTF-8 (the page declares it), so "→" and "·" read as themselves.
    /// </summary>
    public static string E(string? text)
    {
        var clean = ReportText.Clean(text);
        if (clean.AsSpan().IndexOfAny("&<>\"'") < 0) return clean;
        var encoded = new StringBuilder(clean.Length + 16);
        foreach (var c in clean)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }
        return encoded.ToString();
    }

    /// <summary>
    /// A fragment id from any string: letters, digits, '.', '-' and '_' kept, the rest as '_', prefixed
    /// with its position so two hostile ids that clean to the same text stay distinct.
    /// </summary>
    public static string Id(string prefix, int index, string name)
    {
        var id = new StringBuilder(prefix).Append(index).Append('-');
        foreach (var c in name.Take(60)) id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return id.ToString();
    }

    public static string MiB(long mib) => mib >= 1024 && mib % 1024 == 0 ? $"{mib / 1024} GiB" : mib >= 1024 ? $"{mib / 1024.0:0.0} GiB" : $"{mib} MiB";

    public static string PageSize(long kib) => kib switch
    {
        4 => "4K",
        >= 1048576 when kib % 1048576 == 0 => $"{kib / 1048576}G",
        >= 1024 when kib % 1024 == 0 => $"{kib / 1024}M",
        _ => $"{kib}K",
    };
}
