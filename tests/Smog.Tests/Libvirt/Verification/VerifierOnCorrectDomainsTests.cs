namespace Smog.Tests.Libvirt.Verification;

/// <summary>
/// What Nova itself wrote (boot oracle) and what the generator writes must pass every rule. The
/// two are counted apart: only Nova's documents show the rules accept what Smog did not write.
/// </summary>
public class VerifierOnCorrectDomainsTests(ITestOutputHelper output)
{
    // Committed: 149 active boot-oracle cases, each alone and (when the host has room) with a neighbour.
    private const int MinimumPerOrigin = 240;

    public static TheoryData<string> NovaWritten => Names(DocumentOrigin.Oracle);

    public static TheoryData<string> SmogGenerated => Names(DocumentOrigin.Generated);

    private static TheoryData<string> Names(DocumentOrigin origin) =>
        [.. VerificationScenario.All().Where(s => s.Origin == origin).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(NovaWritten))]
    public void A_domain_nova_wrote_has_no_finding(string name) => AssertNoFinding(name);

    [Theory]
    [MemberData(nameof(SmogGenerated))]
    public void A_domain_smog_generated_has_no_finding(string name) => AssertNoFinding(name);

    [Theory]
    [InlineData(DocumentOrigin.Oracle)]
    [InlineData(DocumentOrigin.Generated)]
    public void Correct_documents_with_zero_findings(DocumentOrigin origin)
    {
        var scenarios = VerificationScenario.All().Where(s => s.Origin == origin).ToList();
        var clean = scenarios.Count(s => s.Verify(s.Domain).IsEmpty);
        // nova-boot keeps only Nova's numa_xml; the boot-oracle examples keep the whole domain.
        var novaBoot = scenarios.Count(s => s.Name.StartsWith("nova-boot/", StringComparison.Ordinal));
        output.WriteLine($"{origin}: {clean}/{scenarios.Count} correct domains with zero findings "
            + $"({scenarios.Count(s => s.Template.Others.IsDefaultOrEmpty)} alone, {scenarios.Count(s => !s.Template.Others.IsDefaultOrEmpty)} with a neighbour; "
            + $"{scenarios.Count - novaBoot} from boot-oracle cases, {novaBoot} from nova-boot cases)");
        Assert.True(scenarios.Count >= MinimumPerOrigin, $"only {scenarios.Count} {origin} documents, fewer than {MinimumPerOrigin}");
        Assert.Equal(scenarios.Count, clean);
    }

    private static void AssertNoFinding(string name)
    {
        var scenario = VerificationScenario.All().Single(s => s.Name == name);
        var findings = scenario.Verify(scenario.Domain);
        Assert.Equal([], findings.Select(f => $"{f.Rule}: {f.Message} (expected {f.Expected}, actual {f.Actual})"));
    }
}
