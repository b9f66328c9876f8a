using System.Collections.Immutable;

namespace Smog.Libvirt.Verification;

/// <summary>
/// Judges a libvirt domain against what Nova 26 promises for its flavor and image on this host.
/// Asserts invariants, never exact pCPU numbers (architecture: "the verifier never asserts exact
/// pCPU numbers on a real cloud"). Findings come out sorted by rule id, then evidence path.
/// </summary>
public static class DomainVerifier
{
    private static readonly ImmutableArray<Func<VerificationContext, IEnumerable<Finding>>> Rules =
    [
        GuestShapeRules.Check,
        MemoryBindingRules.Check,
        PinningRules.Check,
        ThreadPolicyRules.Check,
        EmulatorRules.Check,
        HugepageRules.Check,
        CpuTopologyRules.Check,
        PciLocalityRules.Check,
        TopologyApiRules.Check,
    ];

    public static ImmutableArray<Finding> Verify(VerificationInput input)
    {
        var context = new VerificationContext(input);
        if (context.ConstraintsError is { } error)
            return [new Finding(RuleIds.Constraints, Severity.Error, $"Nova would refuse this flavor/image: {error}", "a bootable request", error.ExceptionClass, Facts.Evidence.None)];
        return [.. Rules.SelectMany(rule => rule(context))
            .Distinct()
            .OrderBy(f => f.Rule, StringComparer.Ordinal).ThenBy(f => f.Evidence.XPath, StringComparer.Ordinal)];
    }

    public static bool IsOk(IEnumerable<Finding> findings) => findings.All(f => f.Severity != Severity.Error);
}
