using Smog.Cli.Rendering;
using Spectre.Console;

namespace Smog.Tests.Cli.Rendering;

public class FittedTableTests
{
    private static string Render(FittedTable table, int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = width;
        table.Write(console);
        return output.ToString().ReplaceLineEndings("\n");
    }

    private static FittedTable Findings() => new FittedTable(
            new Column("rule"),
            new Column("message") { WhenNarrow = WhenNarrow.MoveToDetails, MinWidth = 20 },
            new Column("note") { WhenNarrow = WhenNarrow.Drop, Priority = 1 })
        .AddRow("pin.cell", "vCPU 3 runs on pCPU 7, outside host cell 1", "see the fitter")
        .AddRow("numa.mode", "", "-")
        .Legend("×: a symbol explained");

    [Fact]
    public void A_moved_column_becomes_a_numbered_paragraph_under_the_legend()
    {
        // Given 30 columns: the message moves out, only rows that had one get a number
        var text = Render(Findings(), 30);

        Assert.Equal("""
            ╭───────────┬─────────┬─────╮
            │ rule      │ note    │ see │
            ├───────────┼─────────┼─────┤
            │ pin.cell  │ see the │ [1] │
            │           │ fitter  │     │
            │ numa.mode │ -       │     │
            ╰───────────┴─────────┴─────╯
            ×: a symbol explained
            [1] vCPU 3 runs on pCPU 7,
                outside host cell 1

            """, text);
    }

    [Fact]
    public void A_dropped_column_is_named_under_the_table()
    {
        var text = Render(Findings(), 22);

        Assert.DoesNotContain("fitter", text);
        Assert.Contains("(left out at 22\ncolumns: note;", text);
        Assert.All(text.Split('\n'), l => Assert.True(l.GetCellWidth() <= 22, l));
    }

    [Fact]
    public void A_table_that_cannot_fit_keeps_its_words_whole_and_says_so()
    {
        // Given columns that only fold, whose widest words need more than 20 columns
        var table = new FittedTable(new Column("severity"), new Column("rule"), new Column("actual"))
            .AddRow("error", "emulator.isolate", "0-1,7,14");

        var text = Render(table, 20);

        // Then Spectre neither splits a word nor collapses the table to "…"; a note says why it is wide
        Assert.Contains("│ error    │ emulator.isolate │ 0-1,7,14 │", text);
        Assert.DoesNotContain("…", text);
        Assert.Contains("(the table is wider than 20 columns; widen the terminal, set COLUMNS or use --output json)", text.Replace('\n', ' '));
    }
}
