using Smog.Input;
using Smog.Nova.Scheduling;

namespace Smog.Tests.Nova;

/// <summary>
/// The fitter against the real Nova 26.2.2 (oracle outputs), fed the oracle's own requested
/// topology so only fitting, filtering and pinning are judged. 100 % agreement is required.
/// </summary>
public sealed class FittingConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Fitting_fixture_vectors_agree_with_the_oracle()
    {
        var dir = Fixtures.Require("nova-fit");
        AssertAgreement(Path.Combine(dir, "cases.jsonl"), Path.Combine(dir, "expected.jsonl"), minimumCases: 1000);
    }

    [Fact]
    public void Shared_nova_vectors_agree_with_the_oracle()
    {
        var dir = Fixtures.Require("nova-vectors");
        AssertAgreement(Path.Combine(dir, "cases.jsonl"), Path.Combine(dir, "expected.jsonl"), minimumCases: 1);
    }

    [Fact]
    public void Shared_nova_vectors_agree_end_to_end_with_the_engine_constraints()
    {
        var dir = Fixtures.Require("nova-vectors");
        AssertAgreement(Path.Combine(dir, "cases.jsonl"), Path.Combine(dir, "expected.jsonl"), minimumCases: 1, engineConstraints: true);
    }

    [Fact]
    public void Pci_numa_affinity_agrees_with_nova()
    {
        var cases = FittingConformance.ReadLines(Fixtures.Require("nova-fit/pci-cases.jsonl")).ToList();
        var expected = FittingConformance.ReadLines(Fixtures.Require("nova-fit/pci-expected.jsonl")).ToList();
        Assert.Equal(cases.Count, expected.Count);
        var disagreements = new List<string>();
        foreach (var (c, e) in cases.Zip(expected))
        {
            var nc = CaseReader.Read(c, "case").Value;
            var plan = NovaPlanner.Plan(nc.Node(), nc.Request);
            var cells = plan.Fitted?.Cells.Select(x => x.HostCell) ?? [];
            var want = e.GetProperty("host_cells").EnumerateArray().Select(x => x.GetInt32());
            if (plan.Fits != e.GetProperty("fits").GetBoolean() || !cells.SequenceEqual(want))
                disagreements.Add($"{e.GetProperty("name")}: Nova fits={e.GetProperty("fits")} on [{string.Join(",", want)}], smog fits={plan.Fits} on [{string.Join(",", cells)}]");
        }
        output.WriteLine($"{cases.Count} PCI cases, {disagreements.Count} disagree");
        Assert.True(cases.Count >= 500);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
    }

    [Fact]
    public void Fresh_vectors_from_the_live_oracle_agree()
    {
        var dir = Environment.GetEnvironmentVariable("SMOG_FRESH_VECTORS");
        if (string.IsNullOrEmpty(dir))
            Assert.Skip("SMOG_FRESH_VECTORS is not set (CI sets it to the output of tools/oracle/fresh_batch.sh)");
        AssertAgreement(Path.Combine(dir, "cases.jsonl"), Path.Combine(dir, "expected.jsonl"), minimumCases: 1);
        AssertAgreement(Path.Combine(dir, "cases.jsonl"), Path.Combine(dir, "expected.jsonl"), minimumCases: 1, engineConstraints: true);
    }

    private void AssertAgreement(string cases, string expected, int minimumCases, bool engineConstraints = false)
    {
        var outcome = FittingConformance.Run(Fixtures.Require(cases), Fixtures.Require(expected), engineConstraints);
        output.WriteLine($"{outcome.Cases} cases: {outcome.Agreed} agree ({outcome.ExactPinning} with identical pinning), {outcome.Disagreements.Count} disagree");
        Assert.True(outcome.Cases >= minimumCases, $"only {outcome.Cases} cases in {cases}");
        Assert.True(outcome.Disagreements.Count == 0,
            $"{outcome.Disagreements.Count} of {outcome.Cases} cases disagree with Nova:\n" + string.Join("\n", outcome.Disagreements.Take(20)));
    }
}
