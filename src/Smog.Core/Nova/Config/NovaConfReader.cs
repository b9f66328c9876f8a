using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Smog.Topology;

namespace Smog.Nova.Config;

/// <summary>
/// Reads <see cref="NovaConf"/> from a real nova.conf (oslo.config's INI dialect: <c>[DEFAULT]</c>
/// and lower-case groups, <c>#</c>/<c>;</c> comment lines, indented continuation lines, a repeated
/// key adds a value to multi-valued options and replaces it elsewhere) or from a case's
/// <c>config</c> object (<c>{"compute": {…}, "DEFAULT": {…}}</c>; bare top-level keys are
/// <c>[compute]</c> options, as the direct oracle's schema has them). Options Smog does not use are
/// ignored; a bad value of one it uses is an error naming file, line and <c>[group] option</c>.
/// </summary>
public static class NovaConfReader
{
    private sealed record RawValue(string Text, int? Line);

    private sealed class BadOption(string message, int? line) : Exception(message)
    {
        public int? Line { get; } = line;
    }

    // Options oslo.config declares as MultiStrOpt/MultiOpt: repeating the key adds a value.
    private static readonly ImmutableHashSet<string> MultiValued =
        ["pci.device_spec", "pci.passthrough_whitelist", "pci.alias", "DEFAULT.reserved_huge_pages"];

    public static Parsed<NovaConf> ParseIni(string text, string source)
    {
        var values = new Dictionary<string, List<RawValue>>(StringComparer.Ordinal);
        string? section = null;
        string? lastKey = null;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';') continue;
            if (char.IsWhiteSpace(line[0]) && lastKey is not null)
            {
                // A continuation line extends the last value (iniparser, which oslo.config uses).
                var list = values[lastKey];
                list[^1] = list[^1] with { Text = list[^1].Text + "\n" + trimmed };
                continue;
            }
            if (trimmed[0] == '[')
            {
                if (!trimmed.EndsWith(']') || trimmed.Length < 3)
                    return Fail(source, i + 1, $"a section header like [compute], found '{trimmed}'");
                section = trimmed[1..^1].Trim();
                lastKey = null;
                continue;
            }
            var equals = trimmed.IndexOfAny(['=', ':']);
            if (equals <= 0) return Fail(source, i + 1, $"'option = value', found '{trimmed}'");
            if (section is null) return Fail(source, i + 1, $"a section header before the first option, found '{trimmed}'");
            var key = $"{section}.{trimmed[..equals].Trim()}";
            var value = new RawValue(trimmed[(equals + 1)..].Trim(), i + 1);
            if (!values.TryGetValue(key, out var existing)) values[key] = [value];
            else if (MultiValued.Contains(key)) existing.Add(value);
            else values[key] = [value];
            lastKey = key;
        }
        return Build(values, source);
    }

    /// <summary>The case schema's <c>config</c> object; null or absent means every option unset.</summary>
    public static Parsed<NovaConf> FromJson(JsonElement? config, string source)
    {
        if (config is not { } c || c.ValueKind == JsonValueKind.Null) return Parsed<NovaConf>.Ok(NovaConf.Default);
        if (c.ValueKind != JsonValueKind.Object) return Fail(source, null, $"config to be an object of nova.conf groups, found {c.ValueKind.ToString().ToLowerInvariant()}");
        var values = new Dictionary<string, List<RawValue>>(StringComparer.Ordinal);
        foreach (var entry in c.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var option in entry.Value.EnumerateObject())
                    if (JsonValues(option.Value) is { } list) values[$"{entry.Name}.{option.Name}"] = list;
            }
            else if (JsonValues(entry.Value) is { } list) values[$"compute.{entry.Name}"] = list;
        }
        return Build(values, source);
    }

    // JSON arrays are list or multi options: one value each (objects as their JSON text).
    private static List<RawValue>? JsonValues(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Array => [.. v.EnumerateArray().Select(x => new RawValue(Scalar(x), null))],
        _ => [new RawValue(Scalar(v), null)],
    };

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };

    private static Parsed<NovaConf> Build(Dictionary<string, List<RawValue>> values, string source)
    {
        try
        {
            var conf = new NovaConf
            {
                CpuDedicatedSet = Cpus(values, "compute.cpu_dedicated_set"),
                CpuSharedSet = Cpus(values, "compute.cpu_shared_set"),
                PackHostNumaCells = Bool(values, "compute.packing_host_numa_cells_allocation_strategy") ?? false,
                VcpuPinSet = Cpus(values, "DEFAULT.vcpu_pin_set"),
                ReservedHostMemoryMiB = Long(values, "DEFAULT.reserved_host_memory_mb") ?? 512,
                ReservedHugePages = [.. All(values, "DEFAULT.reserved_huge_pages").SelectMany(v => HugePages(v))],
                CpuAllocationRatio = Double(values, "DEFAULT.cpu_allocation_ratio"),
                RamAllocationRatio = Double(values, "DEFAULT.ram_allocation_ratio"),
                DiskAllocationRatio = Double(values, "DEFAULT.disk_allocation_ratio"),
                InitialCpuAllocationRatio = Double(values, "DEFAULT.initial_cpu_allocation_ratio") ?? 16.0,
                InitialRamAllocationRatio = Double(values, "DEFAULT.initial_ram_allocation_ratio") ?? 1.5,
                InitialDiskAllocationRatio = Double(values, "DEFAULT.initial_disk_allocation_ratio") ?? 1.0,
                VirtType = Choice(values, "libvirt.virt_type", ["kvm", "qemu", "lxc", "parallels"]) ?? "kvm",
                CpuMode = Choice(values, "libvirt.cpu_mode", ["host-model", "host-passthrough", "custom", "none"]),
                CpuModels = List(values, "libvirt.cpu_models"),
                RealtimeSchedulerPriority = (int?)Long(values, "libvirt.realtime_scheduler_priority") ?? 1,
                PciDeviceSpecs = [.. All(values, "pci.device_spec").Concat(All(values, "pci.passthrough_whitelist")).Select(v => v.Text)],
                PciAliases = [.. All(values, "pci.alias").Select(v => v.Text)],
                EnabledFilters = values.ContainsKey("filter_scheduler.enabled_filters") ? List(values, "filter_scheduler.enabled_filters") : null,
            };
            if (conf.PoolOverlap is { } overlap)
                throw new BadOption($"[compute] cpu_dedicated_set and cpu_shared_set overlap on {overlap} (nova-compute refuses to start)", Line(values, "compute.cpu_shared_set"));
            return Parsed<NovaConf>.Ok(conf);
        }
        catch (BadOption e)
        {
            return Parsed<NovaConf>.Fail(ParseError.Fault(source, e.Line, e.Message));
        }
    }

    private static IEnumerable<RawValue> All(Dictionary<string, List<RawValue>> values, string key) =>
        values.TryGetValue(key, out var list) ? list : [];

    private static RawValue? One(Dictionary<string, List<RawValue>> values, string key) =>
        values.TryGetValue(key, out var list) && list.Count > 0 ? list[^1] : null;

    private static int? Line(Dictionary<string, List<RawValue>> values, string key) => One(values, key)?.Line;

    private static string Name(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return $"[{key[..dot]}] {key[(dot + 1)..]}";
    }

    private static BadOption Bad(RawValue v, string key, string expected) =>
        new($"{Name(key)}: expected {expected}, found '{v.Text}'", v.Line);

    private static CpuSet? Cpus(Dictionary<string, List<RawValue>> values, string key)
    {
        if (One(values, key) is not { } v || v.Text.Length == 0) return null;
        return CpuSet.TryParse(v.Text, out var set, out var error) ? set : throw new BadOption($"{Name(key)}: {error}", v.Line);
    }

    private static bool? Bool(Dictionary<string, List<RawValue>> values, string key)
    {
        if (One(values, key) is not { } v) return null;
        return v.Text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            _ => throw Bad(v, key, "true or false"),
        };
    }

    private static long? Long(Dictionary<string, List<RawValue>> values, string key)
    {
        if (One(values, key) is not { } v) return null;
        return long.TryParse(v.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw Bad(v, key, "a whole number ≥ 0");
    }

    private static double? Double(Dictionary<string, List<RawValue>> values, string key)
    {
        if (One(values, key) is not { } v) return null;
        return double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && double.IsFinite(n)
            ? n : throw Bad(v, key, "a number ≥ 0");
    }

    private static string? Choice(Dictionary<string, List<RawValue>> values, string key, string[] allowed)
    {
        if (One(values, key) is not { } v) return null;
        var text = v.Text.ToLowerInvariant();
        return allowed.Contains(text) ? text : throw Bad(v, key, "one of " + string.Join(", ", allowed));
    }

    // oslo ListOpt: comma separated; a JSON array gives one value per item.
    private static ImmutableArray<string> List(Dictionary<string, List<RawValue>> values, string key) =>
        [.. All(values, key).SelectMany(v => v.Text.Split(',')).Select(s => s.Trim()).Where(s => s.Length > 0)];

    /// <summary><c>node:N,size:S,count:C</c>, S in KiB or with a unit (2048, 2MB, 1GB); several entries may share a value.</summary>
    private static IEnumerable<ReservedHugePages> HugePages(RawValue v)
    {
        const string Key = "DEFAULT.reserved_huge_pages";
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<ReservedHugePages>();
        void Flush()
        {
            if (fields.Count == 0) return;
            if (!fields.TryGetValue("node", out var node) || !fields.TryGetValue("size", out var size) || !fields.TryGetValue("count", out var count))
                throw Bad(v, Key, "node:N,size:S,count:C");
            if (!int.TryParse(node, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 0
                || PageSizeKiB(size) is not { } kib
                || !long.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) || c < 0)
                throw Bad(v, Key, "node:N,size:S,count:C with whole numbers");
            result.Add(new ReservedHugePages(n, kib, c));
            fields.Clear();
        }
        foreach (var part in v.Text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw Bad(v, Key, "node:N,size:S,count:C");
            var name = part[..colon].Trim().ToLowerInvariant();
            if (fields.ContainsKey(name)) Flush();
            fields[name] = part[(colon + 1)..].Trim();
        }
        Flush();
        return result;
    }

    private static long? PageSizeKiB(string text)
    {
        var t = text.Trim().ToUpperInvariant();
        var (digits, factor) = t.EndsWith("KB", StringComparison.Ordinal) ? (t[..^2], 1L)
            : t.EndsWith("MB", StringComparison.Ordinal) ? (t[..^2], 1024L)
            : t.EndsWith("GB", StringComparison.Ordinal) ? (t[..^2], 1024L * 1024)
            : t.EndsWith('K') ? (t[..^1], 1L) : t.EndsWith('M') ? (t[..^1], 1024L) : t.EndsWith('G') ? (t[..^1], 1024L * 1024)
            : (t, 1L);
        return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n * factor : null;
    }

    private static Parsed<NovaConf> Fail(string source, int? line, string expected) =>
        Parsed<NovaConf>.Fail(new ParseError(source, line, expected));
}
