using Smog.Nova;
using Smog.Nova.Specs;
using Smog.Suite.Builders;
using Smog.Topology;

namespace Smog.Tests.Suite;

public class FlavorSpecTests
{
    private static readonly Microversion Zed = new(2, 88);

    [Fact]
    public void Each_With_returns_a_new_spec_and_leaves_the_original_alone()
    {
        var plain = FlavorSpec.Create(ramMb: 4096, vcpus: 8);

        var pinned = plain.WithNumaNodes(2).WithPinning(CpuThreadPolicy.Isolate);

        Assert.Empty(plain.ExtraSpecs);
        Assert.Equal("2", pinned.ExtraSpecs["hw:numa_nodes"]);
        Assert.Equal("dedicated", pinned.ExtraSpecs["hw:cpu_policy"]);
        Assert.Equal("isolate", pinned.ExtraSpecs["hw:cpu_thread_policy"]);
        Assert.Equal((4096, 8, 1), (pinned.RamMiB, pinned.Vcpus, pinned.DiskGb));
    }

    [Fact]
    public void The_chainable_helpers_write_novas_extra_spec_keys()
    {
        var spec = FlavorSpec.Create(3072, 4, diskGb: 5)
            .WithNumaNodes(2).WithNumaCell(0, CpuSet.Of(0), 1024).WithNumaCell(1, CpuSet.Range(1, 3), 2048)
            .WithEmulatorThreads(EmulatorThreadsPolicy.Isolate)
            .WithPageSize("2MB")
            .WithCpuTopology(sockets: 2, cores: 2)
            .WithPci("nic", 1, "preferred")
            .WithExtraSpec("trait:HW_CPU_X86_AVX2", "required");

        Assert.Equal(new Dictionary<string, string>
        {
            ["hw:numa_nodes"] = "2",
            ["hw:numa_cpus.0"] = "0",
            ["hw:numa_mem.0"] = "1024",
            ["hw:numa_cpus.1"] = "1-3",
            ["hw:numa_mem.1"] = "2048",
            ["hw:emulator_threads_policy"] = "isolate",
            ["hw:mem_page_size"] = "2MB",
            ["hw:cpu_sockets"] = "2",
            ["hw:cpu_cores"] = "2",
            ["pci_passthrough:alias"] = "nic:1",
            ["hw:pci_numa_affinity_policy"] = "preferred",
            ["trait:HW_CPU_X86_AVX2"] = "required",
        }, spec.ExtraSpecs.ToDictionary());
        Assert.Equal(5, spec.DiskGb);
    }

    [Fact]
    public void Mixed_and_realtime_set_policy_and_masks()
    {
        var mixed = FlavorSpec.Create(1024, 4).WithMixed(CpuSet.Range(0, 1));
        var realtime = FlavorSpec.Create(1024, 4).WithPinning().WithRealtime("^0");

        Assert.Equal(("mixed", "0-1"), (mixed.ExtraSpecs["hw:cpu_policy"], mixed.ExtraSpecs["hw:cpu_dedicated_mask"]));
        Assert.Equal(("yes", "^0"), (realtime.ExtraSpecs["hw:cpu_realtime"], realtime.ExtraSpecs["hw:cpu_realtime_mask"]));
        Assert.DoesNotContain(mixed.Lint(null, Zed), f => f.Severity == LintSeverity.Error);
        Assert.DoesNotContain(realtime.Lint(null, Zed), f => f.Severity == LintSeverity.Error);
    }

    [Fact]
    public void The_engine_lints_a_spec_and_names_the_key_at_fault()
    {
        var bad = FlavorSpec.Create(1024, 2).WithExtraSpec("hw:cpu_policy", "bogus");

        var error = Assert.Single(bad.Lint(null, Zed), f => f.Severity == LintSeverity.Error);

        Assert.Equal("hw:cpu_policy", error.Key);
    }

    [Fact]
    public void A_vcpu_in_two_guest_cells_is_a_server_create_refusal()
    {
        var split = FlavorSpec.Create(128, 2).WithNumaNodes(2).WithNumaCell(0, CpuSet.Of(0), 64).WithNumaCell(1, CpuSet.Of(0), 64);

        var error = Assert.Single(split.Lint(null, Zed), f => f.Severity == LintSeverity.Error);

        Assert.Contains("server create fails (HTTP 400", error.Message);
    }

    [Fact]
    public void A_preferred_cpu_topology_that_cannot_make_the_vcpu_count_is_not_an_error()
    {
        // Nova zeroes an unsatisfiable preference and picks its default (spec §5): no API refusal.
        var unsatisfiable = FlavorSpec.Create(128, 1).WithCpuTopology(sockets: 2);

        Assert.DoesNotContain(unsatisfiable.Lint(null, Zed), f => f.Severity == LintSeverity.Error);
    }

    [Fact]
    public void Sizes_below_one_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlavorSpec.Create(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlavorSpec.Create(128, 0));
    }
}

public class AggregateGroupsTests
{
    [Fact]
    public void Opposing_pair_true_on_the_chosen_hosts_false_on_the_rest()
    {
        var groups = AggregateGroups.Create("pinned", ["c2"], ["c1", "c2", "c3"]);

        Assert.Equal(["c2"], groups.OnHosts);
        Assert.Equal(["c1", "c3"], groups.OffHosts);
        Assert.Equal([("pinned-true", "true"), ("pinned-false", "false")], groups.Aggregates.Select(a => (a.Suffix, a.Value)));
    }

    [Fact]
    public void Flavors_get_the_matching_aggregate_extra_spec()
    {
        var groups = AggregateGroups.Create("pinned", ["c1"], ["c1", "c2"]);
        var spec = FlavorSpec.Create(512, 1);

        Assert.Equal("true", groups.On(spec.WithPinning()).ExtraSpecs["aggregate_instance_extra_specs:pinned"]);
        Assert.Equal("false", groups.Off(spec).ExtraSpecs["aggregate_instance_extra_specs:pinned"]);
    }

    [Fact]
    public void A_host_outside_the_cloud_or_no_host_at_all_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AggregateGroups.Create("pinned", ["elsewhere"], ["c1"]));
        Assert.Throws<ArgumentException>(() => AggregateGroups.Create("pinned", [], ["c1"]));
        Assert.Throws<ArgumentException>(() => AggregateGroups.Create("a:b", ["c1"], ["c1"]));
    }
}
