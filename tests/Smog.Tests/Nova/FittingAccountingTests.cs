using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Accounting;
using Smog.Nova.Filters;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Topology;
using static Smog.Tests.Nova.FittingTestHosts;

namespace Smog.Tests.Nova;

/// <summary>Claims, releases and Nova's pinning errors (nova-26-numa-semantics.md §8), and the NUMA filter (nova-26-numa-semantics.md §7).</summary>
public sealed class FittingAccountingTests
{
    private static FittedTopology Dedicated4OnH2T => NumaFitter.Fit(H2T, Request(4, 4096, policy: CpuPolicy.Dedicated)).Topology!;

    [Fact]
    public void Claim_counts_memory_pages_and_pins_but_not_pinned_vcpus_as_cpu_usage()
    {
        var cell = HostUsage.Claim(H2T, Dedicated4OnH2T).Host!.Cells[0];
        Assert.Equal(4096, cell.MemoryUsageMiB);
        Assert.Equal(0, cell.CpuUsage);
        Assert.Equal(4096L * 1024 / 4, cell.PagesOfSize(4)!.Used);
        Assert.Equal(CpuSet.Parse("0,7,16,23"), cell.PinnedCpus);
    }

    [Fact]
    public void Shared_guests_count_floating_vcpus()
    {
        var fitted = NumaFitter.Fit(H4, Request(8, 4096, nodes: 2)).Topology!;
        var host = HostUsage.Claim(H4, fitted).Host!;
        Assert.Equal([4, 4, 0, 0], host.Cells.Select(c => c.CpuUsage));
        Assert.Equal([2048L, 2048, 0, 0], host.Cells.Select(c => c.MemoryUsageMiB));
    }

    [Fact]
    public void Claiming_the_same_pins_twice_is_CPUPinningInvalid()
    {
        var once = HostUsage.Claim(H2T, Dedicated4OnH2T).Host!;
        var twice = HostUsage.Claim(once, Dedicated4OnH2T);
        Assert.Equal("CPUPinningInvalid", twice.Error?.ExceptionClass);
        Assert.Null(twice.Host);
    }

    [Fact]
    public void Pinning_a_cpu_outside_the_pcpuset_is_CPUPinningUnknown()
    {
        var bogus = Dedicated4OnH2T with { Cells = [Dedicated4OnH2T.Cells[0] with { CpuPinning = Pins(99) }] };
        Assert.Equal("CPUPinningUnknown", HostUsage.Claim(H2T, bogus).Error?.ExceptionClass);
    }

    [Fact]
    public void Release_undoes_a_claim_and_a_second_release_is_CPUUnpinningInvalid()
    {
        var claimed = HostUsage.Claim(H2T, Dedicated4OnH2T).Host!;
        var released = HostUsage.Release(claimed, Dedicated4OnH2T).Host!;
        Assert.Equal(H2T, released);
        Assert.Equal("CPUUnpinningInvalid", HostUsage.Release(released, Dedicated4OnH2T).Error?.ExceptionClass);
    }

    [Fact]
    public void Isolate_release_frees_the_whole_cores()
    {
        var fitted = NumaFitter.Fit(H2T, Request(4, 4096, policy: CpuPolicy.Dedicated, threads: CpuThreadPolicy.Isolate)).Topology!;
        var claimed = HostUsage.Claim(H2T, fitted).Host!;
        Assert.Equal(8, claimed.Cells[0].PinnedCpus.Count);
        Assert.True(HostUsage.Release(claimed, fitted).Host!.Cells[0].PinnedCpus.IsEmpty);
    }

    [Fact]
    public void Isolate_with_emulator_isolate_can_reserve_a_thread_whose_core_is_partly_pinned()
    {
        // Cores {0,3} {1,4} {2,5}; 1, 2 and 5 pinned. Isolate pins a thread of the free core {0,3};
        // the reserve skips only cores touched by the pinning, so it takes 4 from {1,4}. Claiming
        // whole cores then hits pinned CPU 1: Nova's fit succeeds and its claim fails.
        var host = NovaHostBuilder.Build([new HostCellSpec
        {
            Id = 0, Cpus = CpuSet.Parse("0-5"), MemoryMiB = 4096,
            Siblings = [[0, 3], [1, 4], [2, 5]], PinnedCpus = CpuSet.Parse("1-2,5"),
        }]);
        var fitted = NumaFitter.Fit(host, Request(1, 512, policy: CpuPolicy.Dedicated, threads: CpuThreadPolicy.Isolate,
            emulator: EmulatorThreadsPolicy.Isolate)).Topology!;
        Assert.Equal(CpuSet.Of(4), fitted.Cells[0].CpusetReserved);
        Assert.Equal("CPUPinningInvalid", HostUsage.Claim(host, fitted).Error?.ExceptionClass);
    }

    public static TheoryData<string, string?, string?, string?, bool, bool> FilterRows => new()
    {
        { "dedicated + require on a host without SMT", "dedicated", "require", null, false, false },
        { "dedicated + require on an SMT host", "dedicated", "require", null, true, true },
        { "image policy counts too", null, "require", "dedicated", false, false },
        { "prefer is fine without SMT", "dedicated", "prefer", null, false, true },
    };

    [Theory]
    [MemberData(nameof(FilterRows))]
    public void Numa_filter_rejects_require_without_smt(string description, string? policy, string? threads, string? imagePolicy, bool smt, bool passes)
    {
        _ = description;
        var specs = new Dictionary<string, string>();
        if (policy is not null) specs["hw:cpu_policy"] = policy;
        if (threads is not null) specs["hw:cpu_thread_policy"] = threads;
        var flavor = new Flavor(4, 2048, specs.ToImmutableSortedDictionary());
        var image = imagePolicy is null ? ImageProperties.None
            : new ImageProperties(new Dictionary<string, string> { ["hw_cpu_policy"] = imagePolicy }.ToImmutableSortedDictionary());
        var request = Request(4, 2048, policy: CpuPolicy.Dedicated, threads: threads == "require" ? CpuThreadPolicy.Require : CpuThreadPolicy.Prefer);
        Assert.Equal(passes, NumaTopologyFilter.Passes(smt ? H2T : H4, request, flavor, image));
    }

    [Fact]
    public void Numa_filter_accepts_guests_without_topology_and_rejects_hosts_without_one()
    {
        var flavor = new Flavor(2, 1024, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty);
        Assert.True(NumaTopologyFilter.Passes(null, null, flavor, ImageProperties.None));
        Assert.False(NumaTopologyFilter.Passes(null, Request(2, 1024, nodes: 1), flavor, ImageProperties.None));
    }
}
