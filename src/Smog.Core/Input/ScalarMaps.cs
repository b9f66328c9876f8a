using System.Collections.Immutable;
using System.Text.Json;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>
/// Reads a JSON object of scalars into strings the way the oracle hands them to Nova: strings as
/// they are, numbers by their JSON text, booleans as Python prints them ("True"/"False"); nulls
/// are dropped. Used for extra specs and image properties.
/// </summary>
internal static class ScalarMaps
{
    public static ImmutableSortedDictionary<string, string> Read(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new JsonFieldException($"{path} must be an object of string, number or boolean values, found {Describe(e)}");
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                throw new JsonFieldException($"{Member(path, p.Name)} must be a string, number or boolean, found {Describe(p.Value)}");
            builder[p.Name] = Text(p.Value);
        }
        return builder.ToImmutable();
    }

    // A path in words ("the image properties") takes its key in front, a JSON path after a dot.
    private static string Member(string path, string name) => path.StartsWith("the ", StringComparison.Ordinal) ? $"{name} in {path}" : $"{path}.{name}";
}
