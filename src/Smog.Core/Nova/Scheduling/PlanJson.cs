using System.Text;
using System.Text.Json;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Scheduling;

/// <summary>
/// Writes a <see cref="Plan"/> with the oracle's output field names (keys sorted, as the
/// oracle's <c>sort_keys</c>), so the two can be diffed field by field.
/// </summary>
public static class PlanJson
{
    public static string Write(PlanResult r, double? elapsedUs = null, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            WriteError(w, "constraints_error", r.Resolution.ConstraintsError);
            if (r.Resolution.CpuTopology.Chosen is { } t)
            {
                w.WriteStartObject("cpu_topology");
                w.WriteNumber("cores", t.Cores);
                w.WriteNumber("sockets", t.Sockets);
                w.WriteNumber("threads", t.Threads);
                w.WriteEndObject();
            }
            else w.WriteNull("cpu_topology");
            WriteError(w, "cpu_topology_error", r.Resolution.CpuTopology.Error);
            if (elapsedUs is { } us) w.WriteNumber("elapsed_us", Math.Round(us, 3));
            WriteEnum(w, "emulator_threads_policy", r.Fitted?.EmulatorThreads is { } e ? NovaNames.Of(e) : null);
            w.WriteBoolean("filter_passes", r.FilterPasses);
            w.WriteBoolean("fits", r.Fits);
            w.WriteStartArray("host_cells");
            foreach (var c in r.Node.Host.Cells) WriteHostCell(w, c);
            w.WriteEndArray();
            w.WriteStartArray("instance_cells");
            foreach (var c in r.Fitted?.Cells ?? []) WriteFittedCell(w, c);
            w.WriteEndArray();
            if (r.Name is not null) w.WriteString("name", r.Name);
            if (r.Resolution.Topology is { } req && r.Resolution.ConstraintsError is null) WriteRequested(w, req);
            else w.WriteNull("requested_topology");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteHostCell(Utf8JsonWriter w, NovaHostCell c)
    {
        w.WriteStartObject();
        WriteIds(w, "cpuset", c.Cpuset);
        w.WriteNumber("id", c.Id);
        w.WriteNumber("memory_mb", c.MemoryMiB);
        WriteIds(w, "pcpuset", c.Pcpuset);
        WriteIds(w, "pinned_cpus", c.PinnedCpus);
        w.WriteStartArray("siblings");
        foreach (var s in c.Siblings)
        {
            w.WriteStartArray();
            foreach (var x in s) w.WriteNumberValue(x);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFittedCell(Utf8JsonWriter w, FittedCell c)
    {
        w.WriteStartObject();
        w.WriteStartObject("cpu_pinning");
        foreach (var (v, p) in c.CpuPinning) w.WriteNumber(v.ToString(System.Globalization.CultureInfo.InvariantCulture), p);
        w.WriteEndObject();
        WriteEnum(w, "cpu_policy", c.CpuPolicy is { } cp ? NovaNames.Of(cp) : null);
        WriteEnum(w, "cpu_thread_policy", c.ThreadPolicy is { } tp ? NovaNames.Of(tp) : null);
        WriteIds(w, "cpus", c.Cpus);
        WriteIds(w, "cpuset_reserved", c.CpusetReserved);
        w.WriteNumber("host_cell", c.HostCell);
        w.WriteNumber("id", c.Id);
        w.WriteNumber("memory_mb", c.MemoryMiB);
        if (c.PageSizeKiB is { } ps) w.WriteNumber("pagesize_kb", ps); else w.WriteNull("pagesize_kb");
        WriteIds(w, "pcpus", c.Pcpus);
        w.WriteEndObject();
    }

    private static void WriteRequested(Utf8JsonWriter w, RequestedTopology t)
    {
        w.WriteStartObject("requested_topology");
        w.WriteStartArray("cells");
        foreach (var c in t.Cells)
        {
            w.WriteStartObject();
            WriteEnum(w, "cpu_policy", c.CpuPolicy is { } cp ? NovaNames.Of(cp) : null);
            WriteEnum(w, "cpu_thread_policy", c.ThreadPolicy is { } tp ? NovaNames.Of(tp) : null);
            WriteIds(w, "cpus", c.Cpus);
            w.WriteNumber("id", c.Id);
            w.WriteNumber("memory_mb", c.MemoryMiB);
            if (c.PageSize is { } ps) w.WriteNumber("pagesize_kb", ps.ToNova()); else w.WriteNull("pagesize_kb");
            WriteIds(w, "pcpus", c.Pcpus);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteEnum(w, "emulator_threads_policy", t.EmulatorThreads is { } e ? NovaNames.Of(e) : null);
        w.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter w, string name, CpuSet set)
    {
        w.WriteStartArray(name);
        foreach (var x in set) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    private static void WriteEnum(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    private static void WriteError(Utf8JsonWriter w, string name, NovaError? e)
    {
        if (e is null) w.WriteNull(name); else w.WriteString(name, e.ToString());
    }
}
