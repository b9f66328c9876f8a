using Smog.Nova.Python;
using Smog.Nova.Specs;
using Smog.Topology;

namespace Smog.Nova.Constraints;

/// <summary>
/// The CPU-side rules of <c>numa_get_constraints</c>, one Nova helper each: allocation policy,
/// thread policy, emulator threads policy, realtime mask and mixed-policy dedicated mask.
/// Each throws <see cref="ConstraintViolation"/> with Nova's exception class on the first violation.
/// </summary>
internal static class CpuPolicyRules
{
    private const string FlavorSource = "flavor extra specs";
    private const string ImageSource = "image properties";

    /// <summary>Mirrors <c>get_cpu_policy_constraint</c>: flavor <c>dedicated</c> wins; <c>mixed</c>/<c>shared</c> refuse a stronger image value.</summary>
    public static CpuPolicy? Policy(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = flavor.Spec("hw:cpu_policy");
        var fromImage = image.CpuPolicy;
        if (PythonSyntax.Truthy(fromFlavor) && ParsePolicy(fromFlavor) is null)
            throw new ConstraintViolation("InvalidCPUAllocationPolicy",
                $"CPU policy '{fromFlavor}' requested from {FlavorSource} is invalid; valid values are {string.Join(", ", NovaImageMeta.CpuPolicies)}");
        return ParsePolicy(fromFlavor) switch
        {
            CpuPolicy.Dedicated => CpuPolicy.Dedicated,
            CpuPolicy.Mixed when fromImage == "dedicated" => throw PinningForbidden(fromFlavor!, fromImage),
            CpuPolicy.Mixed => CpuPolicy.Mixed,
            CpuPolicy.Shared when fromImage is "mixed" or "dedicated" => throw PinningForbidden(fromFlavor!, fromImage),
            CpuPolicy.Shared => CpuPolicy.Shared,
            _ => ParsePolicy(fromImage),
        };
    }

    /// <summary>
    /// Mirrors <c>get_cpu_thread_policy_constraint</c>: flavor unset or <c>prefer</c> takes the flavor
    /// value or else the image's (so <c>prefer</c> silently beats any image value); any other flavor
    /// value (even an empty string) refuses a different image value.
    /// </summary>
    public static CpuThreadPolicy? ThreadPolicy(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = flavor.Spec("hw:cpu_thread_policy");
        var fromImage = image.CpuThreadPolicy;
        if (PythonSyntax.Truthy(fromFlavor) && ParseThreadPolicy(fromFlavor) is null)
            throw new ConstraintViolation("InvalidCPUThreadAllocationPolicy",
                $"CPU thread policy '{fromFlavor}' requested from {FlavorSource} is invalid; valid values are {string.Join(", ", NovaImageMeta.ThreadPolicies)}");
        if (fromFlavor is null or "prefer")
            return ParseThreadPolicy(fromFlavor) ?? ParseThreadPolicy(fromImage);
        if (PythonSyntax.Truthy(fromImage) && fromImage != fromFlavor)
            throw new ConstraintViolation("ImageCPUThreadPolicyForbidden",
                $"Image property hw_cpu_thread_policy={fromImage} may not override the flavor's hw:cpu_thread_policy={fromFlavor}");
        return ParseThreadPolicy(fromFlavor);
    }

    /// <summary>Mirrors <c>get_emulator_thread_policy_constraint</c> (flavor only).</summary>
    public static EmulatorThreadsPolicy? EmulatorThreads(Flavor flavor)
    {
        var value = flavor.Spec("hw:emulator_threads_policy");
        if (!PythonSyntax.Truthy(value)) return null;
        return value switch
        {
            "share" => EmulatorThreadsPolicy.Share,
            "isolate" => EmulatorThreadsPolicy.Isolate,
            _ => throw new ConstraintViolation("InvalidEmulatorThreadsPolicy",
                $"Emulator threads policy '{value}' is invalid; valid values are share, isolate"),
        };
    }

    /// <summary>
    /// Mirrors <c>get_realtime_cpu_constraint</c>: only when <c>hw:cpu_realtime</c> is true (lenient
    /// boolean); the image mask beats the flavor mask; no mask means all vCPUs; the set must leave a
    /// non-realtime vCPU unless an emulator threads policy is set, and stay within the flavor's vCPUs.
    /// </summary>
    public static CpuSet? RealtimeCpus(Flavor flavor, NovaImageMeta image)
    {
        if (!PythonSyntax.LenientBool(flavor.Spec("hw:cpu_realtime"))) return null;
        var mask = PythonSyntax.Truthy(image.CpuRealtimeMask) ? image.CpuRealtimeMask : flavor.Spec("hw:cpu_realtime_mask");
        var all = CpuSet.Range(0, flavor.Vcpus - 1);
        var realtime = PythonSyntax.Truthy(mask) ? ParseMask(mask!, flavor.Vcpus) : all;
        if (realtime.IsEmpty)
            throw RealtimeMaskInvalid("the realtime mask selects no vCPU");
        var emulator = EmulatorThreads(flavor); // Nova reads (and validates) it here already, before the dedicated mask
        if (realtime == all && emulator is null)
            throw RealtimeMaskInvalid("every vCPU is realtime: keep at least one non-realtime vCPU or set hw:emulator_threads_policy");
        if (!realtime.IsSubsetOf(all))
            throw RealtimeMaskInvalid($"the realtime vCPUs {realtime} are not all among the flavor's vCPUs {all}");
        return realtime;
    }

    /// <summary>
    /// Mirrors <c>get_dedicated_cpu_constraint</c>: <c>hw:cpu_dedicated_mask</c> must leave at least one
    /// pinned and one floating vCPU, and name only the flavor's vCPUs.
    /// </summary>
    public static CpuSet? DedicatedCpus(Flavor flavor)
    {
        var mask = flavor.Spec("hw:cpu_dedicated_mask");
        if (!PythonSyntax.Truthy(mask)) return null;
        var pinned = ParseMask(mask!, flavor.Vcpus);
        var all = CpuSet.Range(0, flavor.Vcpus - 1);
        if (pinned.IsEmpty || (all - pinned).IsEmpty)
            throw new ConstraintViolation("InvalidMixedInstanceDedicatedMask",
                $"hw:cpu_dedicated_mask={mask} must leave at least 1 pinned and 1 unpinned vCPU");
        if (!pinned.IsSubsetOf(all))
            throw new ConstraintViolation("InvalidMixedInstanceDedicatedMask",
                $"hw:cpu_dedicated_mask={mask} names vCPUs outside the flavor's vCPUs {all}");
        return pinned;
    }

    public static CpuPolicy? ParsePolicy(string? value) => value switch
    {
        "shared" => CpuPolicy.Shared,
        "dedicated" => CpuPolicy.Dedicated,
        "mixed" => CpuPolicy.Mixed,
        _ => null,
    };

    public static CpuThreadPolicy? ParseThreadPolicy(string? value) => value switch
    {
        "prefer" => CpuThreadPolicy.Prefer,
        "isolate" => CpuThreadPolicy.Isolate,
        "require" => CpuThreadPolicy.Require,
        _ => null,
    };

    private static CpuSet ParseMask(string mask, int vcpus) =>
        NovaCpuSpec.TryParseMask(mask, vcpus, out var set, out var error) ? set : throw ConstraintViolation.Of(error);

    private static ConstraintViolation PinningForbidden(string flavorValue, string? imageValue) =>
        new("ImageCPUPinningForbidden", $"Image property hw_cpu_policy={imageValue} may not override the flavor's hw:cpu_policy={flavorValue}");

    private static ConstraintViolation RealtimeMaskInvalid(string why) =>
        new("RealtimeMaskNotFoundOrInvalid", $"Realtime needs at least one non-realtime vCPU or isolated emulator threads, and a mask within the flavor's vCPUs: {why}");
}
