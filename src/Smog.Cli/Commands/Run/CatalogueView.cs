using Smog.Cli.Rendering;
using Smog.Suite.Scenarios;
using Spectre.Console;

namespace Smog.Cli.Commands.Run;

/// <summary><c>smog run --list</c>: the catalogue, one scenario a row.</summary>
internal static class CatalogueView
{
    public static void Write(IAnsiConsole console, IEnumerable<Scenario> scenarios)
    {
        var table = new FittedTable(
            new Column("id"),
            new Column("needs"),
            new Column("purpose") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1, MinWidth = 24 });
        foreach (var s in scenarios)
            table.AddRow(s.Id, string.Join(" ", s.Needs) + (s.Exclusive ? " (alone)" : ""), s.Purpose);
        table.Write(console);
    }
}
