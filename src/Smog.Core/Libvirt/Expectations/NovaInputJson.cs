using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Smog.Libvirt.Generation;
using Smog.Nova;
using Smog.Nova.Cases;
using Smog.Topology;

namespace Smog.Libvirt.Expectations;

/// <summary>
/// Reads the oracle case schema's pieces (shared/oracle/README.md): the <c>flavor</c> object,
/// <c>image_properties</c>, the nova.conf <c>config</c> groups, and the boot oracle's
/// <c>instance_numa_topology</c> / <c>host_numa_topology</c>. Unknown fields are ignored; a wrong
/// type is a <see cref="ParseError"/> naming the field.
/// </summary>
public static class NovaInputJson
{
    /// <summary>The case schema's flavor object, read as the Nova engine's case reader reads it.</summary>
    public static Parsed<Flavor> Flavor(JsonElement e, string source)
    {
        try
        {
            var flavor = e.Deserialize(NovaCaseJsonContext.Default.FlavorCase);
            if (flavor is null || flavor.Vcpus < 1 || flavor.MemoryMb < 1)
                return Parsed<Flavor>.Fail(new ParseError(source, null, "a flavor object with positive 'vcpus' and 'memory_mb'"));
            return Parsed<Flavor>.Ok(flavor.ToFlavor());
        }
        catch (JsonException ex)
        {
            return Parsed<Flavor>.Fail(new ParseError(source, null, "a flavor object (vcpus, memory_mb, extra_specs)", ex.Message.Split('\n')[0]));
        }
    }

    public static ImageProperties Image(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Object } o ? new ImageProperties(Strings(o)) : ImageProperties.None;

    /// <summary>The case's <c>config</c>: <c>{"compute": {...}, "DEFAULT": {...}, "libvirt": {...}}</c>.</summary>
    public static NovaComputeConfig Config(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } config) return NovaComputeConfig.Default;
        // List options (cpu_models) may come as JSON arrays: oslo joins them with commas.
        string? Get(string group, string key) =>
            config.TryGetProperty(group, out var g) && g.ValueKind == JsonValueKind.Object && g.TryGetProperty(key, out var v)
                ? v.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(x => x.ToString())),
                    _ => v.ToString(),
                }
                : null;
        CpuSet? Set(string group, string key) => Get(group, key) is { } t && CpuSet.TryParse(t, out var set, out _) ? set : null;
        return new NovaComputeConfig
        {
            CpuSharedSet = Set("compute", "cpu_shared_set"),
            CpuDedicatedSet = Set("compute", "cpu_dedicated_set"),
            VcpuPinSet = Set("DEFAULT", "vcpu_pin_set"),
            CpuMode = Get("libvirt", "cpu_mode") ?? "host-model",
            CpuModel = Get("libvirt", "cpu_models")?.Split(',')[0].Trim(),
            RealtimeSchedulerPriority = int.TryParse(Get("libvirt", "realtime_scheduler_priority"), CultureInfo.InvariantCulture, out var p) ? p : 1,
        };
    }

    /// <summary>The oracle's <c>instance_numa_topology</c> (or direct oracle <c>instance_cells</c>); policies taken from the flavor.</summary>
    public static FittedTopology? Fitted(JsonElement e, RequestedTopology? requested)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        var cellsJson = e.ValueKind == JsonValueKind.Array ? e : e.GetProperty("cells");
        var cells = cellsJson.EnumerateArray().Select((c, i) =>
        {
            var req = requested?.Cells.ElementAtOrDefault(i);
            return new FittedCell
            {
                Id = c.GetProperty("id").GetInt32(),
                HostCell = c.GetProperty("host_cell").GetInt32(),
                Cpus = Ids(c, "cpus"),
                Pcpus = Ids(c, "pcpus"),
                MemoryMiB = c.GetProperty("memory_mb").GetInt64(),
                PageSizeKiB = c.TryGetProperty("pagesize_kb", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null,
                CpuPolicy = req?.CpuPolicy,
                ThreadPolicy = req?.ThreadPolicy,
                CpuPinning = c.TryGetProperty("cpu_pinning", out var pin)
                    ? pin.EnumerateObject().ToImmutableSortedDictionary(kv => int.Parse(kv.Name, CultureInfo.InvariantCulture), kv => kv.Value.GetInt32())
                    : ImmutableSortedDictionary<int, int>.Empty,
                CpusetReserved = Ids(c, "cpuset_reserved"),
            };
        });
        EmulatorThreadsPolicy? policy = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("emulator_threads_policy", out var et)
            && et.ValueKind == JsonValueKind.String
            ? (et.GetString() == "isolate" ? EmulatorThreadsPolicy.Isolate : EmulatorThreadsPolicy.Share)
            : requested?.EmulatorThreads;
        return new FittedTopology([.. cells], policy);
    }

    /// <summary>The boot oracle's <c>host_numa_topology</c> (or the direct oracle's <c>host_cells</c>) as a host.</summary>
    public static HostTopology Host(JsonElement cellsJson)
    {
        var cells = cellsJson.EnumerateArray().Select(c => new NumaCell
        {
            Id = c.GetProperty("id").GetInt32(),
            Cpus = Ids(c, "cpuset") | Ids(c, "pcpuset") | Ids(c, "cpus"),
            Siblings = c.TryGetProperty("siblings", out var s) ? [.. s.EnumerateArray().Select(g => CpuSet.Of(g.EnumerateArray().Select(x => x.GetInt32())))] : [],
            MemoryMiB = c.TryGetProperty("memory_mb", out var m) ? m.GetInt64() : null,
            Pages = c.TryGetProperty("pagesizes", out var p)
                ? [.. p.EnumerateArray().Select(x => new PagePool(x.GetProperty("size_kb").GetInt64(), x.GetProperty("total").GetInt64()))]
                : [],
        }).ToImmutableArray();
        var cpus = cells.SelectMany(c => c.Cpus.Select(id =>
        {
            var core = c.Siblings.FirstOrDefault(g => g.Contains(id)) is { IsEmpty: false } g ? g.Min : id;
            return new CpuInfo(id, c.Id, 0, 0, core);
        })).OrderBy(x => x.Id);
        return new HostTopology { Cells = cells, Cpus = [.. cpus] };
    }

    private static CpuSet Ids(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? CpuSet.Of(a.EnumerateArray().Select(x => x.GetInt32())) : CpuSet.Empty;

    private static ImmutableSortedDictionary<string, string> Strings(JsonElement o) =>
        o.ValueKind != JsonValueKind.Object ? ImmutableSortedDictionary<string, string>.Empty
        : o.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToImmutableSortedDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.True => "True", // as Python prints it, like the oracle and the case reader
            JsonValueKind.False => "False",
            _ => p.Value.ToString(),
        }, StringComparer.Ordinal);
}
