using System.Collections.Immutable;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Smog.Suite.Config;

/// <summary>
/// <c>smog run --config run.yml</c>, the successor of the original tool's numa_vcpu_config.yml.
/// Every field is optional; command-line options override it. Relative paths are relative to
/// the config file. Schema in the README ("smog run").
/// </summary>
public sealed record RunConfig
{
    public static readonly RunConfig Empty = new();

    public string? Cloud { get; init; }
    public string? MemberCloud { get; init; }
    public string? Inventory { get; init; }
    public string? Image { get; init; }
    public string? Network { get; init; }
    public ImmutableArray<string> Scenarios { get; init; } = [];
    public ImmutableArray<string> Skip { get; init; } = [];
    public int? Parallel { get; init; }
    public TimeSpan? BootTimeout { get; init; }
    public TimeSpan? ActionTimeout { get; init; }
    public TimeSpan? DeleteTimeout { get; init; }
    /// <summary>The nova.conf <c>[libvirt] virt_type</c> the hosts must have (qemu, kvm).</summary>
    public string? VirtType { get; init; }
    public string? StateDir { get; init; }
}

/// <summary>A run config that cannot be used: <c>FILE:LINE: FIELD: problem</c>, one line.</summary>
public sealed class RunConfigException(string message) : Exception(message);

/// <summary>Reads <see cref="RunConfig"/> from YAML as a node tree, so each error names its line and field; unknown fields are errors.</summary>
public static class RunConfigReader
{
    private static readonly string[] Fields =
        ["cloud", "member_cloud", "inventory", "image", "network", "scenarios", "skip", "parallel", "timeouts", "virt_type", "state_dir"];
    private static readonly string[] TimeoutFields = ["boot", "action", "delete"];

    public static RunConfig Load(string path)
    {
        var text = Hosts.Files.LocalFiles.ReadText(path);
        if (!text.Success) throw new RunConfigException(text.Errors[0].ToString());
        return Parse(text.Value, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    public static RunConfig Parse(string text, string source, string baseDirectory)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new RunConfigException($"{source}:{e.Start.Line}: not valid YAML: {e.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new RunConfigException($"{source}: not valid YAML (the parser stopped without saying where)");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new RunConfigException($"{source}: expected a mapping (cloud: ..., scenarios: [...])");

        RunConfigException Error(YamlNode node, string field, string problem) => new($"{source}:{node.Start.Line}: {field}: {problem}");
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in root.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (!Fields.Contains(key)) throw Error(k, key, $"unknown field (known: {string.Join(", ", Fields)})");
            values[key] = v;
        }
        string? Text(string field, YamlNode? node = null)
        {
            if (node is null && !values.TryGetValue(field, out node)) return null;
            return node is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Error(node, field, "expected a non-empty text value");
        }
        ImmutableArray<string> List(string field)
        {
            if (!values.TryGetValue(field, out var node)) return [];
            if (node is YamlScalarNode) return [Text(field)!];
            if (node is not YamlSequenceNode seq) throw Error(node, field, "expected a list of scenario ids or globs");
            return [.. seq.Children.Select((c, i) => Text($"{field}[{i}]", c)!)];
        }
        int? Whole(string field, YamlNode? node, int min, int max)
        {
            if (Text(field, node) is not { } s) return null;
            return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
                : throw Error(node ?? values[field], field, $"expected a whole number {min}-{max}, found '{s}'");
        }
        string? FilePath(string field) => Text(field) is { } p ? Path.GetFullPath(p.StartsWith('~') ? Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), p[1..]) : p, baseDirectory) : null;

        TimeSpan? boot = null, action = null, delete = null;
        if (values.TryGetValue("timeouts", out var timeouts))
        {
            if (timeouts is not YamlMappingNode map) throw Error(timeouts, "timeouts", "expected a mapping (boot: 300, action: 300, delete: 120), in seconds");
            foreach (var (k, v) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!TimeoutFields.Contains(key)) throw Error(k, $"timeouts.{key}", $"unknown field (known: {string.Join(", ", TimeoutFields)})");
                var seconds = TimeSpan.FromSeconds(Whole($"timeouts.{key}", v, 1, 86400)!.Value);
                if (key == "boot") boot = seconds;
                else if (key == "action") action = seconds;
                else delete = seconds;
            }
        }
        var virt = Text("virt_type");
        if (virt is not null && virt is not ("qemu" or "kvm" or "lxc" or "parallels" or "uml" or "xen"))
            throw Error(values["virt_type"], "virt_type", $"expected a libvirt virt_type (qemu, kvm, …), found '{virt}'");
        return new RunConfig
        {
            Cloud = Text("cloud"),
            MemberCloud = Text("member_cloud"),
            Inventory = FilePath("inventory"),
            Image = Text("image"),
            Network = Text("network"),
            Scenarios = List("scenarios"),
            Skip = List("skip"),
            Parallel = values.ContainsKey("parallel") ? Whole("parallel", null, 1, 64) : null,
            BootTimeout = boot,
            ActionTimeout = action,
            DeleteTimeout = delete,
            VirtType = virt,
            StateDir = FilePath("state_dir"),
        };
    }
}
