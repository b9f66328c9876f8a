using System.Text.RegularExpressions;
using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.Constraints;

/// <summary>
/// Explicit placement requests in extra specs that <c>numa_get_constraints</c> reconciles with
/// the CPU policies: <c>resources[N]:VCPU</c>/<c>PCPU</c> amounts and the
/// <c>trait[N]:HW_CPU_HYPERTHREADING</c> requirement.
/// </summary>
internal static partial class ResourceRules
{
    // Nova uses re.match, which anchors only at the start: "resources:VCPU_X" counts as VCPU too.
    [GeneratedRegex("^resources([1-9][0-9]*)?:VCPU", RegexOptions.CultureInvariant)]
    private static partial Regex VcpuKey();

    [GeneratedRegex("^resources([1-9][0-9]*)?:PCPU", RegexOptions.CultureInvariant)]
    private static partial Regex PcpuKey();

    [GeneratedRegex("^trait([1-9][0-9]*)?:HW_CPU_HYPERTHREADING", RegexOptions.CultureInvariant)]
    private static partial Regex HyperthreadingKey();

    public const string HyperthreadingTrait = "HW_CPU_HYPERTHREADING";

    /// <summary>Sums of the VCPU and PCPU amounts over all request groups; values that are not integers are skipped, as in Nova.</summary>
    public static (long Vcpu, long Pcpu) RequestedCpus(Flavor flavor) =>
        (Sum(flavor, VcpuKey()), Sum(flavor, PcpuKey()));

    /// <summary>The raw value of the first <c>trait[N]:HW_CPU_HYPERTHREADING</c> spec, else "required" when the image requires the trait.</summary>
    /// <remarks>
    /// Nova takes the first such key in the flavor's extra-spec order (insertion order); the
    /// <see cref="Flavor"/> model keeps keys sorted, so with several such keys of different values
    /// Smog takes the first in ordinal order. <see cref="Specs.ExtraSpecLinter"/> flags that case.
    /// </remarks>
    public static bool IsHyperthreadingKey(string key) => HyperthreadingKey().IsMatch(key);

    public static string? HyperthreadingRequirement(Flavor flavor, NovaImageMeta image) =>
        flavor.ExtraSpecs.FirstOrDefault(kv => HyperthreadingKey().IsMatch(kv.Key)).Value
        ?? (image.TraitsRequired.Contains(HyperthreadingTrait) ? "required" : null);

    private static long Sum(Flavor flavor, Regex key) =>
        flavor.ExtraSpecs.Where(kv => key.IsMatch(kv.Key))
            .Sum(kv => PythonSyntax.TryParseInt(kv.Value, out var n) ? n : 0);
}
