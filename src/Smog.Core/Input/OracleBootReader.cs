using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Host;
using Smog.Nova.Scheduling;
using Smog.Topology;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>
/// Reads the boot oracle's answers (shared/oracle/README.md): <c>instance_numa_topology</c> (or
/// the direct oracle's <c>instance_cells</c>) and <c>host_numa_topology</c> (or
/// <c>host_cells</c>). The host goes through the case reader's cell reader into the Nova host
/// model, then through <see cref="HostModel.ToTopology"/>: one conversion for every host.
/// </summary>
public static class OracleBootReader
{
    /// <summary>The host as Nova reported it: a cell list, or an oracle output holding <c>host_numa_topology</c>.</summary>
    public static Parsed<NovaHost> Host(JsonElement e, string source) => Guard(source, null, () =>
    {
        var cells = e.ValueKind == JsonValueKind.Array ? e : Req(e, "host_numa_topology", "oracle output");
        return Parsed<NovaHost>.Ok(CaseHostReader.ParseHost(cells, "host_numa_topology"));
    });

    /// <summary>True when a JSON text looks like a boot-oracle host (a bare cell list, or an output with <c>host_numa_topology</c>).</summary>
    public static bool LooksLikeHost(string text)
    {
        var t = text.TrimStart();
        return t.StartsWith('[') || (t.StartsWith('{') && t.Contains("\"host_numa_topology\"", StringComparison.Ordinal));
    }

    /// <summary>The instance topology Nova stored; policies come from the request, as the oracle prints none per cell.</summary>
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

    private static CpuSet Ids(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? CpuSet.Of(a.EnumerateArray().Select(x => x.GetInt32())) : CpuSet.Empty;
}
