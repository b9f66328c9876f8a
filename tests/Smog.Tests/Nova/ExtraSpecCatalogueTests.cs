using System.Text.Json;
using Smog.Nova.Specs;

namespace Smog.Tests.Nova;

public class ExtraSpecCatalogueTests
{
    /// <summary>api_validation.jsonl: verdicts of Nova 26.2.2's own validators for the same pairs.</summary>
    [Fact]
    public void Api_validation_agrees_with_nova_on_every_recorded_pair()
    {
        var path = Fixtures.Require("nova-constraints/api_validation.jsonl");
        var failures = new List<string>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var row = JsonDocument.Parse(line).RootElement;
            var key = row.GetProperty("key").GetString()!;
            var value = row.GetProperty("value").GetString()!;
            var expected = row.GetProperty("nova").GetString();
            var actual = ExtraSpecApiValidator.Validate(key, value) is null ? "accepted" : "rejected";
            if (actual != expected) failures.Add($"{key}={value}: nova {expected}, smog {actual}");
        }
        Assert.Empty(failures);
    }

    public static TheoryData<string, string, string?> LookupRows => new()
    {
        // description, key, template found (null = none)
        { "plain name", "hw:cpu_policy", "hw:cpu_policy" },
        { "numbered node", "hw:numa_cpus.7", "hw:numa_cpus.{num}" },
        { "resource group", "resources_big:PCPU", "resources{group}:PCPU" },
        { "custom resource", "resources:CUSTOM_FOO", "resources{group}:CUSTOM_{resource}" },
        { "standard trait", "trait:HW_CPU_HYPERTHREADING", "trait{group}:{standard_trait}" },
        { "custom trait", "trait2:CUSTOM_GOLD", "trait{group}:CUSTOM_{trait}" },
        { "aggregate scope", "aggregate_instance_extra_specs:ssd", "aggregate_instance_extra_specs:{key}" },
        { "the name the validator knows", "hw:max_cpu_sockets", "hw:max_cpu_sockets" },
        { "the name Nova reads is not registered", "hw:cpu_max_sockets", null },
        { "no numa policy key", "hw:numa_mempolicy", null },
    };

    [Theory]
    [MemberData(nameof(LookupRows))]
    public void Keys_resolve_to_their_nova_template(string description, string key, string? template)
    {
        _ = description;
        Assert.Equal(template, ExtraSpecCatalogue.Find(key)?.Name);
    }

    [Theory]
    [InlineData("hw:anything", true)]
    [InlineData("resources42:X", true)]
    [InlineData("trait_x:Y", true)]
    [InlineData("HW:cpu_policy", false)]
    [InlineData("custom:x", false)]
    [InlineData("unscoped", false)]
    public void Known_namespaces_are_the_ones_nova_validates(string key, bool known) =>
        Assert.Equal(known, ExtraSpecCatalogue.IsKnownNamespace(key));

    [Fact]
    public void Every_numa_relevant_key_of_the_spec_is_catalogued()
    {
        string[] keys =
        [
            "hw:numa_nodes", "hw:numa_cpus.0", "hw:numa_mem.0", "hw:cpu_policy", "hw:cpu_thread_policy",
            "hw:emulator_threads_policy", "hw:cpu_dedicated_mask", "hw:cpu_realtime", "hw:cpu_realtime_mask",
            "hw:mem_page_size", "hw:locked_memory", "hw:pci_numa_affinity_policy", "hw:cpu_sockets", "hw:cpu_cores",
            "hw:cpu_threads", "hw:max_cpu_sockets", "hw:max_cpu_cores", "hw:max_cpu_threads", "resources:PCPU",
            "resources:VCPU", "trait:HW_CPU_HYPERTHREADING",
        ];
        Assert.All(keys, k => Assert.NotNull(ExtraSpecCatalogue.Find(k)));
    }

    [Fact]
    public void Messages_name_the_rule_that_failed()
    {
        Assert.Contains("minimum 1", ExtraSpecApiValidator.Validate("hw:numa_nodes", "0"));
        Assert.Contains("dedicated", ExtraSpecApiValidator.Validate("hw:cpu_policy", "pinned"));
        Assert.Contains("boolean", ExtraSpecApiValidator.Validate("hw:cpu_realtime", "enabled"));
        Assert.Contains("'hw' namespace", ExtraSpecApiValidator.Validate("hw:numa_policy", "strict"));
    }
}

public class ImagePropertyCatalogueTests
{
    [Theory]
    [InlineData("hw_numa_cpus.3", "hw_numa_cpus.N")]
    [InlineData("hw_cpu_policy", "hw_cpu_policy")]
    [InlineData("hw_numa_cpus.x", null)]
    [InlineData("hw_emulator_threads_policy", null)]
    public void Properties_resolve_to_their_catalogue_entry(string name, string? entry) =>
        Assert.Equal(entry, ImagePropertyCatalogue.Find(name)?.Name);

    [Fact]
    public void Every_image_property_names_an_extra_spec_nova_reads() =>
        Assert.All(ImagePropertyCatalogue.All, d => Assert.True(
            d.FlavorKey!.StartsWith("hw:cpu_max_", StringComparison.Ordinal) // read by Nova, unknown to the API validator
            || ExtraSpecCatalogue.Find(d.FlavorKey.Replace(".N", ".0", StringComparison.Ordinal)) is not null, d.Name));
}
