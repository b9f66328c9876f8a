using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>Wires the verbs; holds no logic beyond that and the one error handler.</summary>
public static class SmogApp
{
    public static int Run(string[] args, IAnsiConsole? console = null, TextWriter? error = null)
    {
        var app = new CommandApp();
        console ??= Rendering.ConsoleWidth.CreateConsole();
        app.Configure(config =>
        {
            config.SetApplicationName("smog");
            config.ConfigureConsole(console);
            config.Settings.PropagateExceptions = true;
            CommandRegistry.Register(config);
        });
        error ??= Console.Error;
        try
        {
            return app.Run(args);
        }
        catch (InputException e)
        {
            error.WriteLine($"smog: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (CheckFailedException e)
        {
            error.WriteLine($"smog: {e.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (Smog.OpenStack.Config.ConfigException e)
        {
            // clouds.yaml / OS_* problems: already one line naming the file or variable and key.
            error.WriteLine($"smog: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (CommandAppException e)
        {
            error.WriteLine($"smog: {FirstLine(e.Message)}");
            return ExitCodes.BadInput;
        }
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}

/// <summary>The exit-code contract of every verb (architecture sketch).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;
}

/// <summary>
/// Bad input from the user: the message is one line naming the file or field at fault.
/// The CLI prints it on stderr and exits <see cref="ExitCodes.BadInput"/>.
/// </summary>
public sealed class InputException(string message) : Exception(message);

/// <summary>
/// A check or prediction came out negative (exit <see cref="ExitCodes.CheckFailed"/>); the
/// message is one line saying why.
/// </summary>
public sealed class CheckFailedException(string message) : Exception(message);
