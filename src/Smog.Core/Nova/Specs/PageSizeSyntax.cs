using System.Globalization;
using System.Text.RegularExpressions;

namespace Smog.Nova.Specs;

/// <summary>
/// <c>hw:mem_page_size</c> / <c>hw_mem_page_size</c> values as Nova 26 reads them at boot
/// (<c>_get_numa_pagesize_constraint</c>): <c>small</c>, <c>large</c>, <c>any</c>, plain digits → KiB, otherwise an oslo IEC byte string (number, optional K/M/G/T with optional
/// <c>i</c>, then a mandatory unit <c>B</c> for bytes or <c>b</c>/<c>bit</c> for bits), divided by 1024.
/// </summary>
/// <remarks>
/// Nova keeps the quotient as a float: <c>2048B</c> is 2.0 KiB, <c>1000B</c> is 0.977 KiB
/// and still counts as "a page size was requested"; the instance cell stores it truncated
/// (<c>int()</c>). <see cref="ParsedPageSize.KiB"/> keeps the float, <see cref="ParsedPageSize.Request"/>
/// the stored value.
/// </remarks>
public static partial class PageSizeSyntax
{
    // oslo strutils UNIT_SYSTEM_INFO['IEC']; '$' also matches before a final newline, as in Python.
    [GeneratedRegex(@"(^[-+]?[0-9]*\.?[0-9]+)([KMGT]i?)?(b|bit|B)$", RegexOptions.CultureInvariant)]
    private static partial Regex IecBytes();

    // The flavor extra-specs API pattern (microversion ≥ 2.86), matched in full.
    [GeneratedRegex(@"^(?:large|small|any|[0-9]+([kKMGT]i?)?(b|bit|B)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiPattern();

    /// <summary>Parses a value the way nova-api does at server create; null when Nova raises MemoryPageSizeInvalid.</summary>
    public static ParsedPageSize? Parse(string request)
    {
        switch (request)
        {
            case "any": return ParsedPageSize.Any;
            case "large": return ParsedPageSize.Large;
            case "small": return ParsedPageSize.Small;
        }
        if (request.Length > 0 && request.All(char.IsAsciiDigit))
            return double.TryParse(request, NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? ParsedPageSize.OfKiB(kib) : null;
        var m = IecBytes().Match(request);
        if (!m.Success) return null;
        var magnitude = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (m.Groups[3].Value is "b" or "bit") magnitude /= 8;
        var exponent = m.Groups[2].Value.TrimEnd('i') switch { "K" => 1, "M" => 2, "G" => 3, "T" => 4, _ => 0 };
        var bytes = Math.Ceiling(magnitude * Math.Pow(1024, exponent));
        return ParsedPageSize.OfKiB(bytes / 1024);
    }

    /// <summary>Whether the flavor extra-specs API (≥ 2.86) accepts the value; it lets <c>2M</c> through although boot rejects it.</summary>
    public static bool MatchesApiPattern(string value) => ApiPattern().IsMatch(value);
}

/// <summary>
/// A page-size request as nova-api computes it: a keyword, or a size in KiB kept as a float.
/// <see cref="KiB"/> is 0 for the keywords.
/// </summary>
public readonly record struct ParsedPageSize(PageSizeKind Kind, double KiB)
{
    public static readonly ParsedPageSize Small = new(PageSizeKind.Small, 0);
    public static readonly ParsedPageSize Large = new(PageSizeKind.Large, 0);
    public static readonly ParsedPageSize Any = new(PageSizeKind.Any, 0);

    /// <summary>
    /// A computed size. Nova holds keywords and sizes in one number (−1, −2, −3 for small, large,
    /// any), so a byte string that works out to exactly −1, −2 or −3 KiB (<c>-2048B</c>) is that keyword.
    /// </summary>
    public static ParsedPageSize OfKiB(double kib) => kib switch
    {
        -1.0 => Small,
        -2.0 => Large,
        -3.0 => Any,
        _ => new(PageSizeKind.Explicit, kib),
    };

    /// <summary>Python truthiness: a zero size counts as "no page size requested".</summary>
    public bool IsRequested => Kind != PageSizeKind.Explicit || KiB != 0;

    /// <summary>The request stored on the instance cell (an integer field: <c>int()</c> truncates toward zero).</summary>
    public PageSizeRequest Request => Kind switch
    {
        PageSizeKind.Small => PageSizeRequest.Small,
        PageSizeKind.Large => PageSizeRequest.Large,
        PageSizeKind.Any => PageSizeRequest.Any,
        _ => PageSizeRequest.FromNova((long)Math.Truncate(KiB)),
    };
}
