using System.Collections.Immutable;

namespace Smog.Nova.Specs;

/// <summary>How Nova coerces an image property (<c>ImageMetaProps</c> field type).</summary>
public enum ImageValueKind { String, Int, Enum, FlexibleBool, CpuListPerNode, IntPerNode, Trait }

/// <summary>
/// A NUMA/CPU-relevant Glance property Nova 26 reads, its flavor counterpart (if any) and who
/// wins when both are set (nova-26-numa-semantics.md §1.1).
/// </summary>
public sealed record ImagePropertyDefinition(string Name, ImageValueKind Kind, string? FlavorKey, string Precedence)
{
    public ImmutableArray<string> Enum { get; init; } = [];
}

/// <summary>The image side of the NUMA catalogue (Nova 26.2.2 <c>ImageMetaProps</c>).</summary>
public static class ImagePropertyCatalogue
{
    public static readonly ImmutableArray<string> CpuPolicies = ["dedicated", "shared", "mixed"];
    public static readonly ImmutableArray<string> ThreadPolicies = ["prefer", "isolate", "require"];
    public static readonly ImmutableArray<string> PciPolicies = ["required", "legacy", "preferred", "socket"];

    public static readonly ImmutableArray<ImagePropertyDefinition> All =
    [
        new("hw_numa_nodes", ImageValueKind.Int, "hw:numa_nodes", "both set → ImageNUMATopologyForbidden"),
        new("hw_numa_cpus.N", ImageValueKind.CpuListPerNode, "hw:numa_cpus.N", "any flavor list → image list forbidden"),
        new("hw_numa_mem.N", ImageValueKind.IntPerNode, "hw:numa_mem.N", "any flavor list → image list forbidden"),
        new("hw_cpu_policy", ImageValueKind.Enum, "hw:cpu_policy", "flavor dedicated wins; flavor shared/mixed refuse a stronger image value; else image") { Enum = CpuPolicies },
        new("hw_cpu_thread_policy", ImageValueKind.Enum, "hw:cpu_thread_policy", "flavor unset → image; flavor prefer wins silently; other flavor values refuse a different image value") { Enum = ThreadPolicies },
        new("hw_cpu_realtime_mask", ImageValueKind.String, "hw:cpu_realtime_mask", "image mask wins; only read when hw:cpu_realtime is true"),
        new("hw_mem_page_size", ImageValueKind.String, "hw:mem_page_size", "only under flavor large/any, which it replaces; else MemoryPageSizeForbidden"),
        new("hw_locked_memory", ImageValueKind.FlexibleBool, "hw:locked_memory", "both set and different → FlavorImageLockedMemoryConflict"),
        new("hw_pci_numa_affinity_policy", ImageValueKind.Enum, "hw:pci_numa_affinity_policy", "both set and different → ImagePCINUMAPolicyForbidden") { Enum = PciPolicies },
        new("hw_cpu_sockets", ImageValueKind.Int, "hw:cpu_sockets", "any image preference replaces the whole flavor triple"),
        new("hw_cpu_cores", ImageValueKind.Int, "hw:cpu_cores", "any image preference replaces the whole flavor triple"),
        new("hw_cpu_threads", ImageValueKind.Int, "hw:cpu_threads", "any image preference replaces the whole flavor triple"),
        new("hw_cpu_max_sockets", ImageValueKind.Int, "hw:cpu_max_sockets", "may only lower a set flavor limit (else ImageVCPULimitsRangeExceeded)"),
        new("hw_cpu_max_cores", ImageValueKind.Int, "hw:cpu_max_cores", "may only lower a set flavor limit (else ImageVCPULimitsRangeExceeded)"),
        new("hw_cpu_max_threads", ImageValueKind.Int, "hw:cpu_max_threads", "may only lower a set flavor limit (else ImageVCPULimitsRangeExceeded)"),
        new("trait:HW_CPU_HYPERTHREADING", ImageValueKind.Trait, "trait:HW_CPU_HYPERTHREADING", "value 'required' requires the trait (implies thread policy require)"),
    ];

    public static ImagePropertyDefinition? Find(string name) =>
        All.FirstOrDefault(d => d.Name == name || (d.Name.EndsWith(".N", StringComparison.Ordinal)
            && name.StartsWith(d.Name[..^1], StringComparison.Ordinal) && name[(d.Name.Length - 1)..].All(char.IsAsciiDigit)));
}
