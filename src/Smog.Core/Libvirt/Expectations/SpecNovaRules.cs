using System.Collections.Immutable;
using System.Globalization;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Libvirt.Expectations;

/// <summary>
/// A compact reading of spec §2 (numa_get_constraints) and §5 (get_best_cpu_topology), enough for
/// generation and verification: policies, pinned/floating split, page size, even or explicit cell
/// split. It does not re-check every refusal of §1.4; the Nova engine's constraints code is the
/// full version.
/// </summary>
public sealed class SpecNovaRules : INovaRules
{
    public static readonly SpecNovaRules Instance = new();

    public ConstraintsOutcome Constraints(Flavor flavor, ImageProperties image)
    {
        // 1. Policies: flavor dedicated wins; otherwise flavor value, else image value.
        var policy = ParsePolicy(flavor.Spec("hw:cpu_policy") ?? image.Get("hw_cpu_policy"));
        var thread = ParseThread(flavor.Spec("hw:cpu_thread_policy") ?? image.Get("hw_cpu_thread_policy"));
        var emulator = flavor.Spec("hw:emulator_threads_policy")?.ToLowerInvariant() switch
        {
            "isolate" => EmulatorThreadsPolicy.Isolate,
            "share" => EmulatorThreadsPolicy.Share,
            _ => (EmulatorThreadsPolicy?)null,
        };
        var all = CpuSet.Range(0, flavor.Vcpus - 1);

        // 2. Pinned set: dedicated → all; mixed → dedicated mask, else the realtime set.
        var pinned = policy switch
        {
            CpuPolicy.Dedicated => all,
            CpuPolicy.Mixed => NovaSpecs.Mask(flavor.Spec("hw:cpu_dedicated_mask"), flavor.Vcpus) ?? NovaSpecs.RealtimeVcpus(flavor, image),
            _ => CpuSet.Empty,
        };
        var pageSize = PageSize(flavor, image);
        var nodesText = flavor.Spec("hw:numa_nodes") ?? image.Get("hw_numa_nodes");

        // 3. A topology only when nodes, a page size or pinning is asked for.
        if (nodesText is null && pageSize is null && policy is not (CpuPolicy.Dedicated or CpuPolicy.Mixed))
            return new ConstraintsOutcome(null);
        if (!int.TryParse(nodesText ?? "1", NumberStyles.None, CultureInfo.InvariantCulture, out var nodes) || nodes < 1)
            return new ConstraintsOutcome(null, new NovaError("InvalidNUMANodesNumber", $"invalid hw:numa_nodes '{nodesText}'"));

        // 4-6. Cells: explicit lists, else an even split.
        var split = ExplicitSplit(flavor, image, nodes) ?? EvenSplit(flavor, nodes);
        if (split.Error is not null) return new ConstraintsOutcome(null, split.Error);
        var cells = split.Cells.Select((c, i) => new RequestedCell
        {
            Id = i,
            Cpus = c.Cpus - pinned,
            Pcpus = c.Cpus & pinned,
            MemoryMiB = c.MemoryMiB,
            PageSize = pageSize,
            CpuPolicy = policy,
            ThreadPolicy = thread,
        });
        return new ConstraintsOutcome(new RequestedTopology([.. cells], emulator));
    }

    public CpuTopologyOutcome CpuTopology(Flavor flavor, ImageProperties image) =>
        CpuTopologyChooser.Choose(flavor, image);

    private static CpuPolicy? ParsePolicy(string? v) => v?.ToLowerInvariant() switch
    {
        "dedicated" => CpuPolicy.Dedicated,
        "mixed" => CpuPolicy.Mixed,
        "shared" => CpuPolicy.Shared,
        _ => null,
    };

    private static CpuThreadPolicy? ParseThread(string? v) => v?.ToLowerInvariant() switch
    {
        "prefer" => CpuThreadPolicy.Prefer,
        "isolate" => CpuThreadPolicy.Isolate,
        "require" => CpuThreadPolicy.Require,
        _ => null,
    };

    /// <summary>Spec §1.2: small/large/any or a size; the image value replaces flavor large/any.</summary>
    internal static PageSizeRequest? PageSize(Flavor flavor, ImageProperties image)
    {
        var flavorValue = ParsePageSize(flavor.Spec("hw:mem_page_size"));
        var imageValue = ParsePageSize(image.Get("hw_mem_page_size"));
        return flavorValue is { } f && (f == PageSizeRequest.Large || f == PageSizeRequest.Any) && imageValue is not null ? imageValue : flavorValue;
    }

    internal static PageSizeRequest? ParsePageSize(string? v)
    {
        switch (v?.Trim().ToLowerInvariant())
        {
            case null: return null;
            case "small": return PageSizeRequest.Small;
            case "large": return PageSizeRequest.Large;
            case "any": return PageSizeRequest.Any;
        }
        var text = v.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var kib)) return PageSizeRequest.OfKiB(kib);
        // IEC byte string: number, optional K/M/G/T, optional i, then B (bytes).
        var number = new string([.. text.TakeWhile(char.IsDigit)]);
        var unit = text[number.Length..];
        if (number.Length == 0 || !unit.EndsWith('B')) return null;
        var prefix = unit.TrimEnd('B').TrimEnd('i').ToUpperInvariant();
        long scale = prefix switch { "" => 1, "K" => 1024, "M" => 1024L * 1024, "G" => 1024L * 1024 * 1024, "T" => 1024L * 1024 * 1024 * 1024, _ => -1 };
        return scale < 0 ? null : PageSizeRequest.OfKiB(long.Parse(number, CultureInfo.InvariantCulture) * scale / 1024);
    }

    private sealed record Split(ImmutableArray<(CpuSet Cpus, long MemoryMiB)> Cells, NovaError? Error = null);

    private static Split EvenSplit(Flavor flavor, int nodes)
    {
        if (flavor.Vcpus % nodes != 0 || flavor.MemoryMiB % nodes != 0)
            return new Split([], new NovaError("ImageNUMATopologyAsymmetric", "vCPUs or memory cannot be split evenly across the NUMA nodes"));
        var per = flavor.Vcpus / nodes;
        return new Split([.. Enumerable.Range(0, nodes).Select(i => (CpuSet.Range(i * per, (i + 1) * per - 1), flavor.MemoryMiB / nodes))]);
    }

    private static Split? ExplicitSplit(Flavor flavor, ImageProperties image, int nodes)
    {
        var cpus = Lists(i => flavor.Spec($"hw:numa_cpus.{i}")) is { Count: > 0 } fc ? fc : Lists(i => image.Get($"hw_numa_cpus.{i}"));
        var mems = Lists(i => flavor.Spec($"hw:numa_mem.{i}")) is { Count: > 0 } fm ? fm : Lists(i => image.Get($"hw_numa_mem.{i}"));
        if (cpus.Count == 0 && mems.Count == 0) return null;
        if (cpus.Count != nodes || mems.Count != nodes)
            return new Split([], new NovaError("ImageNUMATopologyIncomplete", "numa_cpus/numa_mem must be given for every NUMA node"));
        var cells = ImmutableArray.CreateBuilder<(CpuSet, long)>();
        for (var i = 0; i < nodes; i++)
        {
            if (!CpuSet.TryParse(cpus[i], out var set, out _) || !long.TryParse(mems[i], NumberStyles.None, CultureInfo.InvariantCulture, out var mem))
                return new Split([], new NovaError("ImageNUMATopologyIncomplete", $"bad numa_cpus.{i}/numa_mem.{i}"));
            cells.Add((set, mem));
        }
        return new Split(cells.ToImmutable());
    }

    private static List<string> Lists(Func<int, string?> get)
    {
        var values = new List<string>();
        for (var i = 0; get(i) is { } v; i++) values.Add(v);
        return values;
    }
}
