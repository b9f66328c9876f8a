using CsCheck;
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
    public void Syntax_refusals_point_at_the_key_they_come_from()
    {
        // The API error and the create-time Invalid are about the same key: reported once.
        Assert.Equal("api-rejects", Single(Flavor(4, 2048, ("hw:numa_nodes", "1"), ("hw:numa_cpus.0", "0-x"), ("hw:numa_mem.0", "2048")), "hw:numa_cpus.0").Rule);
        Assert.Equal("ValueError", Single(Flavor(4, 2048), "hw_cpu_policy", Image(("hw_cpu_policy", "pinned"))).Rule);
    }

    [Fact]
    public void Conflicting_hyperthreading_trait_specs_are_ambiguous()
    {
        var findings = ExtraSpecLinter.Lint(Flavor(4, 2048, ("hw:cpu_policy", "dedicated"),
            ("trait:HW_CPU_HYPERTHREADING", "forbidden"), ("trait2:HW_CPU_HYPERTHREADING", "required")));
        Assert.Contains(findings, f => f.Rule == "ambiguous" && f.Key.Contains("trait2:HW_CPU_HYPERTHREADING"));
    }

    [Fact]
    public void A_misspelt_key_gets_a_suggestion() =>
        Assert.Contains("did you mean hw:cpu_policy?", Single(Flavor(4, 2048, ("hw:cpu_polcy", "dedicated")), "hw:cpu_polcy").Message);

    private static readonly string[] Keys =
    [
        "hw:numa_nodes", "hw:numa_cpus.0", "hw:numa_mem.0", "hw:numa_cpus.1", "hw:numa_mem.1", "hw:cpu_policy", "hw:cpu_thread_policy",
        "hw:emulator_threads_policy", "hw:cpu_dedicated_mask", "hw:cpu_realtime", "hw:cpu_realtime_mask", "hw:mem_page_size",
        "hw:locked_memory", "hw:pci_numa_affinity_policy", "hw:cpu_sockets", "hw:cpu_max_sockets", "hw:max_cpu_cores",
        "resources:PCPU", "resources1:VCPU", "trait:HW_CPU_HYPERTHREADING", "hw:numa_mempolicy", "ssd", "hw:bogus", "HW:cpu_policy",
    ];

    private static readonly string[] Values =
        ["", " ", "0", "1", "2", "-1", "x", "yes", "dedicated", "mixed", "isolate", "share", "^0", "0-1", "large", "2M", "2MB", "required", "forbidden", "socket"];

    [Fact]
    public void Never_throws_and_every_finding_is_complete() =>
        Property.ForAll(Gen.Select(Gen.Int[0, 16], Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Values)).Array[0, 8]), x =>
        {
            var (vcpus, specs) = x;
            var flavor = Flavor(vcpus, 2048, [.. specs.DistinctBy(s => s.Item1)]);
            return ExtraSpecLinter.Lint(flavor).All(f => f.Key.Length > 0 && f.Rule.Length > 0 && f.Message.Length > 0 && !f.Message.Contains('\n'));
        });

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
