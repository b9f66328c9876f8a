using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.Constraints;

/// <summary>
/// The CPU/memory part of the placement request Nova's scheduler builds
/// (<c>ResourceRequest.from_request_spec</c>, <c>_translate_pinning_policies</c>), merged over all
/// request groups: explicit <c>resources[N]:</c> amounts (non-negative integers) are kept; flavor/
/// image <c>dedicated</c> becomes PCPU=vcpus, <c>mixed</c> PCPU=|pinned| plus VCPU=rest; emulator
/// isolate adds one PCPU; without any VCPU/PCPU the flavor's vCPUs are asked as VCPU; thread
/// policy isolate/require becomes HW_CPU_HYPERTHREADING forbidden/required; PCI policy
/// <c>socket</c> requires COMPUTE_SOCKET_PCI_NUMA_AFFINITY. Hugepages are not a placement resource.
/// </summary>
public static partial class PlacementTranslation
{
    public const string SocketPciAffinityTrait = "COMPUTE_SOCKET_PCI_NUMA_AFFINITY";

    // ResourceRequest.XS_KEYPAT: prefix, optional group suffix, name.
    [GeneratedRegex("^(resources|trait)([a-zA-Z0-9_-]{1,64})?:(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RequestKey();

    /// <summary>Placement request for a flavor/image whose constraints resolved (call after <see cref="NumaConstraints.Get"/> succeeded).</summary>
    public static PlacementRequest Translate(Flavor flavor, ImageProperties image, ResolvedConstraints resolved)
    {
        var amounts = new Dictionary<string, long>(StringComparer.Ordinal);
        var traits = new Dictionary<string, TraitRequirement>(StringComparer.Ordinal);
        ReadExplicitRequests(flavor, image, amounts, traits);

        // The scheduler re-reads the flavor/image policies (not those implied by resources:*).
        var (meta, _) = NovaImageMeta.From(image);
        var policy = CpuPolicyRules.ParsePolicy(FlavorOrImage(flavor.Spec("hw:cpu_policy"), meta?.CpuPolicy));
        var threadPolicy = CpuPolicyRules.ParseThreadPolicy(FlavorOrImage(flavor.Spec("hw:cpu_thread_policy"), meta?.CpuThreadPolicy));
        var emulatorIsolate = resolved.EmulatorThreads == EmulatorThreadsPolicy.Isolate ? 1 : 0;

        if (policy == CpuPolicy.Dedicated) amounts["PCPU"] = flavor.Vcpus + emulatorIsolate;
        if (policy == CpuPolicy.Mixed)
        {
            amounts["VCPU"] = flavor.Vcpus - resolved.PinnedCpus.Count;
            amounts["PCPU"] = resolved.PinnedCpus.Count + emulatorIsolate;
        }
        if (!amounts.ContainsKey("VCPU") && !amounts.ContainsKey("PCPU")) amounts["VCPU"] = flavor.Vcpus;
        amounts.TryAdd("MEMORY_MB", flavor.MemoryMiB);

        switch (threadPolicy)
        {
            case CpuThreadPolicy.Isolate: traits[ResourceRules.HyperthreadingTrait] = TraitRequirement.Forbidden; break;
            case CpuThreadPolicy.Require: traits[ResourceRules.HyperthreadingTrait] = TraitRequirement.Required; break;
        }
        if (PciNumaAffinity.Get(flavor, image).Policy == PciNumaAffinityPolicy.Socket)
            traits[SocketPciAffinityTrait] = TraitRequirement.Required;

        return new PlacementRequest(amounts.GetValueOrDefault("VCPU"), amounts.GetValueOrDefault("PCPU"),
            amounts.GetValueOrDefault("MEMORY_MB"), traits.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    // resources[N]:CLASS amounts (Nova skips non-integers and negatives) summed over groups;
    // trait[N]:NAME=required|forbidden; the image's trait:NAME=required properties.
    private static void ReadExplicitRequests(Flavor flavor, ImageProperties image,
        Dictionary<string, long> amounts, Dictionary<string, TraitRequirement> traits)
    {
        foreach (var (key, value) in flavor.ExtraSpecs)
        {
            var m = RequestKey().Match(key);
            if (!m.Success) continue;
            var name = m.Groups[3].Value;
            if (m.Groups[1].Value == "resources")
            {
                if (name is "VCPU" or "PCPU" or "MEMORY_MB" && PythonSyntax.TryParseInt(value, out var n) && n >= 0)
                    amounts[name] = amounts.GetValueOrDefault(name) + n;
            }
            else if (value is "required" or "forbidden")
                traits[name] = value == "required" ? TraitRequirement.Required : TraitRequirement.Forbidden;
        }
        foreach (var (key, value) in image.Values)
            if (key.StartsWith("trait:", StringComparison.Ordinal) && value == "required")
                traits[key["trait:".Length..]] = TraitRequirement.Required;
    }

    private static string? FlavorOrImage(string? flavorValue, string? imageValue) =>
        PythonSyntax.Truthy(flavorValue) ? flavorValue : imageValue;
}
