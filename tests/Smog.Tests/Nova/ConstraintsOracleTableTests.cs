namespace Smog.Tests.Nova;

/// <summary>
/// The hand-written and seeded-random cases of tests/fixtures/nova-constraints, whose expected
/// answers were recorded from the real Nova 26.2.2 (see that folder's README). Every row must agree.
/// </summary>
public class ConstraintsOracleTableTests
{
    private static readonly Lazy<IReadOnlyList<OracleVector>> Vectors = new(() => OracleVector.Load("nova-constraints"));

    [Fact]
    public void Constraints_agree_with_the_oracle_on_every_recorded_case() =>
        AssertAllAgree(Vectors.Value, OracleComparison.ConstraintDifferences, minimum: 1500);

    [Fact]
    public void Cpu_topology_agrees_with_the_oracle_on_every_recorded_case() =>
        AssertAllAgree(Vectors.Value, OracleComparison.CpuTopologyDifferences, minimum: 1500);

    /// <summary>Every usable vector agrees, and at least <paramref name="minimum"/> were compared (none compared is red).</summary>
    internal static void AssertAllAgree(IReadOnlyList<OracleVector> vectors, Func<OracleVector, IEnumerable<string>> differences, int minimum)
    {
        var usable = vectors.Where(v => !v.OracleFailed).ToList();
        Assert.True(usable.Count >= minimum, $"only {usable.Count} usable oracle vectors, fewer than {minimum}");
        var failures = usable
            .Select(v => (v, diffs: differences(v).ToList()))
            .Where(x => x.diffs.Count > 0)
            .Select(x => $"{x.v.Label}: {string.Join("; ", x.diffs)}")
            .ToList();
        TestContext.Current.SendDiagnosticMessage($"{usable.Count - failures.Count}/{usable.Count} agree");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {usable.Count} cases disagree with Nova 26.2.2:\n{string.Join("\n", failures.Take(40))}");
    }
}
