using System.Collections.Immutable;
using Smog.Nova.Python;
using Smog.Topology;

namespace Smog.Nova.Host;

/// <summary>
/// Builds <see cref="NovaHost"/> cells the way the libvirt driver reports them and the
/// scheduler reloads them, so that sibling order is the order Nova pins in (nova-26-numa-semantics.md §3.1, §3.2).
/// </summary>
public static class NovaHostBuilder
{
    public static NovaHost Build(IEnumerable<HostCellSpec> cells, bool dbRoundTrip = true)
    {
        var specs = cells.ToList();
        // Threads keep their listed order only when every cell opted out of the set emulation.
        var order = specs.Count > 0 && specs.All(c => c.Order == SiblingOrder.Ascending) ? ThreadOrder.Listed : ThreadOrder.CPython;
        return new NovaHost([.. specs.Select(c => BuildCell(c, dbRoundTrip))], order);
    }

    /// <summary>
    /// Replays how the cell's sets come to be, because CPython set layout (and so pinning
    /// order) depends on every copy: the sibling sets are restricted to the usable CPUs
    /// (<c>s &amp; (pcpuset | cpuset)</c>), coerced into the NUMACell object (each set rebuilt
    /// from its own iteration order, then copied), and — in a real cloud — serialised to JSON
    /// and parsed back (rebuilt and coerced once more). Two-thread cores whose ids are
    /// congruent mod 8 swap order on every rebuild (observed with the oracle).
    /// </summary>
    public static NovaHostCell BuildCell(HostCellSpec spec, bool dbRoundTrip = true)
    {
        var cpus = PySet.OfInts(spec.Cpus);
        var pcpuset = spec.Pcpuset is { } p ? PySet.OfInts(p) : PySet<int>.CopyOf(cpus);
        var cpuset = spec.Cpuset is { } c ? PySet.OfInts(c) : PySet<int>.CopyOf(cpus);
        var usable = PySet<int>.Union(pcpuset, cpuset);
        var groups = spec.Siblings ?? spec.Cpus.Select(x => ImmutableArray.Create(x)).ToImmutableArray();
        var pinned = PySet.OfInts(spec.PinnedCpus);
        PySet<int> Load(PySet<int> set) => dbRoundTrip ? Coerce(PySet.OfInts(Coerce(set).InOrder())) : Coerce(set);
        var siblings = spec.Order == SiblingOrder.Ascending
            ? OrderedGroups(spec.Cpus, groups, spec.Order)
                .Select(g => g.Where(x => usable.Contains(x)).ToImmutableArray()).Where(g => g.Length > 0).ToImmutableArray()
            : OrderedGroups(spec.Cpus, groups, spec.Order)
                .Select(g => PySet<int>.Intersect(PySet.OfInts(g), usable))
                .Where(g => g.Count > 0)
                .Select(g => Load(g).InOrder().ToImmutableArray())
                .ToImmutableArray();
        return new NovaHostCell
        {
            Id = spec.Id,
            Cpuset = CpuSet.Of(cpuset.InOrder()),
            Pcpuset = CpuSet.Of(pcpuset.InOrder()),
            Siblings = siblings,
            MemoryMiB = spec.MemoryMiB,
            Mempages = spec.Pages ?? DefaultPages(spec.MemoryMiB, spec.HugePages),
            PinnedCpus = spec.PinnedCpus,
            CpuUsage = spec.CpuUsage,
            MemoryUsageMiB = spec.MemoryUsageMiB,
            Network = spec.Network,
            Socket = spec.Socket,
            Layout = new CPythonLayout(Load(pcpuset), Load(pinned)),
        };
    }

    /// <summary>An object field assignment: a fresh set filled in the value's order, then copied into the field's set.</summary>
    private static PySet<int> Coerce(PySet<int> value) => PySet<int>.CopyOf(PySet.OfInts(value.InOrder()));

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
            SiblingOrder.Given => groups.Select(g => (IReadOnlyList<int>)g),
            _ => LibvirtOrder(cpus, groups),
        };

    /// <summary>
    /// The libvirt driver gives each CPU the tuple of its siblings (read into a set in ascending
    /// order), collects the tuples in a set, and turns each back into a set; sorting disjoint sets
    /// keeps that iteration order. So the core order is the tuple-set order (nova-26-numa-semantics.md §3.2 steps 1–2).
    /// </summary>
    private static IEnumerable<IReadOnlyList<int>> LibvirtOrder(CpuSet cpus, ImmutableArray<ImmutableArray<int>> groups)
    {
        var groupOf = new Dictionary<int, IntTuple>();
        foreach (var group in groups)
        {
            var tuple = new IntTuple([.. PySet.IntOrder(group.Order())]);
            foreach (var cpu in group) groupOf[cpu] = tuple;
        }
        var perCpu = PySet<IntTuple>.From(
            cpus.Select(c => groupOf.TryGetValue(c, out var t) ? t : new IntTuple([c])),
            t => PyHash.OfTuple(t.Items));
        return perCpu.InOrder().Select(t => (IReadOnlyList<int>)t.Items);
    }

    private readonly record struct IntTuple(ImmutableArray<int> Items)
    {
        public bool Equals(IntTuple other) => Items.SequenceEqual(other.Items);
        public override int GetHashCode() => Items.Length == 0 ? 0 : HashCode.Combine(Items[0], Items.Length);
    }
}
