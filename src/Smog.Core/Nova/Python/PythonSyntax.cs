using System.Globalization;
using System.Text.RegularExpressions;

namespace Smog.Nova.Python;

/// <summary>
/// How Nova 26 (Python 3.11) reads scalar strings: <c>int()</c>, <c>float()</c>,
/// oslo <c>is_int_like</c> and <c>bool_from_string</c>. Nova keeps extra specs as strings and
/// converts them late with these functions, so their leniency (whitespace, signs, digit
/// underscores) decides which flavors work.
/// </summary>
internal static partial class PythonSyntax
{
    /// <summary>oslo strutils TRUE_STRINGS / FALSE_STRINGS, compared after strip().lower().</summary>
    public static readonly IReadOnlyList<string> TrueStrings = ["1", "t", "true", "on", "y", "yes"];
    public static readonly IReadOnlyList<string> FalseStrings = ["0", "f", "false", "off", "n", "no"];

    // Python int() on a str: optional sign, decimal digits with single underscores between them.
    [GeneratedRegex(@"^[+-]?[0-9](_?[0-9])*$", RegexOptions.CultureInvariant)]
    private static partial Regex IntLiteral();

    // Python float() on a str (besides inf/nan): digits, optional fraction, optional exponent.
    [GeneratedRegex(@"^[+-]?([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatLiteral();

    /// <summary>Python <c>int(text)</c>; false where Python raises ValueError (or the value overflows a long).</summary>
    public static bool TryParseInt(string? text, out long value)
    {
        value = 0;
        if (text is null) return false;
        var s = text.Trim();
        return IntLiteral().IsMatch(s)
            && long.TryParse(s.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>oslo <c>is_int_like</c>: <c>str(int(v)) == str(v)</c>, so "07", "+1" and " 1" are not int-like.</summary>
    public static bool IsIntLike(string text) =>
        TryParseInt(text, out var v) && v.ToString(CultureInfo.InvariantCulture) == text;

    /// <summary>Python <c>float(text)</c>, including "inf", "infinity" and "nan" in any case.</summary>
    public static bool TryParseFloat(string? text, out double value)
    {
        value = 0;
        if (text is null) return false;
        var s = text.Trim();
        var unsigned = s.TrimStart('+', '-');
        var negative = s.StartsWith('-');
        if (unsigned.Length == s.Length - 1 || unsigned.Length == s.Length)
        {
            switch (unsigned.ToLowerInvariant())
            {
                case "inf" or "infinity":
                    value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                    return true;
                case "nan":
                    value = double.NaN;
                    return true;
            }
        }
        return FloatLiteral().IsMatch(s)
            && double.TryParse(s.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>oslo <c>bool_from_string(strict=True)</c>: null when the text is not boolean-like.</summary>
    public static bool? StrictBool(string? text)
    {
        var lowered = text?.Trim().ToLowerInvariant();
        if (lowered is null) return null;
        if (TrueStrings.Contains(lowered)) return true;
        if (FalseStrings.Contains(lowered)) return false;
        return null;
    }

    /// <summary>oslo <c>bool_from_string</c> as Nova calls it at boot: anything unrecognised is false.</summary>
    public static bool LenientBool(string? text) => StrictBool(text) ?? false;

    /// <summary>Python truthiness of an optional string: null and "" are false.</summary>
    public static bool Truthy(string? text) => !string.IsNullOrEmpty(text);
}
