using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smog.Topology;

/// <summary>Writes a <see cref="CpuSet"/> in its canonical list notation ("0-3,8").</summary>
public sealed class CpuSetJsonConverter : JsonConverter<CpuSet>
{
    public override CpuSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => CpuSet.TryParse(reader.GetString(), out var set, out var error)
                ? set : throw new JsonException($"invalid CPU list: {error}"),
            JsonTokenType.StartArray => ReadArray(ref reader),
            _ => throw new JsonException("expected a CPU list string such as \"0-3,8\""),
        };

    private static CpuSet ReadArray(ref Utf8JsonReader reader)
    {
        var ids = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var id) || id < 0 || id > CpuSet.MaxCpuId)
                throw new JsonException("expected CPU ids (non-negative integers)");
            ids.Add(id);
        }
        return CpuSet.Of(ids);
    }

    public override void Write(Utf8JsonWriter writer, CpuSet value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>Source-generated JSON for the topology contract (snake_case, as in the architecture sketch).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CpuSetJsonConverter)])]
[JsonSerializable(typeof(HostTopology))]
[JsonSerializable(typeof(DiscoveryReport))]
public sealed partial class TopologyJsonContext : JsonSerializerContext;
