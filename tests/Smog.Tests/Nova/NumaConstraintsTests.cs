using Smog.Nova;
using Smog.Nova.Constraints;
using static Smog.Tests.Nova.NovaTestData;

namespace Smog.Tests.Nova;

public class NumaConstraintsTests
{
    /// <summary>The hand-written rows of tests/fixtures/nova-constraints (one per rule), each as its own test.</summary>
    public static TheoryData<string> RuleRows()
    {
        var data = new TheoryData<string>();
        string[] generated = ["random ", "odd ", "topology "];
        foreach (var v in Rows.Value.Where(v => !generated.Any(g => v.Case.Name!.StartsWith(g, StringComparison.Ordinal)))) data.Add(v.Case.Name!);
        return data;
    }

    private static readonly Lazy<IReadOnlyList<OracleVector>> Rows = new(() => OracleVector.Load("nova-constraints"));

    [Theory]
    [MemberData(nameof(RuleRows))]
    public void Each_rule_row_matches_nova(string name)
    {
        var row = Rows.Value.Single(v => v.Case.Name == name);
        Assert.Empty(OracleComparison.ConstraintDifferences(row));
        Assert.Empty(OracleComparison.CpuTopologyDifferences(row));
    }

    [Fact]
    public void Auto_split_gives_contiguous_vcpus_and_even_memory()
    {
        var result = NumaConstraints.Get(Flavor(8, 4096, ("hw:numa_nodes", "2")), ImageProperties.None);
        var cells = result.Topology!.Cells;
        Assert.Equal(["0-3", "4-7"], cells.Select(c => c.Cpus.ToString()));
        Assert.All(cells, c => Assert.Equal(2048, c.MemoryMiB));
        Assert.All(cells, c => Assert.True(c.Pcpus.IsEmpty));
    }

    [Fact]
    public void Mixed_splits_each_cell_into_pinned_and_floating_vcpus()
    {
        var result = NumaConstraints.Get(Flavor(8, 4096, ("hw:cpu_policy", "mixed"), ("hw:cpu_dedicated_mask", "3,7"), ("hw:numa_nodes", "2")), ImageProperties.None);
        var resolved = result.Constraints!;
        Assert.Equal("3,7", resolved.PinnedCpus.ToString());
        Assert.Equal("0-2,4-6", resolved.FloatingCpus.ToString());
        Assert.Equal(["0-2", "4-6"], resolved.Topology!.Cells.Select(c => c.Cpus.ToString()));
        Assert.Equal(["3", "7"], resolved.Topology.Cells.Select(c => c.Pcpus.ToString()));
        Assert.All(resolved.Topology.Cells, c => Assert.Equal(CpuPolicy.Mixed, c.CpuPolicy));
    }

    [Fact]
    public void Realtime_set_and_emulator_policy_are_exposed()
    {
        var resolved = NumaConstraints.Get(Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:cpu_realtime", "yes"),
            ("hw:cpu_realtime_mask", "^0"), ("hw:emulator_threads_policy", "isolate")), ImageProperties.None).Constraints!;
        Assert.Equal("1-3", resolved.RealtimeCpus!.ToString());
        Assert.Equal(EmulatorThreadsPolicy.Isolate, resolved.EmulatorThreads);
        Assert.Equal(EmulatorThreadsPolicy.Isolate, resolved.Topology!.EmulatorThreads);
        Assert.Equal("0-3", resolved.PinnedCpus.ToString());
    }

    [Fact]
    public void Explicit_pcpu_request_implies_dedicated_and_trait_implies_thread_policy()
    {
        var resolved = NumaConstraints.Get(Flavor(4, 2048, ("resources:PCPU", "4"), ("trait:HW_CPU_HYPERTHREADING", "forbidden")), ImageProperties.None).Constraints!;
        Assert.Equal(CpuPolicy.Dedicated, resolved.CpuPolicy);
        Assert.Equal(CpuThreadPolicy.Isolate, resolved.ThreadPolicy);
        Assert.True(resolved.Topology!.IsPinned);
    }

    [Fact]
    public void Locked_memory_and_page_size_are_exposed()
    {
        var resolved = NumaConstraints.Get(Flavor(4, 2048, ("hw:mem_page_size", "large"), ("hw:locked_memory", "true")),
            Image(("hw_mem_page_size", "1GB"))).Constraints!;
        Assert.Equal(PageSizeRequest.OfKiB(1048576), resolved.PageSize);
        Assert.True(resolved.LockedMemory);
    }

    [Fact]
    public void Refusals_carry_the_nova_exception_class_and_a_message()
    {
        var result = NumaConstraints.Get(Flavor(6, 4096, ("hw:numa_nodes", "4")), ImageProperties.None);
        Assert.True(result.IsError);
        Assert.Equal("ImageNUMATopologyAsymmetric", result.Error!.ExceptionClass);
        Assert.Contains("6 vCPUs", result.Error.Message);
        Assert.Null(result.Topology);
    }

    [Fact]
    public void Image_values_nova_cannot_coerce_refuse_the_image()
    {
        var result = NumaConstraints.Get(Flavor(4, 2048), Image(("hw_cpu_policy", "pinned")));
        Assert.Equal("ValueError", result.Error!.ExceptionClass);
        Assert.Contains("hw_cpu_policy", result.Error.Message);
    }
}
