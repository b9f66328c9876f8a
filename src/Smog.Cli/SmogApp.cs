using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>Wires the verbs; holds no logic beyond that and the one error handler.</summary>
public static class SmogApp
{
    public static int Run(string[] args, IAnsiConsole? console = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var app = new CommandApp();
        console ??= Rendering.ConsoleWidth.CreateConsole();
        app.Configure(config =>
        {
            config.SetApplicationName("smog");
            config.SetApplicationVersion(SmogVersion.Text);
            config.ConfigureConsole(console);
            // An unknown option is a usage error, never silently ignored (--xlm for --xml).
            config.UseStrictParsing();
            config.SetInterceptor(new MissingValueGuard());
            config.Settings.PropagateExceptions = true;
            config.SetHelpProvider(new PlainHelpProvider(config.Settings));
            config.Settings.Registrar.RegisterInstance(new StandardError(error));
            CommandRegistry.Register(config, args);
        });
        try
        {
            return app.Run(CommandRegistry.IsBareBranch(args) ? [.. args, "--help"] : args);
        }
        catch (Exception e)
        {
            var (exit, message) = CliErrors.Map(e, args);
            error.WriteLine($"smog: {message}");
            if (exit == ExitCodes.InternalError && Environment.GetEnvironmentVariable("SMOG_DEBUG") == "1") error.WriteLine(e);
            return exit;
        }
    }
}

/// <summary>The exit-code contract of every verb (architecture sketch); <c>smog --help</c> and the README state it.</summary>
public static class ExitCodes
{
    /// <summary>Success; also a plan whose case does not fit (the output says so).</summary>
    public const int Ok = 0;

    /// <summary>A check found an error: a verify or lint finding of severity error.</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad input or usage; one stderr line names the file, field or option at fault.</summary>
    public const int BadInput = 2;

    /// <summary>A bug in smog (sysexits EX_SOFTWARE); one stderr line, the stack trace with SMOG_DEBUG=1.</summary>
    public const int InternalError = 70;
}

/// <summary>Where a verb writes notes that are not its result (stdout stays parseable).</summary>
public sealed record StandardError(TextWriter Writer);

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
