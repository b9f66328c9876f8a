using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>
/// Builds <see cref="NovaHost"/> cells the way the libvirt driver reports them and the
/// scheduler reloads them, so that sibling order is the order Nova pins in (spec §3.1, §3.2).
/// </summary>
public static class NovaHostBuilder
{
    /// <summary>
    /// Each time Nova rebuilds a sibling set from its own iteration order the set is re-inserted:
    /// (after the group set itself is built) by the restriction to usable CPUs and the object field coercion, and — when the
    /// topology goes through the database as JSON — once when parsed and once when coerced again.
    /// (Two-thread cores whose ids are congruent mod 8 swap on every re-insertion; observed with the oracle.)
    /// </summary>
    private const int ReinsertionsOnBuild = 2;
    private const int ReinsertionsOnDbRoundTrip = 2;

    public static NovaHost Build(IEnumerable<HostCellSpec> cells, bool dbRoundTrip = true) =>
        new(cells.Select(c => BuildCell(c, dbRoundTrip)).ToImmutableArray(),
            cells.All(c => c.Order == SiblingOrder.Ascending) && cells.Any() ? ThreadOrder.Listed : ThreadOrder.CPython);

    public static NovaHostCell BuildCell(HostCellSpec spec, bool dbRoundTrip = true)
    {
        var pcpuset = spec.Pcpuset ?? spec.Cpus;
        var cpuset = spec.Cpuset ?? spec.Cpus;
        var usable = pcpuset | cpuset;
        var groups = spec.Siblings ?? spec.Cpus.Select(c => ImmutableArray.Create(c)).ToImmutableArray();
        var reinsertions = ReinsertionsOnBuild + (dbRoundTrip ? ReinsertionsOnDbRoundTrip : 0);
        var siblings = OrderedGroups(spec.Cpus, groups, spec.Order)
            .Select(g => g.Where(usable.Contains).ToList())
            .Where(g => g.Count > 0)
            .Select(g => spec.Order == SiblingOrder.Ascending ? g : Reinsert(g, reinsertions))
            .Select(g => g.ToImmutableArray())
            .ToImmutableArray();
        return new NovaHostCell
        {
            Id = spec.Id,
            Cpuset = cpuset,
            Pcpuset = pcpuset,
            Siblings = siblings,
            MemoryMiB = spec.MemoryMiB,
            Mempages = spec.Pages ?? DefaultPages(spec.MemoryMiB, spec.HugePages),
            PinnedCpus = spec.PinnedCpus,
            CpuUsage = spec.CpuUsage,
            MemoryUsageMiB = spec.MemoryUsageMiB,
            Network = spec.Network,
            Socket = spec.Socket,
        };
    }

    /// <summary>One 4 KiB pool for the memory not taken by huge pages, then the huge pools.</summary>
    public static ImmutableArray<MemPages> DefaultPages(long memoryMiB, IEnumerable<(long SizeKiB, long Count)> huge)
    {
        var hugeKiB = huge.Sum(h => h.SizeKiB * h.Count);
        return [new MemPages(4, (memoryMiB * 1024 - hugeKiB) / 4), .. huge.Select(h => new MemPages(h.SizeKiB, h.Count))];
    }

    private static IEnumerable<IReadOnlyList<int>> OrderedGroups(
        CpuSet cpus, ImmutableArray<ImmutableArray<int>> groups, SiblingOrder order) => order switch
        {
            SiblingOrder.Ascending => groups.Select(g => (IReadOnlyList<int>)g.Order().ToList()).OrderBy(g => g.Count == 0 ? int.MaxValue : g[0]),
            SiblingOrder.Given => groups.Select(g => CPythonHash.IntSetOrder(g)),
            _ => LibvirtOrder(cpus, groups),
        };

    /// <summary>
    /// The libvirt driver gives each CPU the tuple of its siblings (read into a set in ascending
    /// order), collects the tuples in a set, and turns each back into a set; sorting disjoint sets
    /// keeps that iteration order. So the core order is the tuple-set order (spec §3.2 steps 1–2).
    /// </summary>
    private static IEnumerable<IReadOnlyList<int>> LibvirtOrder(CpuSet cpus, ImmutableArray<ImmutableArray<int>> groups)
    {
        var groupOf = new Dictionary<int, IntTuple>();
        foreach (var group in groups)
        {
            var tuple = new IntTuple([.. CPythonHash.IntSetOrder(group.Order())]);
            foreach (var cpu in group) groupOf[cpu] = tuple;
        }
        var perCpu = CPythonSet<IntTuple>.From(
            cpus.Select(c => groupOf.TryGetValue(c, out var t) ? t : new IntTuple([c])),
            t => CPythonHash.OfTuple(t.Items));
        return perCpu.InOrder().Select(t => CPythonHash.IntSetOrder(t.Items));
    }

    private static IReadOnlyList<int> Reinsert(IReadOnlyList<int> order, int times)
    {
        for (var i = 0; i < times; i++) order = CPythonHash.IntSetOrder(order);
        return order;
    }

    private readonly record struct IntTuple(ImmutableArray<int> Items)
    {
        public bool Equals(IntTuple other) => Items.SequenceEqual(other.Items);
        public override int GetHashCode() => Items.Length == 0 ? 0 : HashCode.Combine(Items[0], Items.Length);
    }
}
