using Spectre.Console;

namespace Smog.Cli.Rendering;

/// <summary>
/// A table laid out for the console's width (<see cref="TableLayout"/>), drawn by Spectre with
/// cells already folded, then its legend, the details list of columns that moved out, and a
/// note naming dropped columns.
/// </summary>
internal sealed class FittedTable(params Column[] columns)
{
    private const string ReferenceHeader = "see";
    private readonly List<IReadOnlyList<CellText>> _rows = [];
    private readonly List<string> _legend = [];

    public string? Title { get; init; }
    public bool ShowHeaders { get; init; } = true;
    public TableBorder Border { get; init; } = TableBorder.Rounded;

    public FittedTable AddRow(params CellText[] cells)
    {
        if (cells.Length != columns.Length) throw new ArgumentException($"{cells.Length} cells for {columns.Length} columns", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>A line under the table explaining a symbol it uses.</summary>
    public FittedTable Legend(string text)
    {
        _legend.Add(text);
        return this;
    }

    public void Write(IAnsiConsole console)
    {
        var width = console.Profile.Width;
        var referenceWidth = Math.Max(ReferenceHeader.Length, Reference(_rows.Count).Length);
        var layout = TableLayout.Decide(columns, _rows, width, referenceWidth);
        var references = DetailRows(layout);
        if (layout.Fits) console.Write(Draw(layout, references));
        else WriteWide(console, Draw(layout, references), TableLayout.Overhead(layout.Widths.Length) + layout.Widths.Sum());
        foreach (var line in _legend) WriteHanging(console, Word.Of(""), CellText.Of(line).Lines.SelectMany(l => l), width, indent: false);
        foreach (var (row, number) in references)
            WriteDetails(console, row, number, layout, width);
        if (!layout.Dropped.IsEmpty)
            WriteHanging(console, Word.Of(""), CellText.Of($"(left out at {width} columns: {string.Join(", ", layout.Dropped.Select(i => columns[i].Header))}; "
                + "widen the terminal, set COLUMNS or use --output json)").Lines.SelectMany(l => l), width, indent: false);
    }

    /// <summary>
    /// A table narrower than its widest words cannot fit: Spectre would split those words, or print
    /// only "…". Draw it at the width it needs (the terminal wraps whole lines) and say so.
    /// </summary>
    private static void WriteWide(IAnsiConsole console, Table table, int needed)
    {
        var text = new StringWriter();
        var wide = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = console.Profile.Capabilities.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = (ColorSystemSupport)console.Profile.Capabilities.ColorSystem,
            Out = new AnsiConsoleOutput(text),
        });
        wide.Profile.Width = needed;
        wide.Write(table);
        console.Profile.Out.Writer.Write(text.ToString());
        WriteHanging(console, Word.Of(""), CellText.Of($"(the table is wider than {console.Profile.Width} columns; "
            + "widen the terminal, set COLUMNS or use --output json)").Lines.SelectMany(l => l), console.Profile.Width, indent: false);
    }

    private Table Draw(TableLayout layout, Dictionary<int, int> references)
    {
        var table = new Table().Border(Border);
        if (Title is not null) table.Title(Markup.Escape(Title));
        if (!ShowHeaders) table.HideHeaders();
        var headers = layout.Shown.Select(i => columns[i].Header).ToList();
        if (!layout.Detailed.IsEmpty) headers.Add(ReferenceHeader);
        for (var c = 0; c < headers.Count; c++)
            table.AddColumn(new TableColumn(new Markup(string.Join("\n", CellText.Of(headers[c]).Fold(layout.Widths[c])))).NoWrap());
        for (var r = 0; r < _rows.Count; r++)
        {
            var cells = layout.Shown.Select((i, c) => Cell(_rows[r][i], layout.Widths[c])).ToList();
            if (!layout.Detailed.IsEmpty) cells.Add(new Markup(references.TryGetValue(r, out var n) ? Markup.Escape(Reference(n)) : ""));
            table.AddRow(cells);
        }
        return table;
    }

    private static Markup Cell(CellText text, int width) => new(string.Join("\n", text.Fold(width)));

    /// <summary>Rows with something in a moved column, numbered from 1 in row order.</summary>
    private Dictionary<int, int> DetailRows(TableLayout layout) =>
        Enumerable.Range(0, _rows.Count).Where(r => layout.Detailed.Any(i => !_rows[r][i].IsEmpty))
            .Select((r, n) => (r, n + 1)).ToDictionary(p => p.r, p => p.Item2);

    /// <summary>Each moved column a hanging paragraph, labelled with its header when more than one moved.</summary>
    private void WriteDetails(IAnsiConsole console, int row, int number, TableLayout layout, int width)
    {
        var first = true;
        foreach (var i in layout.Detailed.Where(i => !_rows[row][i].IsEmpty))
        {
            var words = _rows[row][i].Lines.SelectMany(l => l);
            if (layout.Detailed.Length > 1) words = words.Prepend(Word.Of($"{columns[i].Header}:"));
            WriteHanging(console, Word.Of(first ? Reference(number) : new string(' ', Reference(number).Length)), words, width, indent: true);
            first = false;
        }
    }

    private static void WriteHanging(IAnsiConsole console, Word lead, IEnumerable<Word> words, int width, bool indent)
    {
        var lines = indent ? Folding.Hanging(lead, words, width) : Folding.Fold([.. words], width);
        foreach (var line in lines) console.MarkupLine(line);
    }

    private static string Reference(int number) => $"[{number}]";
}
