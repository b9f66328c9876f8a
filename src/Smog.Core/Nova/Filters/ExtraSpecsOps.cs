using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.Filters;

/// <summary>The outcome of matching one aggregate value against one requirement.</summary>
public enum OpMatch
{
    NoMatch,
    Match,
    /// <summary>Nova raises here (a numeric operator on a non-number, or a bare <c>&lt;or&gt;</c>), failing the scheduling request.</summary>
    NovaRaises,
}

/// <summary>
/// Nova's scheduler extra-spec operators (<c>nova.scheduler.filters.extra_specs_ops.match</c>).
/// The requirement's first whitespace-separated word picks the operator; anything else is an
/// exact, case-sensitive comparison with the whole requirement.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>=</c> is numeric <b>at least</b> (value ≥ operand), not equality; <c>==</c>, <c>!=</c>,
/// <c>&gt;=</c>, <c>&lt;=</c> compare as floats (Python <c>float()</c>).</item>
/// <item><c>s==</c>, <c>s!=</c>, <c>s&lt;</c>, <c>s&lt;=</c>, <c>s&gt;</c>, <c>s&gt;=</c> compare strings by code point.</item>
/// <item><c>&lt;in&gt; x</c>: x is a substring of the value; <c>&lt;all-in&gt; a b</c>: every word is.</item>
/// <item><c>&lt;or&gt; a &lt;or&gt; b</c>: the value equals one of the words at odd positions (the
/// separators are skipped without being checked).</item>
/// <item>An operator without operand does not match; a bare <c>&lt;or&gt;</c> makes Nova raise.</item>
/// </list>
/// </remarks>
public static class ExtraSpecsOps
{
    private static readonly Dictionary<string, Func<double, double, bool>> Numeric = new(StringComparer.Ordinal)
    {
        ["="] = (x, y) => x >= y,
        ["=="] = (x, y) => x == y,
        ["!="] = (x, y) => x != y,
        [">="] = (x, y) => x >= y,
        ["<="] = (x, y) => x <= y,
    };

    private static readonly Dictionary<string, Func<int, bool>> Textual = new(StringComparer.Ordinal)
    {
        ["s=="] = c => c == 0,
        ["s!="] = c => c != 0,
        ["s<"] = c => c < 0,
        ["s<="] = c => c <= 0,
        ["s>"] = c => c > 0,
        ["s>="] = c => c >= 0,
    };

    public static OpMatch Match(string value, string requirement)
    {
        var words = requirement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var op = words.Length > 0 ? words[0] : null;
        var operands = words.Skip(1).ToArray();
        if (op == "<or>") return MatchOr(value, operands);
        if (op is null || !(Numeric.ContainsKey(op) || Textual.ContainsKey(op) || op is "<in>" or "<all-in>"))
            return Of(value == requirement);
        if (operands.Length == 0) return OpMatch.NoMatch;
        if (op == "<in>") return Of(value.Contains(operands[0], StringComparison.Ordinal));
        if (op == "<all-in>") return Of(operands.All(w => value.Contains(w, StringComparison.Ordinal)));
        if (Textual.TryGetValue(op, out var compare)) return Of(compare(string.CompareOrdinal(value, operands[0])));
        return PythonSyntax.TryParseFloat(value, out var x) && PythonSyntax.TryParseFloat(operands[0], out var y)
            ? Of(Numeric[op](x, y))
            : OpMatch.NovaRaises;
    }

    // "<or> a <or> b": compare a, skip one word, compare b, ... A bare "<or>" pops from an empty list in Nova.
    private static OpMatch MatchOr(string value, string[] operands)
    {
        if (operands.Length == 0) return OpMatch.NovaRaises;
        for (var i = 0; i < operands.Length; i += 2)
            if (operands[i] == value) return OpMatch.Match;
        return OpMatch.NoMatch;
    }

    private static OpMatch Of(bool matched) => matched ? OpMatch.Match : OpMatch.NoMatch;
}
