using System.Text.Json;
using System.Text.Json.Serialization;

namespace Smog.OpenStack.Compute;

/// <summary>Flavor swap is "" (no swap) before microversion 2.75 and an integer after.</summary>
public sealed class EmptyStringAsZero : JsonConverter<int?>
{
    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetInt32(),
        JsonTokenType.String when reader.GetString() is "" => 0,
        JsonTokenType.String when int.TryParse(reader.GetString(), out var n) => n,
        _ => throw new JsonException($"expected an integer or \"\", got {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is { } v) writer.WriteNumberValue(v);
        else writer.WriteNullValue();
    }
}

/// <summary>Writes <see cref="ServerNetworks"/> as "none"/"auto" or a list of network refs.</summary>
public sealed class ServerNetworksConverter : JsonConverter<ServerNetworks>
{
    public override ServerNetworks Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new ServerNetworks(reader.GetString(), []);
        var refs = new List<NetworkRef>();
        using var doc = JsonDocument.ParseValue(ref reader);
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            refs.Add(new NetworkRef
            {
                NetworkId = Str(item, "uuid"),
                PortId = Str(item, "port"),
                FixedIp = Str(item, "fixed_ip"),
                Tag = Str(item, "tag"),
            });
        }
        return new ServerNetworks(null, refs);
    }

    public override void Write(Utf8JsonWriter writer, ServerNetworks value, JsonSerializerOptions options)
    {
        if (value.Keyword is { } keyword)
        {
            writer.WriteStringValue(keyword);
            return;
        }
        writer.WriteStartArray();
        foreach (var r in value.Refs)
        {
            writer.WriteStartObject();
            if (r.NetworkId is not null) writer.WriteString("uuid", r.NetworkId);
            if (r.PortId is not null) writer.WriteString("port", r.PortId);
            if (r.FixedIp is not null) writer.WriteString("fixed_ip", r.FixedIp);
            if (r.Tag is not null) writer.WriteString("tag", r.Tag);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
}

/// <summary>Writes <see cref="ServerAction"/> as <c>{"name": {...}}</c> or <c>{"name": null}</c>; live migration's host is null (the scheduler picks).</summary>
public sealed class ServerActionConverter : JsonConverter<ServerAction>
{
    public override ServerAction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var property = doc.RootElement.EnumerateObject().FirstOrDefault();
        if (property.Value.ValueKind != JsonValueKind.Object) return new ServerAction(property.Name, null);
        var argument = property.Value.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return new ServerAction(property.Name, argument);
    }

    public override void Write(Utf8JsonWriter writer, ServerAction value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(value.Name);
        if (value.Argument is null) writer.WriteNullValue();
        else
        {
            writer.WriteStartObject();
            foreach (var (key, text) in value.Argument) writer.WriteString(key, text);
            if (value.Name == "os-migrateLive") writer.WriteNull("host");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }
}
