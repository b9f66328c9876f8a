using Smog.Cli.Rendering;

namespace Smog.Tests.Cli.Rendering;

public class CellTextTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(20)]
    public void A_figure_never_folds_away_from_its_unit(int width)
    {
        var lines = CellText.Of("no 2 MiB pages free for 1.5 GiB (335.5 µs)").Fold(width).ToList();
        Assert.Contains(lines, l => l.Contains("2 MiB", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("1.5 GiB", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("(335.5 µs)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("MiB", StringComparison.Ordinal) || l.StartsWith("GiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Words_that_are_not_figures_still_fold() =>
        Assert.Equal(["the B", "team"], CellText.Of("the B team").Fold(5));
}
