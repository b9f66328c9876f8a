using System.Text.RegularExpressions;
using Smog.OpenStack.Config;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>
/// The one place an exception becomes an exit code and one stderr line. Spectre's parse and
/// conversion errors are reworded in plain terms (never .NET type names); anything unexpected
/// is an internal error.
/// </summary>
internal static partial class CliErrors
{
    public static (int Exit, string Message) Map(Exception e, IReadOnlyList<string> args) => e switch
    {
        InputException or ConfigException => (ExitCodes.BadInput, OneLine(e.Message)),
        CheckFailedException => (ExitCodes.CheckFailed, OneLine(e.Message)),
        CommandParseException p => (ExitCodes.BadInput, Parse(p.Message, args)),
        CommandRuntimeException r when IsUsage(r) => (ExitCodes.BadInput, Runtime(r, args)),
        _ => (ExitCodes.InternalError, $"internal error (a bug in smog; SMOG_DEBUG=1 shows where): {OneLine(e.Message)}"),
    };

    private static string Parse(string message, IReadOnlyList<string> args)
    {
        var verb = CommandRegistry.VerbPath(args);
        var help = $"(see {verb} --help)";
        if (UnknownOption().Match(message) is { Success: true } o) return $"unknown option '{Spelled(o.Groups[1].Value, args)}' for '{verb}' {help}";
        // A verb without sub-verbs has no "unknown verb", only a word it did not expect.
        if (UnknownCommand().Match(message) is { Success: true } leaf && IsLeaf(verb, leaf.Groups[1].Value)) return $"unexpected argument '{leaf.Groups[1].Value}' for '{verb}' {help}";
        if (UnknownCommand().Match(message) is { Success: true } c) return $"unknown verb '{c.Groups[1].Value}' for '{ParentOf(verb, c.Groups[1].Value)}' (see {ParentOf(verb, c.Groups[1].Value)} --help)";
        if (NoValue().Match(message) is { Success: true } v) return $"{Spelled(v.Groups[1].Value, args)} needs a value";
        if (Unmatched().Match(message) is { Success: true } a) return $"unexpected argument '{a.Groups[1].Value}' for '{verb}' {help}";
        if (message.StartsWith("Flags cannot be assigned", StringComparison.Ordinal)) return $"an on/off option takes no value {help}";
        return $"{OneLine(message).TrimEnd('.')} {help}";
    }

    private static string Runtime(CommandRuntimeException e, IReadOnlyList<string> args)
    {
        if (ConversionFailed().Match(e.Message) is not { Success: true } m) return OneLine(e.Message);
        var value = m.Groups[1].Value;
        var option = OptionGiven(value, args);
        // 99999999999 for an int is a whole number, just not one smog can hold.
        var what = IsOverflow(e) ? "in range" : Expected(e.InnerException?.Message ?? m.Groups[2].Value);
        return option is null ? $"'{value}' is not {what}" : $"{option}: '{value}' is not {what}";
    }

    /// <summary>Validation and conversion failures are the user's; the rest of Spectre's runtime errors are wiring bugs.</summary>
    private static bool IsUsage(CommandRuntimeException e) =>
        e.InnerException is null or FormatException or ArgumentException or OverflowException || ConversionFailed().IsMatch(e.Message);

    private static bool IsOverflow(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is OverflowException || x.Message.Contains("too large or too small", StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>What a type converter wanted, in words: its message names the CLR type (Int32, Double, Boolean).</summary>
    private static string Expected(string converterMessage) => converterMessage switch
    {
        _ when converterMessage.Contains("Int", StringComparison.Ordinal) => "a whole number",
        _ when converterMessage.Contains("Double", StringComparison.Ordinal) || converterMessage.Contains("Decimal", StringComparison.Ordinal) => "a number",
        _ when converterMessage.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ => "a valid value",
    };

    /// <summary>The option as the user typed it: Spectre's token value has no dashes.</summary>
    private static string Spelled(string name, IReadOnlyList<string> args) =>
        args.FirstOrDefault(a => a == $"--{name}" || a.StartsWith($"--{name}=", StringComparison.Ordinal))?.Split('=')[0]
        ?? (name.Length == 1 ? $"-{name}" : $"--{name}");

    /// <summary>The option a bad value was given to: the argument just before it, or OPTION=VALUE.</summary>
    private static string? OptionGiven(string value, IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith('-') && args[i].EndsWith($"={value}", StringComparison.Ordinal)) return args[i].Split('=')[0];
            if (i > 0 && args[i] == value && args[i - 1].StartsWith('-')) return args[i - 1];
        }
        return null;
    }

    private static bool IsLeaf(string verb, string unknown) =>
        ParentOf(verb, unknown) == verb && verb != "smog" && !CommandRegistry.Branches.Contains(verb.Split(' ')[^1]);

    private static string ParentOf(string verb, string unknown) => verb.EndsWith($" {unknown}", StringComparison.Ordinal) ? verb[..^(unknown.Length + 1)] : verb;

    private static string OneLine(string s) => s.ReplaceLineEndings("\n").Split('\n', 2)[0].Trim();

    [GeneratedRegex("^(?:Unknown|Unexpected) option '(.+)'\\.$")]
    private static partial Regex UnknownOption();

    [GeneratedRegex("^Unknown command '(.+)'\\.$")]
    private static partial Regex UnknownCommand();

    [GeneratedRegex("^Option '(.+)' is defined but no value has been provided\\.$")]
    private static partial Regex NoValue();

    [GeneratedRegex("^Could not match '(.+)' with an argument\\.$")]
    private static partial Regex Unmatched();

    [GeneratedRegex("^Failed to convert '(.*)' to ([^.]+)\\.")]
    private static partial Regex ConversionFailed();
}
