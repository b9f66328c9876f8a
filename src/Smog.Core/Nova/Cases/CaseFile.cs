using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.Topology;

namespace Smog.Nova.Cases;

/// <summary>
/// One case of the oracle case schema (shared/oracle/README.md, "Direct oracle: case schema"):
/// the flavor and image parts. Partial so the host part can be declared next to the host model;
/// unknown fields (<c>description</c>, <c>limits</c>, …) are ignored.
/// </summary>
public sealed partial record NovaCase
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public required FlavorCase Flavor { get; init; }

    /// <summary>Glance properties; JSON strings, numbers and booleans become the strings Nova sees.</summary>
    [JsonConverter(typeof(ScalarStringMapConverter))]
    public ImmutableSortedDictionary<string, string>? ImageProperties { get; init; }

    public ImageProperties ToImageProperties() =>
        ImageProperties is { } props ? new ImageProperties(props) : Smog.Nova.ImageProperties.None;
}

/// <summary>The case's flavor: <c>vcpus</c>, <c>memory_mb</c> and string-valued <c>extra_specs</c>.</summary>
public sealed record FlavorCase
{
    public string? Name { get; init; }
    public required int Vcpus { get; init; }
    public required long MemoryMb { get; init; }

    [JsonConverter(typeof(ScalarStringMapConverter))]
    public ImmutableSortedDictionary<string, string>? ExtraSpecs { get; init; }

    public Flavor ToFlavor() =>
        new(Vcpus, MemoryMb, ExtraSpecs ?? ImmutableSortedDictionary<string, string>.Empty) { Name = Name };
}

/// <summary>Reads case files (one JSON object) and JSON Lines batches into <see cref="NovaCase"/>s.</summary>
public static class CaseFile
{
    public static Parsed<NovaCase> Parse(string json, string source, int? line = null)
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, NovaCaseJsonContext.Default.NovaCase);
            return value is null
                ? Parsed<NovaCase>.Fail(new ParseError(source, line, "a case object", "null"))
                : Parsed<NovaCase>.Ok(value);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
            return Parsed<NovaCase>.Fail(new ParseError(source, line ?? (int?)(e.LineNumber + 1), $"a case as in the oracle case schema{where}", FirstLine(e.Message)));
        }
    }

    /// <summary>Every non-blank line of a JSON Lines text, each parsed on its own (errors carry the line number).</summary>
    public static IEnumerable<Parsed<NovaCase>> ParseLines(string text, string source) =>
        text.Split('\n')
            .Select((content, index) => (content, line: index + 1))
            .Where(x => !string.IsNullOrWhiteSpace(x.content))
            .Select(x => Parse(x.content, source, x.line));

    private static string FirstLine(string message) => message.Split('\n')[0];
}

/// <summary>
/// Reads a JSON object of scalars into strings the way the oracle hands them to Nova: strings as
/// they are, numbers by their JSON text, booleans as Python prints them ("True"/"False"); nulls
/// are dropped. Writes strings back.
/// </summary>
public sealed class ScalarStringMapConverter : JsonConverter<ImmutableSortedDictionary<string, string>>
{
    public override ImmutableSortedDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object of string/number/boolean values");
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
                JsonTokenType.True => "True",
                JsonTokenType.False => "False",
                JsonTokenType.Null => null,
                _ => throw new JsonException($"'{key}' must be a string, number or boolean"),
            };
            if (value is not null) builder[key] = value;
        }
        return builder.ToImmutable();
    }

    public override void Write(Utf8JsonWriter writer, ImmutableSortedDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (k, v) in value) writer.WriteString(k, v);
        writer.WriteEndObject();
    }
}

/// <summary>Source-generated JSON for case files (snake_case names, unknown fields ignored).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NovaCase))]
public sealed partial class NovaCaseJsonContext : JsonSerializerContext;
