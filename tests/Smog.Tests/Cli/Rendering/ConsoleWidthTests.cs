using Smog.Cli.Rendering;

namespace Smog.Tests.Cli.Rendering;

public class ConsoleWidthTests
{
    public static TheoryData<string, int?, string?, int> Cases => new()
    {
        { "a terminal wins over COLUMNS", 132, "160", 132 },
        { "redirected output follows COLUMNS", null, "160", 160 },
        { "redirected output without COLUMNS is 80 wide", null, null, 80 },
        { "COLUMNS that is not a number is ignored", null, "wide", 80 },
        { "COLUMNS below the narrowest width is ignored", null, "5", 80 },
        { "a signed COLUMNS is ignored", null, "+120", 80 },
        { "a terminal that reports no width falls back to COLUMNS", 0, "100", 100 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Width_is_the_terminal_else_COLUMNS_else_80(string description, int? terminal, string? columns, int expected)
    {
        Assert.True(expected == ConsoleWidth.Decide(terminal, columns), description);
    }
}
