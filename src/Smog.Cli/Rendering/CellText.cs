using System.Collections.Immutable;
using Spectre.Console;

namespace Smog.Cli.Rendering;

/// <summary>
/// A piece of text that is never split: a rule id, an XPath, a CPU list, a core like
/// <c>(3←v7 11)</c>. <see cref="Markup"/> is what Spectre prints; <see cref="Width"/> its width in
/// terminal cells.
/// </summary>
internal readonly record struct Word(string Markup, int Width)
{
    public static Word Of(string text, string? style = null)
    {
        var escaped = Spectre.Console.Markup.Escape(text);
        return new(style is null ? escaped : $"[{style}]{escaped}[/]", text.GetCellWidth());
    }

    /// <summary>One word from parts written back to back.</summary>
    public static Word Concat(IEnumerable<Word> parts)
    {
        var list = parts.ToList();
        return new(string.Concat(list.Select(p => p.Markup)), list.Sum(p => p.Width));
    }
}

/// <summary>
/// What a table cell holds: lines of words. Layout folds a line only between words, at a single
/// space; hard line breaks are kept.
/// </summary>
internal sealed record CellText(ImmutableArray<ImmutableArray<Word>> Lines)
{
    public static readonly CellText Empty = new([]);

    /// <summary>Plain text: lines at '\n', words at spaces; a figure keeps its unit ("1536 MiB" never folds).</summary>
    public static CellText Of(string text, string? style = null) => new(
        [.. text.Split('\n').Select(line => WithUnits(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(w => Word.Of(w, style)).ToImmutableArray())]);

    private static readonly HashSet<string> Units = new(StringComparer.Ordinal) { "B", "KiB", "MiB", "GiB", "TiB", "µs", "ms", "s" };

    private static IEnumerable<string> WithUnits(string[] words)
    {
        for (var i = 0; i < words.Length; i++)
        {
            var isFigure = words[i].Length > 0 && words[i].All(c => char.IsAsciiDigit(c) || c is '.' or ',');
            if (isFigure && i + 1 < words.Length && Units.Contains(words[i + 1])) yield return $"{words[i]} {words[++i]}";
            else yield return words[i];
        }
    }

    public static CellText Words(IEnumerable<Word> words) => new([[.. words]]);

    /// <summary>Text that never folds, such as a figure with its unit.</summary>
    public static CellText Whole(string text) => Words([Word.Of(text)]);

    public static implicit operator CellText(string text) => Of(text);

    public bool IsEmpty => Lines.All(l => l.IsEmpty);

    /// <summary>The width with no folding: the longest line.</summary>
    public int NaturalWidth => Lines.Select(LineWidth).DefaultIfEmpty(0).Max();

    /// <summary>The narrowest width it folds to: the longest word.</summary>
    public int WidestWord => Lines.SelectMany(l => l).Select(w => w.Width).DefaultIfEmpty(0).Max();

    /// <summary>Markup lines no wider than <paramref name="width"/> unless a single word is.</summary>
    public IEnumerable<string> Fold(int width) => Lines.SelectMany(line => Folding.Fold(line, width));

    private static int LineWidth(ImmutableArray<Word> line) => line.Sum(w => w.Width) + Math.Max(0, line.Length - 1);
}

/// <summary>Greedy folding between words; a word wider than the line stays whole on its own line.</summary>
internal static class Folding
{
    public static IEnumerable<string> Fold(IReadOnlyList<Word> words, int width)
    {
        if (words.Count == 0)
        {
            yield return "";
            yield break;
        }
        var line = new List<string>();
        var used = 0;
        foreach (var word in words)
        {
            if (line.Count > 0 && used + 1 + word.Width > width)
            {
                yield return string.Join(" ", line);
                line.Clear();
                used = 0;
            }
            used += (line.Count > 0 ? 1 : 0) + word.Width;
            line.Add(word.Markup);
        }
        yield return string.Join(" ", line);
    }

    /// <summary>
    /// A paragraph for the lines under a table: <paramref name="lead"/> starts the first line and
    /// later lines are indented by its width, so the text reads as one hanging block.
    /// </summary>
    public static IEnumerable<string> Hanging(Word lead, IEnumerable<Word> words, int width)
    {
        var indent = new string(' ', lead.Width + 1);
        var lines = Fold(words.ToList(), Math.Max(1, width - indent.Length)).ToList();
        return lines.Select((l, i) => (i == 0 ? lead.Markup + " " : indent) + l);
    }

    /// <summary>Writes <paramref name="text"/> as a hanging paragraph after <paramref name="lead"/>, folded to the console's width.</summary>
    public static void WriteHanging(IAnsiConsole console, Word lead, string text)
    {
        foreach (var line in Hanging(lead, CellText.Of(text).Lines.SelectMany(l => l), console.Profile.Width)) console.MarkupLine(line);
    }
}
