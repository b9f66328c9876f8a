namespace Smog.Tests.Nova;

/// <summary>
/// Conformance of numa_get_constraints and get_best_cpu_topology with the real Nova 26.2.2 on the
/// committed vectors (tests/fixtures/nova-vectors, 3300 oracle cases) and, when CI provides one
/// (SMOG_FRESH_VECTORS, written by tools/oracle/fresh_batch.sh), on a fresh random batch.
/// 100 % agreement is required: constraints exception class (messages are Smog's own), every
/// requested cell (floating/pinned vCPUs, memory, page size, policies), the emulator threads
/// policy, and the guest CPU topology or its exception class.
/// </summary>
public class ConstraintsConformanceTests
{
    private static readonly Lazy<IReadOnlyList<OracleVector>> Committed = new(() => OracleVector.Load("nova-vectors"));

    private static IReadOnlyList<OracleVector> Fresh()
    {
        var folder = Environment.GetEnvironmentVariable("SMOG_FRESH_VECTORS");
        Assert.SkipWhen(string.IsNullOrEmpty(folder), "SMOG_FRESH_VECTORS is not set (CI's oracle stage sets it)");
        return OracleVector.Load(Path.GetFullPath(folder!));
    }

    [Fact]
    public void Committed_vectors_are_all_present() => Assert.True(Committed.Value.Count >= 3000);

    [Fact]
    public void Constraints_agree_with_nova_on_every_committed_vector() =>
        ConstraintsOracleTableTests.AssertAllAgree(Committed.Value, OracleComparison.ConstraintDifferences, minimum: 3000);

    [Fact]
    public void Cpu_topology_agrees_with_nova_on_every_committed_vector() =>
        ConstraintsOracleTableTests.AssertAllAgree(Committed.Value, OracleComparison.CpuTopologyDifferences, minimum: 3000);

    [Fact]
    public void Constraints_agree_with_nova_on_a_fresh_batch() =>
        ConstraintsOracleTableTests.AssertAllAgree(Fresh(), OracleComparison.ConstraintDifferences, minimum: 1);

    [Fact]
    public void Cpu_topology_agrees_with_nova_on_a_fresh_batch() =>
        ConstraintsOracleTableTests.AssertAllAgree(Fresh(), OracleComparison.CpuTopologyDifferences, minimum: 1);
}
