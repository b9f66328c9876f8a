namespace Smog.Tests.Libvirt.Verification;

/// <summary>
/// Detection power: every mutant of every correct domain (boot oracle and generated) must get a
/// finding with the kind's rule id. The per-kind tally is printed (run with --show-live-output on).
/// </summary>
public class MutationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Kinds => [.. Mutations.All.Select(k => k.Name)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_mutant_is_killed_by_the_expected_rule(string kind)
    {
        var mutation = Mutations.All.Single(k => k.Name == kind);
        var (total, survivors) = Run(mutation);
        output.WriteLine($"{kind} [{mutation.Rule}]: {total - survivors.Count}/{total} killed");
        Assert.True(total > 0, "no scenario admits this mutation");
        Assert.Equal([], survivors);
    }

    [Fact]
    public void Tally()
    {
        var lines = Mutations.All.Select(k => (k, Run(k))).ToList();
        foreach (var (kind, (total, survivors)) in lines)
            output.WriteLine($"| {kind.Name} | {kind.Rule} | {total - survivors.Count}/{total} |");
        output.WriteLine($"| all | | {lines.Sum(l => l.Item2.Total - l.Item2.Survivors.Count)}/{lines.Sum(l => l.Item2.Total)} |");
        // The measurement for reports: SMOG_MUTATION_REPORT=path dotnet test ... --filter-method '*Tally'
        if (Environment.GetEnvironmentVariable("SMOG_MUTATION_REPORT") is { Length: > 0 } path)
            File.WriteAllLines(path, [
                $"scenarios: {VerificationScenario.All().Count}",
                "| mutation | rule | killed/total |", "|---|---|---|",
                .. lines.Select(l => $"| {l.k.Name} | {l.k.Rule} | {l.Item2.Total - l.Item2.Survivors.Count}/{l.Item2.Total} |"),
                $"| all | | {lines.Sum(l => l.Item2.Total - l.Item2.Survivors.Count)}/{lines.Sum(l => l.Item2.Total)} |"]);
        Assert.All(lines, l => Assert.Empty(l.Item2.Survivors));
    }

    private static (int Total, List<string> Survivors) Run(MutationKind kind)
    {
        var total = 0;
        var survivors = new List<string>();
        foreach (var scenario in VerificationScenario.All())
        {
            var n = 0;
            foreach (var mutant in kind.Apply(scenario))
            {
                total++;
                n++;
                var findings = scenario.Verify(mutant);
                if (!findings.Any(f => f.Rule == kind.Rule))
                    survivors.Add($"{scenario.Name} #{n}: got [{string.Join(", ", findings.Select(f => f.Rule))}]");
            }
        }
        return (total, survivors);
    }
}
