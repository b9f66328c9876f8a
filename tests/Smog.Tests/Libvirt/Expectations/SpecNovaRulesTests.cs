using System.Collections.Immutable;
using Smog.Libvirt.Expectations;
using Smog.Nova;

namespace Smog.Tests.Libvirt.Expectations;

/// <summary>The stand-in Nova rules against the examples spec §2, §1.2 and §5 confirm with real Nova.</summary>
public class SpecNovaRulesTests
{
    private static Flavor Flavor(int vcpus, long mib, params (string, string)[] specs) =>
        new(vcpus, mib, specs.ToImmutableSortedDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal));

    private static ImageProperties Image(params (string, string)[] props) =>
        new(props.ToImmutableSortedDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));

    public static TheoryData<string, Flavor, string> ConstraintRows => new()
    {
        // description, flavor, cells as "floating|pinned:MiB" or "none" or the error class
        { "no trigger: no topology", Flavor(4, 2048), "none" },
        { "numa_cpus alone creates nothing", Flavor(4, 2048, ("hw:numa_cpus.0", "0-3"), ("hw:numa_mem.0", "2048")), "none" },
        { "8 vCPU / 4096 MiB / 2 nodes", Flavor(8, 4096, ("hw:numa_nodes", "2")), "0-3|:2048 4-7|:2048" },
        { "dedicated alone: one implicit cell", Flavor(4, 2048, ("hw:cpu_policy", "dedicated")), "|0-3:2048" },
        { "page size alone: one implicit cell", Flavor(2, 1024, ("hw:mem_page_size", "large")), "0-1|:1024" },
        { "mixed with a mask", Flavor(4, 2048, ("hw:cpu_policy", "mixed"), ("hw:cpu_dedicated_mask", "2-3")), "0-1|2-3:2048" },
        { "mixed with an exclusion mask", Flavor(4, 2048, ("hw:cpu_policy", "mixed"), ("hw:cpu_dedicated_mask", "^0")), "0|1-3:2048" },
        { "explicit asymmetric cells", Flavor(6, 4096, ("hw:numa_nodes", "2"), ("hw:numa_cpus.0", "0-1"), ("hw:numa_cpus.1", "2-5"), ("hw:numa_mem.0", "1024"), ("hw:numa_mem.1", "3072")), "0-1|:1024 2-5|:3072" },
        { "6 vCPU on 4 nodes", Flavor(6, 4096, ("hw:numa_nodes", "4")), "ImageNUMATopologyAsymmetric" },
        { "8 vCPU / 4000 MiB / 3 nodes", Flavor(8, 4000, ("hw:numa_nodes", "3")), "ImageNUMATopologyAsymmetric" },
    };

    [Theory]
    [MemberData(nameof(ConstraintRows))]
    public void Requested_cells(string description, Flavor flavor, string expected)
    {
        _ = description;
        var outcome = SpecNovaRules.Instance.Constraints(flavor, ImageProperties.None);
        var actual = outcome.Error?.ExceptionClass
            ?? (outcome.Topology is null ? "none" : string.Join(" ", outcome.Topology.Cells.Select(c => $"{c.Cpus}|{c.Pcpus}:{c.MemoryMiB}")));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("small", -1L)]
    [InlineData("large", -2L)]
    [InlineData("any", -3L)]
    [InlineData("2048", 2048L)]
    [InlineData("2MB", 2048L)]
    [InlineData("2MiB", 2048L)]
    [InlineData("2048KB", 2048L)]
    [InlineData("1GB", 1048576L)]
    [InlineData("1GiB", 1048576L)]
    [InlineData("4KB", 4L)]
    public void Page_sizes_read_as_nova_does(string text, long value) =>
        Assert.Equal(new PageSizeRequest(value), SpecNovaRules.ParsePageSize(text));

    [Theory]
    [InlineData("2M")]
    [InlineData("1G")]
    [InlineData("huge")]
    public void Page_sizes_nova_refuses_at_boot(string text) => Assert.Null(SpecNovaRules.ParsePageSize(text));

    [Fact]
    public void Image_page_size_replaces_flavor_large_only()
    {
        Assert.Equal(PageSizeRequest.OfKiB(2048), SpecNovaRules.PageSize(Flavor(1, 1024, ("hw:mem_page_size", "large")), Image(("hw_mem_page_size", "2MB"))));
        Assert.Equal(PageSizeRequest.Small, SpecNovaRules.PageSize(Flavor(1, 1024, ("hw:mem_page_size", "small")), Image(("hw_mem_page_size", "2MB"))));
    }

    public static TheoryData<string, Flavor, ImageProperties, string> TopologyRows => new()
    {
        // description, flavor, image, "sockets,cores,threads" (spec §5, confirmed with real Nova)
        { "default", Flavor(8, 1024), ImageProperties.None, "8,1,1" },
        { "cpu_sockets=2", Flavor(8, 1024, ("hw:cpu_sockets", "2")), ImageProperties.None, "2,4,1" },
        { "cpu_threads=2", Flavor(8, 1024, ("hw:cpu_threads", "2")), ImageProperties.None, "4,1,2" },
        { "max_sockets=2", Flavor(8, 1024, ("hw:cpu_max_sockets", "2")), ImageProperties.None, "2,4,1" },
        { "max_sockets=1, max_cores=2", Flavor(8, 1024, ("hw:cpu_max_sockets", "1"), ("hw:cpu_max_cores", "2")), ImageProperties.None, "1,2,4" },
        { "unsatisfiable preference", Flavor(6, 1024, ("hw:cpu_sockets", "4")), ImageProperties.None, "6,1,1" },
        { "image replaces flavor triple", Flavor(8, 1024, ("hw:cpu_sockets", "2")), Image(("hw_cpu_cores", "2")), "4,2,1" },
    };

    [Theory]
    [MemberData(nameof(TopologyRows))]
    public void Guest_cpu_topology(string description, Flavor flavor, ImageProperties image, string expected)
    {
        _ = description;
        var t = CpuTopologyChooser.Choose(flavor, image).Chosen!;
        Assert.Equal(expected, $"{t.Sockets},{t.Cores},{t.Threads}");
    }

    [Fact]
    public void Image_maximum_above_flavor_maximum_is_refused() =>
        Assert.Equal("ImageVCPULimitsRangeExceeded",
            CpuTopologyChooser.Choose(Flavor(4, 1024, ("hw:cpu_max_sockets", "2")), Image(("hw_cpu_max_sockets", "4"))).Error!.ExceptionClass);

    [Theory]
    [InlineData("^0", 4, "1-3")]
    [InlineData("^0,^2", 4, "1,3")]
    [InlineData("2-3", 4, "2-3")]
    public void Masks_with_a_leading_caret_mean_all_except(string mask, int vcpus, string expected) =>
        Assert.Equal(expected, NovaSpecs.Mask(mask, vcpus)!.ToString());
}
