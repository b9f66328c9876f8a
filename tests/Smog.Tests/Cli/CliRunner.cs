using Smog.Cli;
using Spectre.Console;

namespace Smog.Tests.Cli;

/// <summary>Runs <c>smog</c> in-process with a plain, wide console and captured stdout/stderr.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(string[] args, int width = 200)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(stdout),
        });
        console.Profile.Width = width;
        var exit = SmogApp.Run(args, console, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
