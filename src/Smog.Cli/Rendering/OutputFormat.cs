using Spectre.Console;

namespace Smog.Cli.Rendering;

/// <summary>The <c>-o|--output</c> vocabulary every verb shares: <c>table</c> (default) or <c>json</c>.</summary>
internal static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    public static ValidationResult Validate(string value) =>
        value is Table or Json ? ValidationResult.Success() : ValidationResult.Error($"--output must be table or json, not '{value}'");
}
