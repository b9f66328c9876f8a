using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Nova.Specs;

namespace Smog.Nova.Constraints;

/// <summary>
/// The CPU/memory part of the placement request Nova's scheduler builds
/// (<c>ResourceRequest.from_request_spec</c>, <c>_translate_pinning_policies</c>): explicit
/// <c>resources:</c> amounts are kept; flavor/image <c>dedicated</c> becomes PCPU=vcpus,
/// <c>mixed</c> PCPU=|pinned| plus VCPU=rest; emulator isolate adds one PCPU; thread policy
/// isolate/require becomes HW_CPU_HYPERTHREADING forbidden/required; PCI policy <c>socket</c>
/// requires COMPUTE_SOCKET_PCI_NUMA_AFFINITY. Hugepages are not a placement resource.
/// </summary>
public static partial class PlacementTranslation
{
    public const string SocketPciAffinityTrait = "COMPUTE_SOCKET_PCI_NUMA_AFFINITY";

    [GeneratedRegex("^resources:(VCPU|PCPU|MEMORY_MB)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnsuffixedCpuOrMemory();

    [GeneratedRegex("^trait:([A-Z0-9_]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnsuffixedTrait();

    /// <summary>Placement request for a flavor/image whose constraints resolved (call after <see cref="NumaConstraints.Get"/> succeeded).</summary>
    public static PlacementRequest Translate(Flavor flavor, ImageProperties image, ResolvedConstraints resolved)
    {
        var explicitAmounts = flavor.ExtraSpecs
            .Select(kv => (Match: UnsuffixedCpuOrMemory().Match(kv.Key), kv.Value))
            .Where(x => x.Match.Success && PythonSyntax.TryParseInt(x.Value, out _))
            .ToDictionary(x => x.Match.Groups[1].Value, x => { PythonSyntax.TryParseInt(x.Value, out var n); return n; });
        var traits = ExplicitTraits(flavor, image);

        // The scheduler re-reads the flavor/image policies (not those implied by resources:*).
        var (meta, _) = NovaImageMeta.From(image);
        var policy = meta is null ? null : CpuPolicyRules.ParsePolicy(FlavorOrImage(flavor.Spec("hw:cpu_policy"), meta.CpuPolicy));
        var threadPolicy = meta is null ? null : CpuPolicyRules.ParseThreadPolicy(FlavorOrImage(flavor.Spec("hw:cpu_thread_policy"), meta.CpuThreadPolicy));
        var emulatorIsolate = resolved.EmulatorThreads == EmulatorThreadsPolicy.Isolate ? 1 : 0;

        var vcpu = explicitAmounts.GetValueOrDefault("VCPU");
        var pcpu = explicitAmounts.GetValueOrDefault("PCPU");
        if (policy == CpuPolicy.Dedicated) pcpu = flavor.Vcpus + emulatorIsolate;
        if (policy == CpuPolicy.Mixed)
        {
            vcpu = flavor.Vcpus - resolved.PinnedCpus.Count;
            pcpu = resolved.PinnedCpus.Count + emulatorIsolate;
        }
        if (!explicitAmounts.ContainsKey("VCPU") && !explicitAmounts.ContainsKey("PCPU") && policy is not (CpuPolicy.Dedicated or CpuPolicy.Mixed))
            vcpu = flavor.Vcpus;

        switch (threadPolicy)
        {
            case CpuThreadPolicy.Isolate: traits[ResourceRules.HyperthreadingTrait] = TraitRequirement.Forbidden; break;
            case CpuThreadPolicy.Require: traits[ResourceRules.HyperthreadingTrait] = TraitRequirement.Required; break;
        }
        if (PciNumaAffinity.Get(flavor, image).Policy == PciNumaAffinityPolicy.Socket)
            traits[SocketPciAffinityTrait] = TraitRequirement.Required;

        var memory = explicitAmounts.TryGetValue("MEMORY_MB", out var mem) ? mem : flavor.MemoryMiB;
        return new PlacementRequest(vcpu, pcpu, memory, traits.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    private static Dictionary<string, TraitRequirement> ExplicitTraits(Flavor flavor, ImageProperties image)
    {
        var traits = new Dictionary<string, TraitRequirement>(StringComparer.Ordinal);
        foreach (var (key, value) in flavor.ExtraSpecs)
        {
            var m = UnsuffixedTrait().Match(key);
            if (!m.Success) continue;
            if (value == "required") traits[m.Groups[1].Value] = TraitRequirement.Required;
            if (value == "forbidden") traits[m.Groups[1].Value] = TraitRequirement.Forbidden;
        }
        foreach (var (key, value) in image.Values)
            if (key.StartsWith("trait:", StringComparison.Ordinal) && value == "required")
                traits[key["trait:".Length..]] = TraitRequirement.Required;
        return traits;
    }

    private static string? FlavorOrImage(string? flavorValue, string? imageValue) =>
        PythonSyntax.Truthy(flavorValue) ? flavorValue : imageValue;
}
