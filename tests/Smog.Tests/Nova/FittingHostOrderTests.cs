using CsCheck;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Nova.Host;
using Smog.Nova.Python;
using Smog.Topology;
using static Smog.Tests.Nova.FittingTestHosts;

namespace Smog.Tests.Nova;

/// <summary>The CPython set emulation and the sibling orders it yields (nova-26-numa-semantics.md §3.2).</summary>
public sealed class FittingHostOrderTests
{
    [Theory]
    [InlineData(new[] { 0, 16 }, 16712423940198669382UL)]
    [InlineData(new[] { 23, 7 }, 7464309681142880132UL)]
    [InlineData(new[] { 5 }, 10633305690110184711UL)]
    [InlineData(new int[0], 5740354900026072187UL)]
    public void Tuple_hash_matches_cpython_311(int[] tuple, ulong expected) =>
        Assert.Equal(expected, PyHash.OfTuple(tuple));

    public static TheoryData<string, int[], int[]> IntSets => new()
    {
        { "colliding ids: the second lands after a perturbed probe", [7, 23], [23, 7] },
        { "same ids, other insertion order", [23, 7], [7, 23] },
        { "three ids, two colliding", [8, 0, 16], [8, 0, 16] },
        { "distinct slots iterate by value mod 8", [9, 2, 15], [9, 2, 15] },
        { "growth past four keys re-lays the table", [0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    };

    [Theory]
    [MemberData(nameof(IntSets))]
    public void Int_set_iterates_like_cpython(string description, int[] inserted, int[] expected)
    {
        _ = description;
        Assert.Equal(expected, PySet.IntOrder(inserted));
    }

    [Fact]
    public void Short_int_order_matches_the_set_emulation() =>
        // The allocation-free path for short lists against PySet itself: duplicates, collisions, growth.
        Property.ForAll(Gen.Int[0, 200].Array[0, 20], items =>
            PySet.IntOrder(items.AsSpan()).SequenceEqual(PySet<int>.From(items, PyHash.OfInt).InOrder()), iter: 5000);

    [Fact]
    public void Non_smt_cells_follow_the_libvirt_tuple_set_order()
    {
        var host = H4;
        int[][] expected = [[6, 2, 5, 4, 1, 7, 0, 3], [12, 15, 11, 8, 14, 10, 13, 9], [18, 21, 17, 23, 20, 16, 19, 22], [28, 31, 24, 30, 27, 26, 29, 25]];
        Assert.Equal(expected, host.Cells.Select(c => c.Siblings.Select(s => Assert.Single(s)).ToArray()).ToArray());
    }

    [Fact]
    public void Smt_cells_keep_the_spec_core_order()
    {
        var host = H2T;
        int[][] cell0 = [[7, 23], [0, 16], [1, 17], [3, 19], [5, 21], [2, 18], [6, 22], [4, 20]];
        int[][] cell1 = [[8, 24], [14, 30], [11, 27], [9, 25], [13, 29], [10, 26], [12, 28], [15, 31]];
        Assert.Equal(cell0, host.Cells[0].Siblings.Select(s => s.Order().ToArray()).ToArray());
        Assert.Equal(cell1, host.Cells[1].Siblings.Select(s => s.Order().ToArray()).ToArray());
    }

    [Fact]
    public void Ascending_order_sorts_cores_and_threads()
    {
        var host = NovaHostBuilder.Build(Cells(1, 4, 2).Select(c => c with { Order = SiblingOrder.Ascending }));
        Assert.Equal([[0, 4], [1, 5], [2, 6], [3, 7]], host.Cells[0].Siblings.Select(s => s.ToArray()).ToArray());
        Assert.Equal(ThreadOrder.Listed, host.ThreadOrder);
    }

    public static TheoryData<string, NovaConf, string, string> Configs => new()
    {
        { "legacy: every CPU both shared and pinnable", NovaConf.Default, "0-7", "0-7" },
        { "new style sets", new NovaConf { CpuSharedSet = CpuSet.Parse("0-1"), CpuDedicatedSet = CpuSet.Parse("2-7") }, "0-1", "2-7" },
        { "only cpu_shared_set: nothing pinnable", new NovaConf { CpuSharedSet = CpuSet.Parse("0-3") }, "0-3", "" },
        { "only cpu_dedicated_set: nothing shared", new NovaConf { CpuDedicatedSet = CpuSet.Parse("4-7") }, "", "4-7" },
        { "vcpu_pin_set: legacy on a subset", new NovaConf { VcpuPinSet = CpuSet.Parse("2-5") }, "2-5", "2-5" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Nova_conf_cpu_sets_split_cells(string description, NovaConf config, string shared, string dedicated)
    {
        _ = description;
        var topology = new HostTopology
        {
            Cells = [new NumaCell { Id = 0, Cpus = CpuSet.Parse("0-7"), Siblings = [.. Enumerable.Range(0, 8).Select(i => CpuSet.Of(i))], MemoryMiB = 8192 }],
            Cpus = [.. Enumerable.Range(0, 8).Select(i => new CpuInfo(i, 0, 0, 0, i))],
        };
        var cell = HostModel.FromTopology(topology, config).Cells[0];
        Assert.Equal(CpuSet.Parse(shared), cell.Cpuset);
        Assert.Equal(CpuSet.Parse(dedicated), cell.Pcpuset);
        Assert.Equal(CpuSet.Parse(shared) | CpuSet.Parse(dedicated), CpuSet.Of(cell.Siblings.SelectMany(s => s)));
        Assert.Equal(8192L * 1024 / 4, cell.Mempages.Single().Total);
    }

    [Fact]
    public void Discovered_hosts_get_the_libvirt_driver_core_order()
    {
        // fakelibvirt's 16-CPU cell (siblings next to each other): the oracle README reports
        // the group order [0,1],[10,11],[12,13],[2,3],... for it.
        var topology = new HostTopology
        {
            Cells = [new NumaCell
            {
                Id = 0, Cpus = CpuSet.Parse("0-15"), MemoryMiB = 16384,
                Siblings = [.. Enumerable.Range(0, 8).Select(c => CpuSet.Of(2 * c, 2 * c + 1))],
            }],
            Cpus = [.. Enumerable.Range(0, 16).Select(i => new CpuInfo(i, 0, 0, 0, i & ~1))],
        };
        var cell = HostModel.FromTopology(topology, NovaConf.Default).Cells[0];
        Assert.Equal([[0, 1], [10, 11], [12, 13], [2, 3]], cell.Siblings.Take(4).Select(s => s.Order().ToArray()).ToArray());
        Assert.Equal(0, cell.Socket);
    }
}
