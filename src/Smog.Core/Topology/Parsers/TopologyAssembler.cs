using System.Collections.Immutable;

namespace Smog.Topology.Parsers;

/// <summary>One CPU as a source describes it, before core ids are normalised.</summary>
/// <param name="CoreKey">Any value equal for CPUs of the same core and distinct otherwise (host-wide).</param>
internal sealed record RawCpu(int Id, int Cell, int Socket, int Die, long CoreKey);

/// <summary>The per-cell facts a source states; CPUs come separately as <see cref="RawCpu"/>s.</summary>
internal sealed record RawCell(int Id)
{
    public long? MemoryMiB { get; init; }
    public long? FreeMemoryMiB { get; init; }
    public ImmutableArray<PagePool> Pages { get; init; } = [];
    public ImmutableSortedDictionary<int, int> Distances { get; init; } = ImmutableSortedDictionary<int, int>.Empty;
}

/// <summary>
/// Builds a <see cref="HostTopology"/> from what a parser collected, applying the model's
/// invariants in one place: cells, CPUs and PCI devices sorted by id/address; core ids
/// normalised to the lowest CPU of the core (kubelet's <c>getUniqueCoreID</c>); sibling groups
/// per cell ordered by their lowest CPU. Cells named only by a CPU are added.
/// </summary>
internal static class TopologyAssembler
{
    /// <summary>Cell and CPU ids share CpuSet's bound, so any id list can be a CpuSet.</summary>
    public static bool IsValidId(int id) => id is >= 0 and <= CpuSet.MaxCpuId;

    public static HostTopology Build(string? hostname, IEnumerable<RawCell> cells, IEnumerable<RawCpu> cpus,
        IEnumerable<PciDevice>? pci = null)
    {
        var cpuList = cpus.OrderBy(c => c.Id).ToList();
        var coreOf = cpuList.GroupBy(c => c.CoreKey).SelectMany(g => g.Select(c => (c.Id, Core: g.Min(x => x.Id))))
            .ToDictionary(x => x.Id, x => x.Core);
        var infos = cpuList.Select(c => new CpuInfo(c.Id, c.Cell, c.Socket, c.Die, coreOf[c.Id])).ToImmutableArray();

        var rawCells = cells.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First());
        foreach (var id in infos.Select(c => c.Cell).Distinct().Where(id => !rawCells.ContainsKey(id)))
            rawCells[id] = new RawCell(id);

        var built = rawCells.Values.OrderBy(c => c.Id).Select(c => BuildCell(c, infos)).ToImmutableArray();
        return new HostTopology
        {
            Hostname = string.IsNullOrWhiteSpace(hostname) ? null : hostname,
            Cells = built,
            Cpus = infos,
            PciDevices = (pci ?? []).OrderBy(d => d.Address, StringComparer.Ordinal).ToImmutableArray(),
        };
    }

    private static NumaCell BuildCell(RawCell raw, ImmutableArray<CpuInfo> cpus)
    {
        var mine = cpus.Where(c => c.Cell == raw.Id).ToList();
        var siblings = mine.GroupBy(c => c.Core).Select(g => CpuSet.Of(g.Select(c => c.Id)))
            .OrderBy(s => s.Min).ToImmutableArray();
        return new NumaCell
        {
            Id = raw.Id,
            Cpus = CpuSet.Of(mine.Select(c => c.Id)),
            Siblings = siblings,
            MemoryMiB = raw.MemoryMiB,
            FreeMemoryMiB = raw.FreeMemoryMiB,
            Pages = raw.Pages.OrderBy(p => p.SizeKiB).ToImmutableArray(),
            Distances = raw.Distances,
        };
    }
}
