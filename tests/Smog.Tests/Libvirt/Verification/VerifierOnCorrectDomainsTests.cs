namespace Smog.Tests.Libvirt.Verification;

/// <summary>What Nova itself wrote (boot oracle) and what the generator writes must pass every rule.</summary>
public class VerifierOnCorrectDomainsTests
{
    public static TheoryData<string> Scenarios => [.. VerificationScenario.All().Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void A_correct_domain_has_no_finding(string name)
    {
        var scenario = VerificationScenario.All().Single(s => s.Name == name);
        var findings = scenario.Verify(scenario.Domain);
        Assert.Equal([], findings.Select(f => $"{f.Rule}: {f.Message} (expected {f.Expected}, actual {f.Actual})"));
    }
}
