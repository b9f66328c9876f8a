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
