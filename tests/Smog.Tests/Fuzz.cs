using CsCheck;
using Smog.Topology;

namespace Smog.Tests;

/// <summary>
/// Damage for fuzzing readers with real inputs: truncate, delete, swap, duplicate or shuffle
/// lines, splice or insert garbage, blow a number up, or empty the text; 1 to 3 per case.
/// </summary>
internal static class Fuzz
{
    /// <summary>Cases per input kind: <c>SMOG_FUZZ_CASES</c> when set (a campaign), else 1,500 (CI).</summary>
    public static int CasesPerFormat { get; } = CasesFrom(Environment.GetEnvironmentVariable("SMOG_FUZZ_CASES"));

    public const int DefaultCases = 1500;

    internal static int CasesFrom(string? variable) =>
        string.IsNullOrEmpty(variable) ? DefaultCases
        : int.TryParse(variable, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ArgumentException($"SMOG_FUZZ_CASES must be a positive whole number, not '{variable}'");

    private static readonly string Garbage = "<>\"'/=0123456789abcdefx:-, \n\t#P.LMB{}[]&;\u00e9\0";

    private static readonly Gen<string> GarbageText = Gen.Char[Garbage].Array[1, 12].Select(a => new string(a));

    /// <summary>One damage applied to a text; chained 1 to 3 times per case.</summary>
    public static Gen<Func<string, string>> Mutation(Gen<int> pick) => Gen.OneOf(
        pick.Select<int, Func<string, string>>(n => t => t.Length == 0 ? t : t[..(n % t.Length)]),               // truncate
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l => { if (l.Count > 0) l.RemoveAt(n % l.Count); })),
        Gen.Select(pick, pick).Select<(int, int), Func<string, string>>(p => t => EditLines(t, l =>
        {
            if (l.Count < 2) return;
            var (a, b) = (p.Item1 % l.Count, p.Item2 % l.Count);
            (l[a], l[b]) = (l[b], l[a]);
        })),
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l => { if (l.Count > 0) l.Insert(n % l.Count, l[n % l.Count]); })),
        Gen.Select(pick, GarbageText).Select<(int, string), Func<string, string>>(p => t =>
        {
            var at = t.Length == 0 ? 0 : p.Item1 % t.Length;
            return t[..at] + p.Item2 + t[Math.Min(t.Length, at + p.Item2.Length)..];
        }),
        Gen.Select(pick, GarbageText).Select<(int, string), Func<string, string>>(p => t => t.Insert(t.Length == 0 ? 0 : p.Item1 % t.Length, p.Item2)),
        pick.Select<int, Func<string, string>>(n => t => ReplaceNumber(t, n)),
        Gen.Const<Func<string, string>>(_ => ""),
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l =>
        {
            var rng = new Random(n);
            for (var i = l.Count - 1; i > 0; i--) { var j = rng.Next(i + 1); (l[i], l[j]) = (l[j], l[i]); }
        })));

    /// <summary>One of <paramref name="texts"/> (and its index) with 1 to 3 mutations applied.</summary>
    public static Gen<(int Index, string Text)> Damaged(IReadOnlyList<string> texts) =>
        Gen.Select(Gen.Int[0, texts.Count - 1], Mutation(Gen.Int[0, int.MaxValue]).Array[1, 3])
            .Select(p => (p.Item1, p.Item2.Aggregate(texts[p.Item1], (t, m) => m(t))));

    /// <summary>
    /// Runs <paramref name="check"/> on <see cref="CasesPerFormat"/> damaged texts; any exception it
    /// lets through fails the run. Returns the number of cases checked, which must be all of them.
    /// </summary>
    public static int Run(string kind, IReadOnlyList<string> texts, Action<string> check, ITestOutputHelper output) =>
        Run(kind, texts, (_, text) => check(text), output);

    /// <summary>As above; <paramref name="check"/> also gets the index of the text that was damaged.</summary>
    public static int Run(string kind, IReadOnlyList<string> texts, Action<int, string> check, ITestOutputHelper output)
    {
        Assert.NotEmpty(texts);
        var tally = Property.ForAll(Damaged(texts), d => check(d.Index, d.Text), iter: CasesPerFormat);
        output.WriteLine($"{kind}: {tally.Checked} damaged inputs, each a value or a one-line error");
        return (int)tally.Checked;
    }

    /// <summary>A parse failure is an expected answer when every error is one complete line.</summary>
    public static void AssertOneLineErrors(IEnumerable<ParseError> errors)
    {
        Assert.NotEmpty(errors);
        Assert.All(errors, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Expected));
            Assert.DoesNotContain('\n', e.ToString());
        });
    }

    /// <summary>A documented exception is an expected answer when its message is one non-empty line.</summary>
    public static void AssertOneLine(Exception e)
    {
        Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{e.GetType().Name} without a message");
        Assert.DoesNotContain('\n', e.Message);
    }

    private static string EditLines(string text, Action<List<string>> edit)
    {
        var lines = text.Split('\n').ToList();
        edit(lines);
        return string.Join('\n', lines);
    }

    private static string ReplaceNumber(string text, int n)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
        if (digits.Count == 0) return text;
        var at = digits[n % digits.Count];
        string[] replacements = ["99999999999999999999999", "-1", "2147483648", "0", "1048577", "4294967295"];
        return text[..at] + replacements[n % replacements.Length] + text[(at + 1)..];
    }
}
