using System.Text.Json;

namespace Smog.Cli;

/// <summary>
/// System.Text.Json's messages in plain words: without ".NET" type names ("could not be converted
/// to System.Int32") or its trailing "LineNumber: 0 | BytePositionInLine: 3" (callers give the line).
/// </summary>
internal static class JsonErrors
{
    public static string Plain(JsonException e)
    {
        var field = e.Path is { Length: > 1 } path ? $" at {path}" : "";
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)) return $"a value of the wrong kind{field}";
        var message = e.Message.ReplaceLineEndings(" ");
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).Trim().TrimEnd('.');
    }
}
