using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Smog.OpenStack.Config;

/// <summary>
/// A scalar as written, with where it came from. <see cref="Plain"/> is true for unquoted YAML
/// scalars: those are the ones other tools turn into numbers (2.80 becomes 2.8).
/// </summary>
internal sealed record Scalar(string Text, bool Plain, string Origin)
{
    public override string ToString() => Text;
}

/// <summary>
/// The loose tree clouds.yaml is read into: <see cref="Scalar"/>, <see cref="ConfigMap"/> or
/// <see cref="List{T}"/> of nodes. Lives for one resolution; the result is immutable records.
/// </summary>
internal sealed class ConfigMap : Dictionary<string, object?>
{
    public ConfigMap() : base(StringComparer.Ordinal) { }

    public ConfigMap(IEnumerable<KeyValuePair<string, object?>> items) : this()
    {
        foreach (var (k, v) in items) this[k] = v;
    }

    public ConfigMap? Map(string key) => Get(key) as ConfigMap;

    public object? Get(string key) => TryGetValue(key, out var v) ? v : null;

    public Scalar? ScalarAt(string key) => Get(key) as Scalar;

    public string? Text(string key) => ScalarAt(key)?.Text;

    /// <summary>Recursive copy; scalars are immutable and shared.</summary>
    public ConfigMap Clone() => new(this.Select(kv => KeyValuePair.Create(kv.Key, CloneNode(kv.Value))));

    private static object? CloneNode(object? node) => node switch
    {
        ConfigMap m => m.Clone(),
        List<object?> l => l.Select(CloneNode).ToList(),
        _ => node,
    };

    /// <summary>
    /// secure.yaml over clouds.yaml and profile under cloud: maps merge key by key at every
    /// depth, anything else from <paramref name="over"/> replaces (openstacksdk's merge).
    /// </summary>
    public static ConfigMap DeepMerge(ConfigMap under, ConfigMap over)
    {
        var result = under.Clone();
        foreach (var (key, value) in over)
        {
            result[key] = value is ConfigMap om && result.Map(key) is { } um
                ? DeepMerge(um, om)
                : CloneNode(value);
        }
        return result;
    }
}

/// <summary>Reads clouds.yaml / secure.yaml / clouds.json (YAML is a superset of JSON).</summary>
internal static class ConfigYaml
{
    public static ConfigMap Load(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw ConfigException.Syntax(path, (int)e.Start.Line, FirstLine(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's parser throws these, without a position, on some broken documents ("{a[\t: b}").
            throw ConfigException.NotYaml(path);
        }
        if (stream.Documents.Count == 0) return new ConfigMap();
        return Convert(stream.Documents[0].RootNode, path) switch
        {
            ConfigMap m => m,
            null => new ConfigMap(),
            _ => throw ConfigException.Syntax(path, 1, "the top level must be a mapping"),
        };
    }

    private static object? Convert(YamlNode node, string path) => node switch
    {
        YamlMappingNode map => new ConfigMap(map.Children.Select(kv =>
            KeyValuePair.Create(KeyText(kv.Key, path), Convert(kv.Value, path)))),
        YamlSequenceNode seq => seq.Children.Select(c => Convert(c, path)).ToList(),
        YamlScalarNode s when IsNull(s) => null,
        YamlScalarNode s => new Scalar(s.Value ?? "", s.Style == ScalarStyle.Plain, path),
        _ => throw ConfigException.Syntax(path, (int)node.Start.Line, "aliases and tags are not supported"),
    };

    private static string KeyText(YamlNode key, string path) => key is YamlScalarNode { Value: { } v }
        ? v
        : throw ConfigException.Syntax(path, (int)key.Start.Line, "keys must be plain strings");

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    /// <summary>True for an unquoted number whose text another YAML reader would change (2.80 → 2.8).</summary>
    public static bool LosesDigitsAsFloat(Scalar s) =>
        s.Plain && s.Text.Contains('.') && s.Text.EndsWith('0')
        && double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
