using Smog.Cli.Rendering;

namespace Smog.Tests.Cli.Rendering;

public class TableLayoutTests
{
    private static readonly Column[] Columns =
    [
        new("rule"),
        new("message") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 2, MinWidth = 20 },
        new("evidence") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1 },
        new("note") { WhenNarrow = WhenNarrow.Drop, Priority = 3 },
    ];

    private static readonly IReadOnlyList<CellText>[] Rows =
    [
        [CellText.Of("pin.cell"), CellText.Of("vCPU 3 runs on pCPU 7, outside host cell 1 where its guest cell's memory is bound"),
         CellText.Of("/domain/cputune/vcpupin[@vcpu='3']"), CellText.Of("see the fitter")],
    ];

    // Natural widths: rule 8, message 83, evidence 34, note 14 (+ 3 per column and 1).
    public static TheoryData<string, int, int[], int[], int[]> Cases => new()
    {
        { "everything fits unfolded", 160, [0, 1, 2, 3], [], [] },
        { "the message folds before anything gives way", 110, [0, 1, 2, 3], [], [] },
        { "the lowest priority column moves to details first", 80, [0, 1, 3], [2], [] },
        { "then the next one", 45, [0, 3], [1, 2], [] },
        { "just wide enough for the message folded to its minimum", 50, [0, 1, 3], [2], [] },
        { "then a droppable column drops", 20, [0], [1, 2], [3] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Columns_give_way_by_priority(string description, int width, int[] shown, int[] detailed, int[] dropped)
    {
        var layout = TableLayout.Decide(Columns, Rows, width, referenceWidth: 3);

        Assert.True(shown.SequenceEqual(layout.Shown), $"{description}: shown {string.Join(",", layout.Shown)}");
        Assert.Equal(detailed, layout.Detailed);
        Assert.Equal(dropped, layout.Dropped);
        Assert.True(layout.Fits, description);
        Assert.True(layout.Widths.Sum() + TableLayout.Overhead(layout.Widths.Length) <= width, description);
    }

    [Fact]
    public void No_column_is_narrower_than_its_widest_word()
    {
        var layout = TableLayout.Decide(Columns, Rows, 110, referenceWidth: 3);

        Assert.True(layout.Widths[2] >= "/domain/cputune/vcpupin[@vcpu='3']".Length);
        Assert.True(layout.Widths[1] >= 20);
    }

    [Fact]
    public void A_table_that_cannot_fit_says_so_and_keeps_its_words_whole()
    {
        var layout = TableLayout.Decide([new Column("rule")], [[CellText.Of("CPUThreadPolicyConfigurationInvalid")]], 20, referenceWidth: 3);

        Assert.False(layout.Fits);
        Assert.Equal([35], layout.Widths);
    }

    [Theory]
    [InlineData("a b c d", 3, new[] { "a b", "c d" })]
    [InlineData("(3←v7) (4←v8)", 8, new[] { "(3←v7)", "(4←v8)" })]
    [InlineData("short averyverylongword x", 6, new[] { "short", "averyverylongword", "x" })]
    [InlineData("no 2 MiB pages free for 1536 MiB", 28, new[] { "no 2 MiB pages free for", "1536 MiB" })]
    [InlineData("took 9.54 ms of 2 s", 8, new[] { "took", "9.54 ms", "of 2 s" })]
    public void Folding_breaks_only_between_words(string text, int width, string[] expected)
    {
        Assert.Equal(expected, CellText.Of(text).Fold(width));
    }
}
