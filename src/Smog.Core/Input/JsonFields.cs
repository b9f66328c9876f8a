using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Smog.Topology;

namespace Smog.Input;

/// <summary>
/// A field that is missing or malformed; the message names the field. Thrown only inside the
/// readers of this folder, which turn it into a <see cref="ParseError"/> at their boundary.
/// </summary>
internal sealed class JsonFieldException(string message) : Exception(message);

/// <summary>Small typed readers over <see cref="JsonElement"/> that name the offending field.</summary>
internal static class JsonFields
{
    /// <summary>
    /// The boundary of every reader in this folder: a body that signals a bad field by throwing
    /// <see cref="JsonFieldException"/> (or overflows on a huge number) becomes one ParseError.
    /// </summary>
    public static Parsed<T> Guard<T>(string source, int? line, Func<Parsed<T>> read)
    {
        try
        {
            return read();
        }
        catch (JsonFieldException e)
        {
            return Parsed<T>.Fail(ParseError.Fault(source, line, e.Message));
        }
        catch (OverflowException)
        {
            return Parsed<T>.Fail(ParseError.Fault(source, line, "a number is out of range"));
        }
    }

    public static JsonElement? Opt(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement Req(JsonElement obj, string name, string path) =>
        Opt(obj, name) ?? throw new JsonFieldException($"{path}.{name} is missing");

    public static long Long(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) ? v
        : e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
        : throw new JsonFieldException(IsWholeNumber(e) ? $"{path} is out of range, found {e.GetRawText()}" : $"{path} must be an integer, found {Describe(e)}");

    private static bool IsWholeNumber(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.GetRawText().TrimStart('-').All(char.IsAsciiDigit);

    public static int Int(JsonElement e, string path)
    {
        var v = Long(e, path);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new JsonFieldException($"{path} is out of range, found {v}");
    }

    public static double Double(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Number ? e.GetDouble()
        : e.ValueKind == JsonValueKind.String && double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s
        : throw new JsonFieldException($"{path} must be a number, found {Describe(e)}");

    public static bool Bool(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new JsonFieldException($"{path} must be true or false, found {Describe(e)}"),
    };

    public static string Str(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new JsonFieldException($"{path} must be a string, found {Describe(e)}");

    public static IEnumerable<(JsonElement Item, string Path)> Array(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Select((item, i) => (item, $"{path}[{i}]"))
            : throw new JsonFieldException($"{path} must be an array, found {Describe(e)}");

    public static ImmutableArray<int> Ints(JsonElement e, string path) =>
        [.. Array(e, path).Select(x => Int(x.Item, x.Path))];

    /// <summary>A CPU set as a JSON array of ids or a list string ("0-3,8").</summary>
    public static CpuSet Cpus(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String)
            return CpuSet.TryParse(e.GetString(), out var set, out var error) ? set : throw new JsonFieldException($"{path}: {error}");
        var ids = Ints(e, path);
        if (ids.Any(i => i < 0 || i > CpuSet.MaxCpuId)) throw new JsonFieldException($"{path} holds a CPU id out of range");
        return CpuSet.Of(ids);
    }

    /// <summary>A Python-style str() of a scalar, as the oracle hands Nova flavor/image values.</summary>
    public static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        _ => e.GetRawText(),
    };

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => e.GetRawText(),
    };
}

