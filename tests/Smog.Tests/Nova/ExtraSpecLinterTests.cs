using Smog.Nova;
using Smog.Nova.Specs;
using static Smog.Tests.Nova.NovaTestData;

namespace Smog.Tests.Nova;

public class ExtraSpecLinterTests
{
    private static LintFinding Single(Flavor flavor, string key, ImageProperties? image = null) =>
        Assert.Single(ExtraSpecLinter.Lint(flavor, image), f => f.Key == key);

    public static TheoryData<string, Flavor, string, LintSeverity, string> Rows => new()
    {
        // description, flavor, key, severity, rule
        { "numa mempolicy does not exist", Flavor(4, 2048, ("hw:numa_mempolicy", "preferred")), "hw:numa_mempolicy", LintSeverity.Error, "no-such-key" },
        { "numa policy does not exist", Flavor(4, 2048, ("hw:numa_policy", "strict")), "hw:numa_policy", LintSeverity.Error, "no-such-key" },
        { "unknown key in the hw namespace", Flavor(4, 2048, ("hw:cpu_polcy", "dedicated")), "hw:cpu_polcy", LintSeverity.Error, "api-rejects" },
        { "invalid enum value", Flavor(4, 2048, ("hw:cpu_thread_policy", "never"), ("hw:cpu_policy", "dedicated")), "hw:cpu_thread_policy", LintSeverity.Error, "api-rejects" },
        { "the working max name is API-rejected", Flavor(4, 2048, ("hw:cpu_max_sockets", "1")), "hw:cpu_max_sockets", LintSeverity.Warning, "max-cpu-quirk" },
        { "the API-accepted max name does nothing", Flavor(4, 2048, ("hw:max_cpu_sockets", "1")), "hw:max_cpu_sockets", LintSeverity.Warning, "max-cpu-quirk" },
        { "page size accepted by API but not at boot", Flavor(4, 2048, ("hw:mem_page_size", "2M")), "hw:mem_page_size", LintSeverity.Error, "page-size-boot-invalid" },
        { "flavor/image conflict", Flavor(4, 2048, ("hw:cpu_policy", "shared")), "hw:cpu_policy", LintSeverity.Error, "ImageCPUPinningForbidden" },
        { "namespace case", Flavor(4, 2048, ("HW:cpu_policy", "dedicated")), "HW:cpu_policy", LintSeverity.Warning, "namespace-case" },
        { "unscoped key meets the aggregate filter", Flavor(4, 2048, ("ssd", "true")), "ssd", LintSeverity.Info, "aggregate-filter" },
        { "realtime mask without realtime", Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:cpu_realtime_mask", "^0")), "hw:cpu_realtime_mask", LintSeverity.Warning, "ignored" },
        { "node list after a gap", Flavor(4, 2048, ("hw:numa_nodes", "1"), ("hw:numa_cpus.0", "0-3"), ("hw:numa_mem.0", "2048"), ("hw:numa_cpus.2", "0")), "hw:numa_cpus.2", LintSeverity.Warning, "ignored" },
        { "build fails on compute", Flavor(8, 4096, ("hw:cpu_max_sockets", "1"), ("hw:cpu_max_cores", "1"), ("hw:cpu_max_threads", "2")), "hw:cpu_max_*", LintSeverity.Error, "ImageVCPULimitsRangeImpossible" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Finds_what_nova_would_refuse_or_ignore(string description, Flavor flavor, string key, LintSeverity severity, string rule)
    {
        _ = description;
        var image = rule == "ImageCPUPinningForbidden" ? Image(("hw_cpu_policy", "dedicated")) : null;
        var finding = Single(flavor, key, image);
        Assert.Equal((severity, rule), (finding.Severity, finding.Rule));
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
    }

    [Fact]
    public void The_mempolicy_message_says_memory_mode_is_always_strict() =>
        Assert.Contains("memory mode is always strict", Single(Flavor(2, 1024, ("hw:numa_mempolicy", "interleave")), "hw:numa_mempolicy").Message);

    [Fact]
    public void A_correct_numa_flavor_has_no_findings() =>
        Assert.Empty(ExtraSpecLinter.Lint(Flavor(8, 4096, ("hw:numa_nodes", "2"), ("hw:cpu_policy", "dedicated"),
            ("hw:cpu_thread_policy", "prefer"), ("hw:mem_page_size", "2MB"), ("hw:emulator_threads_policy", "share"))));

    [Fact]
    public void Image_properties_nova_reads_only_from_flavors_are_reported() =>
        Assert.Equal("flavor-only", Single(Flavor(2, 1024), "hw_emulator_threads_policy", Image(("hw_emulator_threads_policy", "isolate"))).Rule);

    [Fact]
    public void Lists_without_a_topology_trigger_are_reported_as_ignored() =>
        Assert.Equal("ignored", Single(Flavor(4, 2048, ("hw:numa_cpus.0", "0-3"), ("hw:numa_mem.0", "2048")), "hw:numa_cpus.N").Rule);
}
