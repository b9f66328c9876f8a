using YamlDotNet.RepresentationModel;

namespace Smog.Hosts;

/// <summary>
/// What both inventory readers (<see cref="InventoryParser"/> and <see cref="ComputeYmlReader"/>)
/// do with one YAML mapping: refuse unknown fields, read non-empty scalars, and word every
/// error as <c>FILE:LINE: field: problem</c>.
/// </summary>
internal sealed class InventoryYaml(string source)
{
    public InventoryException Error(YamlNode node, string field, string problem) =>
        new($"{source}:{node.Start.Line}: {field}: {problem}");

    /// <summary>The mapping's fields by name; a name not in <paramref name="known"/> is an error listing them.</summary>
    public Dictionary<string, YamlNode> Fields(YamlMappingNode map, string at, IReadOnlyCollection<string> known)
    {
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = Scalar(k);
            if (!known.Contains(key)) throw Error(k, $"{at}.{key}", $"unknown field (known: {string.Join(", ", known)})");
            values[key] = v;
        }
        return values;
    }

    /// <summary>A field's text; null when absent; an error when present but empty or not a scalar.</summary>
    public string? Text(Dictionary<string, YamlNode> values, string at, string field)
    {
        if (!values.TryGetValue(field, out var v)) return null;
        return v is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Error(v, $"{at}.{field}", "expected a non-empty value");
    }

    public static string Scalar(YamlNode node) => node is YamlScalarNode { Value: { } v } ? v : "";
}
