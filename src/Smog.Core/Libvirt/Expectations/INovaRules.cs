using Smog.Nova;
using Smog.Topology;

namespace Smog.Libvirt.Expectations;

/// <summary>
/// The two Nova decisions the libvirt part needs from flavor + image: the requested NUMA
/// topology (<c>numa_get_constraints</c>) and the guest CPU topology
/// (<c>get_best_cpu_topology</c>). A seam: <see cref="SpecNovaRules"/> is a small stand-in
/// written from the spec; point it at the Nova engine's constraints code when that lands.
/// </summary>
public interface INovaRules
{
    /// <summary>The requested topology, null when Nova would create none; or the refusal.</summary>
    ConstraintsOutcome Constraints(Flavor flavor, ImageProperties image);

    /// <summary>The chosen sockets/cores/threads and the effective maxima; or the refusal.</summary>
    CpuTopologyOutcome CpuTopology(Flavor flavor, ImageProperties image);
}

public sealed record ConstraintsOutcome(RequestedTopology? Topology, NovaError? Error = null);

public sealed record CpuTopologyOutcome(GuestCpuTopology? Chosen, GuestCpuTopology Maximum, NovaError? Error = null);

/// <summary>Reading flavor extra specs and image properties the way Nova 26 does (spec §1).</summary>
public static class NovaSpecs
{
    /// <summary>oslo strict boolean: true/yes/1/on/y/t, case-insensitive.</summary>
    public static bool IsTrue(string? value) =>
        value?.Trim().ToLowerInvariant() is "true" or "yes" or "1" or "on" or "y" or "t";

    /// <summary>A vCPU mask: a leading <c>^</c> means "all vCPUs except" (hw:cpu_dedicated_mask, hw:cpu_realtime_mask).</summary>
    public static CpuSet? Mask(string? mask, int vcpus)
    {
        if (string.IsNullOrWhiteSpace(mask)) return null;
        var text = mask.TrimStart().StartsWith('^') ? $"0-{vcpus - 1},{mask}" : mask;
        return CpuSet.TryParse(text, out var set, out _) ? set : null;
    }

    /// <summary>The realtime vCPUs, empty when <c>hw:cpu_realtime</c> is off; image mask wins over flavor mask.</summary>
    public static CpuSet RealtimeVcpus(Flavor flavor, ImageProperties image)
    {
        if (!IsTrue(flavor.Spec("hw:cpu_realtime"))) return CpuSet.Empty;
        var mask = image.Get("hw_cpu_realtime_mask") ?? flavor.Spec("hw:cpu_realtime_mask");
        return Mask(mask, flavor.Vcpus) ?? CpuSet.Empty;
    }

    /// <summary>hw:locked_memory / hw_locked_memory.</summary>
    public static bool LockedMemory(Flavor flavor, ImageProperties image) =>
        IsTrue(flavor.Spec("hw:locked_memory")) || IsTrue(image.Get("hw_locked_memory"));

    /// <summary>PCI NUMA affinity policy of flavor or image, default <c>legacy</c>.</summary>
    public static string PciAffinityPolicy(Flavor flavor, ImageProperties image) =>
        flavor.Spec("hw:pci_numa_affinity_policy") ?? image.Get("hw_pci_numa_affinity_policy") ?? "legacy";
}
