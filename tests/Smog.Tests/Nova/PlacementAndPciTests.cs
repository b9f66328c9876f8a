using System.Text.Json;
using Smog.Input;
using Smog.Nova;
using Smog.Nova.Constraints;
using static Smog.Tests.Nova.NovaTestData;

namespace Smog.Tests.Nova;

public class PlacementAndPciTests
{
    private static PlacementRequest Placement(Flavor flavor, ImageProperties? image = null)
    {
        image ??= ImageProperties.None;
        var resolved = NumaConstraints.Get(flavor, image).Constraints!;
        return PlacementTranslation.Translate(flavor, image, resolved);
    }

    public static TheoryData<string, Flavor, long, long, string> Rows => new()
    {
        // description, flavor, VCPU, PCPU, traits
        { "shared asks VCPU", Flavor(4, 2048), 4, 0, "" },
        { "dedicated asks PCPU", Flavor(4, 2048, ("hw:cpu_policy", "dedicated")), 0, 4, "" },
        { "emulator isolate adds a PCPU", Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:emulator_threads_policy", "isolate")), 0, 5, "" },
        { "mixed splits", Flavor(4, 2048, ("hw:cpu_policy", "mixed"), ("hw:cpu_dedicated_mask", "2-3")), 2, 2, "" },
        { "isolate forbids hyperthreading", Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "isolate")), 0, 4, "HW_CPU_HYPERTHREADING=Forbidden" },
        { "require requires hyperthreading", Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "require")), 0, 4, "HW_CPU_HYPERTHREADING=Required" },
        { "explicit PCPU kept", Flavor(4, 2048, ("resources:PCPU", "4")), 0, 4, "" },
        { "explicit trait kept", Flavor(4, 2048, ("resources:PCPU", "4"), ("trait:HW_CPU_HYPERTHREADING", "forbidden")), 0, 4, "HW_CPU_HYPERTHREADING=Forbidden" },
        { "socket PCI policy needs its trait", Flavor(4, 2048, ("hw:pci_numa_affinity_policy", "socket")), 4, 0, "COMPUTE_SOCKET_PCI_NUMA_AFFINITY=Required" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Scheduler_translates_policies_to_placement(string description, Flavor flavor, long vcpu, long pcpu, string traits)
    {
        _ = description;
        var request = Placement(flavor);
        Assert.Equal((vcpu, pcpu), (request.Vcpu, request.Pcpu));
        Assert.Equal(traits, string.Join(",", request.Traits.Select(t => $"{t.Key}={t.Value}")));
        Assert.Equal(flavor.MemoryMiB, request.MemoryMiB);
    }

    /// <summary>placement.jsonl: Nova's ResourceRequest (merged over groups) for every resolvable fixture case.</summary>
    [Fact]
    public void Agrees_with_nova_resource_request_on_every_recorded_case()
    {
        var path = Fixtures.Require("nova-constraints/placement.jsonl");
        var failures = new List<string>();
        var rows = 0;
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            rows++;
            var parsed = CaseReader.Read(JsonDocument.Parse(line).RootElement, path, ignoreHost: true).Value;
            var row = JsonDocument.Parse(line).RootElement;
            var request = Placement(parsed.Flavor, parsed.Image);
            var expected = $"VCPU={row.GetProperty("vcpu").GetInt64()} PCPU={row.GetProperty("pcpu").GetInt64()} MEMORY_MB={row.GetProperty("memory_mb").GetInt64()}"
                           + $" required={Names(row, "required")} forbidden={Names(row, "forbidden")}";
            var actual = $"VCPU={request.Vcpu} PCPU={request.Pcpu} MEMORY_MB={request.MemoryMiB}"
                         + $" required={Traits(request, TraitRequirement.Required)} forbidden={Traits(request, TraitRequirement.Forbidden)}";
            if (expected != actual) failures.Add($"{parsed.Name}: nova {expected} / smog {actual}");
        }
        Assert.True(rows > 500);
        Assert.Empty(failures);
    }

    private static string Names(JsonElement row, string field) =>
        string.Join(",", row.GetProperty(field).EnumerateArray().Select(e => e.GetString()));

    private static string Traits(PlacementRequest request, TraitRequirement kind) =>
        string.Join(",", request.Traits.Where(t => t.Value == kind).Select(t => t.Key));

    [Theory]
    [InlineData("required", null, "Required", null)]
    [InlineData(null, "socket", "Socket", null)]
    [InlineData("legacy", "legacy", "Legacy", null)]
    [InlineData("required", "preferred", null, "ImagePCINUMAPolicyForbidden")]
    [InlineData("strict", null, null, "InvalidPCINUMAAffinity")]
    [InlineData(null, null, null, null)]
    public void Pci_numa_affinity_policy_comes_from_flavor_or_image(string? flavorValue, string? imageValue, string? policy, string? error)
    {
        var flavor = flavorValue is null ? Flavor(2, 1024) : Flavor(2, 1024, ("hw:pci_numa_affinity_policy", flavorValue));
        var image = imageValue is null ? ImageProperties.None : Image(("hw_pci_numa_affinity_policy", imageValue));
        var (actual, actualError) = PciNumaAffinity.Get(flavor, image);
        Assert.Equal(policy, actual?.ToString());
        Assert.Equal(error, actualError?.ExceptionClass);
    }
}
