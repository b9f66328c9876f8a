using System.Collections.Immutable;

namespace Smog.Cli.Rendering;

/// <summary>What a column does when the table is too wide even with every column folded.</summary>
internal enum WhenNarrow
{
    /// <summary>Stays; folds between words down to its widest word.</summary>
    Fold,
    /// <summary>Leaves the table for the numbered details list below it (the row says <c>[n]</c>).</summary>
    MoveToDetails,
    /// <summary>Leaves the output; a note under the table names it.</summary>
    Drop,
}

/// <summary>A table column and how it gives way at narrow widths.</summary>
/// <param name="Header">Folds between words like any cell.</param>
internal sealed record Column(string Header)
{
    public WhenNarrow WhenNarrow { get; init; } = WhenNarrow.Fold;

    /// <summary>Among columns that give way, the lowest priority goes first (ties: rightmost first).</summary>
    public int Priority { get; init; }

    /// <summary>Folds no narrower than this (prose under ~20 characters a line is unreadable); never below its widest word.</summary>
    public int MinWidth { get; init; }
}

/// <summary>
/// Which columns a table shows at a width and how wide each is. A column is never narrower than
/// its widest word, so nothing is split mid-word; when that does not fit, columns give way by
/// priority (to the details list, or dropped). Pure: the renderer draws what this decides.
/// </summary>
/// <param name="Shown">Column indexes in table order.</param>
/// <param name="Widths">Content width of each shown column, then of the details reference column when <see cref="Detailed"/> is not empty.</param>
/// <param name="Fits">False when even the narrowest layout overflows the width.</param>
internal sealed record TableLayout(ImmutableArray<int> Shown, ImmutableArray<int> Widths, ImmutableArray<int> Detailed, ImmutableArray<int> Dropped, bool Fits)
{
    /// <summary>Spectre's bordered table: a border left of each column and one at the end, one space of padding each side.</summary>
    public static int Overhead(int columns) => 3 * columns + 1;

    public static TableLayout Decide(IReadOnlyList<Column> columns, IReadOnlyList<IReadOnlyList<CellText>> rows, int width, int referenceWidth)
    {
        var shown = Enumerable.Range(0, columns.Count).ToList();
        var detailed = new List<int>();
        var dropped = new List<int>();
        while (true)
        {
            var bounds = shown.Select(i => Bounds(columns[i], rows.Select(r => r[i]))).ToList();
            if (detailed.Count > 0) bounds.Add((referenceWidth, referenceWidth));
            var widths = ColumnWidths(bounds, width);
            var next = shown.Where(i => columns[i].WhenNarrow != WhenNarrow.Fold)
                .OrderBy(i => columns[i].Priority).ThenByDescending(i => i).Cast<int?>().FirstOrDefault();
            if (widths is not null || next is null)
                return new([.. shown], [.. widths ?? bounds.Select(b => b.Min)], [.. detailed.Order()], [.. dropped.Order()], widths is not null);
            (columns[next.Value].WhenNarrow == WhenNarrow.MoveToDetails ? detailed : dropped).Add(next.Value);
            shown.Remove(next.Value);
        }
    }

    private static (int Natural, int Min) Bounds(Column column, IEnumerable<CellText> cells)
    {
        var all = cells.Prepend(CellText.Of(column.Header)).ToList();
        var natural = all.Max(c => c.NaturalWidth);
        return (natural, Math.Max(all.Max(c => c.WidestWord), Math.Min(natural, column.MinWidth)));
    }

    /// <summary>
    /// Natural widths when they fit; else minimum widths plus the room left: first to the columns
    /// that then need no folding at all (smallest need first), the rest to whichever folds most.
    /// </summary>
    private static List<int>? ColumnWidths(IReadOnlyList<(int Natural, int Min)> bounds, int width)
    {
        var room = width - Overhead(bounds.Count);
        if (bounds.Sum(b => b.Natural) <= room) return [.. bounds.Select(b => b.Natural)];
        if (bounds.Sum(b => b.Min) > room) return null;
        var widths = bounds.Select(b => b.Min).ToList();
        var spare = room - widths.Sum();
        foreach (var i in Enumerable.Range(0, widths.Count).OrderBy(i => bounds[i].Natural - widths[i]))
        {
            var need = bounds[i].Natural - widths[i];
            if (need > spare) break;
            widths[i] += need;
            spare -= need;
        }
        for (; spare > 0; spare--)
        {
            var widest = Enumerable.Range(0, widths.Count).MaxBy(i => bounds[i].Natural - widths[i]);
            if (bounds[widest].Natural == widths[widest]) break;
            widths[widest]++;
        }
        return widths;
    }
}
