using System.Collections.Immutable;
using Smog.Nova.Python;

namespace Smog.Nova.Specs;

/// <summary>
/// The NUMA-relevant Glance properties after Nova's typed coercion (<c>ImageMetaProps.from_dict</c>):
/// integers through <c>int()</c>, enums checked, <c>hw_locked_memory</c> as a lenient boolean,
/// <c>hw_numa_cpus.N</c>/<c>hw_numa_mem.N</c> gathered from N=0 up to the first gap, and
/// <c>trait:NAME=required</c> properties as required traits. Values that fail coercion make Nova
/// refuse the image before any NUMA rule runs (<c>ValueError</c> / <c>Invalid</c>).
/// </summary>
internal sealed record NovaImageMeta
{
    /// <summary>Nova's ImageMetaProps.NUMA_NODES_MAX: per-node lists are read up to this many nodes.</summary>
    public const int NumaNodesMax = 128;

    public long? NumaNodes { get; init; }
    /// <summary>Per-node guest vCPU lists, each in the iteration order of Nova's coerced set.</summary>
    public ImmutableArray<ImmutableArray<int>>? NumaCpus { get; init; }
    public ImmutableArray<long>? NumaMem { get; init; }
    public string? CpuPolicy { get; init; }
    public string? CpuThreadPolicy { get; init; }
    public string? CpuRealtimeMask { get; init; }
    public string? MemPageSize { get; init; }
    public bool? LockedMemory { get; init; }
    public string? PciNumaAffinityPolicy { get; init; }
    public long? CpuSockets { get; init; }
    public long? CpuCores { get; init; }
    public long? CpuThreads { get; init; }
    public long? CpuMaxSockets { get; init; }
    public long? CpuMaxCores { get; init; }
    public long? CpuMaxThreads { get; init; }
    public ImmutableArray<string> TraitsRequired { get; init; } = [];

    public static ImmutableArray<string> CpuPolicies => ImagePropertyCatalogue.CpuPolicies;
    public static ImmutableArray<string> ThreadPolicies => ImagePropertyCatalogue.ThreadPolicies;
    public static ImmutableArray<string> PciPolicies => ImagePropertyCatalogue.PciPolicies;

    /// <summary>Coerces the properties; the error is the exception Nova would raise building the ImageMeta.</summary>
    public static (NovaImageMeta? Meta, NovaError? Error) From(ImageProperties image)
    {
        var p = image.Values;
        try
        {
            return (new NovaImageMeta
            {
                NumaNodes = Int(p, "hw_numa_nodes"),
                NumaCpus = PerNode(p, "hw_numa_cpus", CpuList),
                NumaMem = PerNode(p, "hw_numa_mem", v => IntValue("hw_numa_mem", v)),
                CpuPolicy = Enum(p, "hw_cpu_policy", CpuPolicies),
                CpuThreadPolicy = Enum(p, "hw_cpu_thread_policy", ThreadPolicies),
                CpuRealtimeMask = p.GetValueOrDefault("hw_cpu_realtime_mask"),
                MemPageSize = p.GetValueOrDefault("hw_mem_page_size"),
                LockedMemory = p.TryGetValue("hw_locked_memory", out var locked) ? PythonSyntax.LenientBool(locked) : null,
                PciNumaAffinityPolicy = Enum(p, "hw_pci_numa_affinity_policy", PciPolicies),
                CpuSockets = Int(p, "hw_cpu_sockets"),
                CpuCores = Int(p, "hw_cpu_cores"),
                CpuThreads = Int(p, "hw_cpu_threads"),
                CpuMaxSockets = Int(p, "hw_cpu_max_sockets"),
                CpuMaxCores = Int(p, "hw_cpu_max_cores"),
                CpuMaxThreads = Int(p, "hw_cpu_max_threads"),
                TraitsRequired = [.. p.Where(kv => kv.Key.StartsWith("trait:", StringComparison.Ordinal) && kv.Value == "required")
                                      .Select(kv => kv.Key["trait:".Length..])],
            }, null);
        }
        catch (CoercionException e)
        {
            return (null, e.Error);
        }
    }

    private static long? Int(ImmutableSortedDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var v) ? IntValue(key, v) : null;

    private static long IntValue(string key, string value) =>
        PythonSyntax.TryParseInt(value, out var n) ? n
            : throw new CoercionException(new NovaError("ValueError", $"image property {key}: '{value}' is not an integer"));

    private static string? Enum(ImmutableSortedDictionary<string, string> p, string key, ImmutableArray<string> allowed) =>
        !p.TryGetValue(key, out var v) ? null
            : allowed.Contains(v) ? v
            : throw new CoercionException(new NovaError("ValueError", $"image property {key}: '{v}' is not one of {string.Join(", ", allowed)}"));

    // The oslo field copies the parsed set twice (a plain set built element by element, then a
    // CoercedSet updated from it), which can reorder it.
    private static ImmutableArray<int> CpuList(string value)
    {
        if (!NovaCpuSpec.TryParseOrdered(value, out var parsed, out var error)) throw new CoercionException(error);
        var coerced = PySet.OfInts();
        coerced.UnionUpdate(PySet.OfInts(parsed.InOrder()));
        return [.. coerced.InOrder()];
    }

    private static ImmutableArray<T>? PerNode<T>(ImmutableSortedDictionary<string, string> p, string prefix, Func<string, T> read)
    {
        var values = new List<T>();
        for (var node = 0; node < NumaNodesMax && p.TryGetValue($"{prefix}.{node}", out var v); node++) values.Add(read(v));
        return values.Count == 0 ? null : [.. values];
    }

    // Private to this type: lets the field readers above stay one-liners; From turns it into a value.
    private sealed class CoercionException(NovaError error) : Exception(error.Message)
    {
        public NovaError Error { get; } = error;
    }
}
