using CsCheck;
using Smog.Nova;
using Smog.Nova.CpuTopology;
using static Smog.Tests.Nova.NovaTestData;

namespace Smog.Tests.Nova;

public class CpuTopologyChooserTests
{
    public static TheoryData<string, Flavor, ImageProperties, string> Rows => new()
    {
        // description, flavor, image, sockets:cores:threads or exception class (nova-26-numa-semantics.md §5 examples)
        { "default is one socket per vCPU", Flavor(8, 4096), ImageProperties.None, "8:1:1" },
        { "preferred sockets", Flavor(8, 4096, ("hw:cpu_sockets", "2")), ImageProperties.None, "2:4:1" },
        { "preferred threads", Flavor(8, 4096, ("hw:cpu_threads", "2")), ImageProperties.None, "4:1:2" },
        { "max sockets", Flavor(8, 4096, ("hw:cpu_max_sockets", "2")), ImageProperties.None, "2:4:1" },
        { "max sockets and cores", Flavor(8, 4096, ("hw:cpu_max_sockets", "1"), ("hw:cpu_max_cores", "2")), ImageProperties.None, "1:2:4" },
        { "unsatisfiable preference falls back", Flavor(6, 4096, ("hw:cpu_sockets", "4")), ImageProperties.None, "6:1:1" },
        { "image triple replaces the flavor's", Flavor(8, 4096, ("hw:cpu_sockets", "2")), Image(("hw_cpu_cores", "2")), "4:2:1" },
        { "the API-validated name has no effect", Flavor(8, 4096, ("hw:max_cpu_sockets", "2")), ImageProperties.None, "8:1:1" },
        { "image limit above flavor limit", Flavor(8, 4096, ("hw:cpu_max_sockets", "2")), Image(("hw_cpu_max_sockets", "4")), "ImageVCPULimitsRangeExceeded" },
        { "image preference above limit", Flavor(8, 4096, ("hw:cpu_max_sockets", "2")), Image(("hw_cpu_sockets", "4")), "ImageVCPUTopologyRangeExceeded" },
        { "no candidate within limits", Flavor(8, 4096, ("hw:cpu_max_sockets", "1"), ("hw:cpu_max_cores", "1"), ("hw:cpu_max_threads", "2")), ImageProperties.None, "ImageVCPULimitsRangeImpossible" },
        { "flavor value not an integer", Flavor(8, 4096, ("hw:cpu_sockets", "two")), ImageProperties.None, "InvalidRequest" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Chooses_like_nova_get_best_cpu_topology(string description, Flavor flavor, ImageProperties image, string expected)
    {
        _ = description;
        var result = CpuTopologyChooser.Best(flavor, image);
        Assert.Equal(expected, result.Topology is { } t ? $"{t.Sockets}:{t.Cores}:{t.Threads}" : result.Error!.ExceptionClass);
    }

    [Fact]
    public void Candidates_multiply_to_the_vcpu_count_and_respect_limits() =>
        Property.ForAll(Gen.Select(Gen.Int[1, 64], Gen.Int[1, 8], Gen.Int[1, 8], Gen.Int[1, 4]), x =>
        {
            var (vcpus, s, c, t) = x;
            var candidates = CpuTopologyChooser.Candidates(vcpus, new GuestCpuTopology(s, c, t));
            return candidates.All(x => x.Vcpus == vcpus && x.Sockets <= s && x.Cores <= c && x.Threads <= t)
                   && candidates.Distinct().Count() == candidates.Length;
        });

    [Fact]
    public void Without_preferences_the_first_candidate_is_chosen() =>
        Property.ForAll(Gen.Int[1, 48], vcpus =>
            CpuTopologyChooser.Best(Flavor(vcpus, 1024), ImageProperties.None).Topology
            == CpuTopologyChooser.Candidates(vcpus, new GuestCpuTopology(65536, 65536, 65536))[0]);
}
