using System.Text.Json;

namespace Smog.Topology;

/// <summary>
/// A System.Text.Json failure in the user's words: its messages name .NET types ("could not be
/// converted to Smog.Topology.NumaCell…") and end in "Path: $ | LineNumber: 0 | BytePositionInLine: 1".
/// </summary>
public static class JsonFaults
{
    public static string Describe(JsonException e)
    {
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return e.Path is { Length: > 1 } path ? $"wrong kind of value at {path.TrimStart('$', '.')}" : "the top level is not a JSON object";
        if (e.Message.IndexOf("missing required properties including: ", StringComparison.Ordinal) is var at and >= 0)
            return $"missing {e.Message[(at + 39)..].Split('.')[0].Replace("'", "", StringComparison.Ordinal)}";
        var message = e.Message.Split('\n')[0];
        var cut = message.IndexOfAny(" Path:", " LineNumber:");
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ').Replace("'", "", StringComparison.Ordinal);
    }

    private static int IndexOfAny(this string s, params string[] markers) =>
        markers.Select(m => s.IndexOf(m, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
}
