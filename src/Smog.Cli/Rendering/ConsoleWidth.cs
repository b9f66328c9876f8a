using System.Globalization;
using Spectre.Console;

namespace Smog.Cli.Rendering;

/// <summary>
/// The one place the output width is decided: the terminal's width when stdout is a terminal,
/// else <c>$COLUMNS</c> when it is a whole number of at least <see cref="Narrowest"/>, else
/// <see cref="Default"/>. Renderers read the result from <c>IAnsiConsole.Profile.Width</c>, so
/// in-process tests set the width on the console they pass in.
/// </summary>
internal static class ConsoleWidth
{
    public const int Default = 80;
    public const int Narrowest = 20;

    /// <param name="terminalWidth">The terminal's width, or null when stdout is not a terminal.</param>
    /// <param name="columns">The value of <c>$COLUMNS</c>, if set.</param>
    public static int Decide(int? terminalWidth, string? columns) =>
        terminalWidth is >= Narrowest ? terminalWidth.Value
        : int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= Narrowest ? c
        : Default;

    /// <summary>A console for stdout whose width follows <see cref="Decide"/>.</summary>
    public static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        console.Profile.Width = Decide(Console.IsOutputRedirected ? null : TerminalWidth(), Environment.GetEnvironmentVariable("COLUMNS"));
        return console;
    }

    private static int? TerminalWidth()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return null; }
    }
}
