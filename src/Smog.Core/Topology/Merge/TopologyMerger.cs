using System.Collections.Immutable;
using Smog.Topology.Parsers;

namespace Smog.Topology.Merge;

/// <summary>
/// Combines several sources of one host into a <see cref="DiscoveryReport"/>: each fact comes
/// from the best source that reports it (<see cref="MergePolicy"/>), the report's provenance
/// names that source per fact, and every other source that reports the fact differently
/// becomes a warning.
/// </summary>
/// <remarks>
/// Provenance keys: <c>cells</c> (which cells exist and their CPUs), <c>cpus</c> (sockets, dies,
/// cores, hence SMT siblings), <c>cells[N].memory_mb</c>, <c>cells[N].free_memory_mb</c>,
/// <c>cells[N].pages[SIZEkB]</c>, <c>cells[N].distances</c>, <c>pci_devices</c>, <c>hostname</c>.
/// The cell list and the CPU table may come from different sources: cells say where each CPU
/// lives, the core source says which CPUs share a core.
/// </remarks>
public static class TopologyMerger
{
    public static DiscoveryReport Merge(IReadOnlyList<SourcedTopology> sources, MergePolicy? policy = null) =>
        new Run(sources, policy ?? MergePolicy.Default).Merge();

    /// <summary>Lives for one merge; collects provenance and warnings.</summary>
    private sealed class Run(IReadOnlyList<SourcedTopology> sources, MergePolicy policy)
    {
        private readonly SortedDictionary<string, string> _provenance = new(StringComparer.Ordinal);
        private readonly List<string> _warnings = [];

        public DiscoveryReport Merge()
        {
            var cellSource = Best(TopologyFact.Cells, s => !s.Topology.Cells.IsEmpty);
            var coreSource = Best(TopologyFact.Cores, s => !s.Topology.Cpus.IsEmpty);
            var baseCells = cellSource?.Topology.Cells ?? [];
            if (cellSource is not null) _provenance["cells"] = cellSource.Source;
            if (coreSource is not null) _provenance["cpus"] = coreSource.Source;
            else if (baseCells.Any(c => !c.Cpus.IsEmpty))
                _warnings.Add("no source reports CPU cores (numactl alone): SMT sibling groups are unknown and each CPU is shown as its own core");
            if (cellSource is null && sources.Count > 0) _warnings.Add("no source reports any NUMA cell");

            var cpus = baseCells.SelectMany(cell => cell.Cpus.Select(cpu => ToRawCpu(cpu, cell.Id, coreSource)));
            var cellIds = CpuSet.Of(baseCells.Select(c => c.Id));
            var cells = baseCells.Select(c => MergeCell(c, cellIds)).ToList();
            var hostname = Best(TopologyFact.Hostname, s => s.Topology.Hostname is not null);
            if (hostname is not null) _provenance["hostname"] = hostname.Source;
            var topology = TopologyAssembler.Build(hostname?.Topology.Hostname, cells, cpus.ToList(), MergePci());

            CompareCells(topology);
            CompareCores(topology);
            return new DiscoveryReport
            {
                Topology = topology,
                Sources = [.. sources.Select(s => $"{s.Source} ({s.Format.Name()})")],
                Provenance = _provenance.ToImmutableSortedDictionary(StringComparer.Ordinal),
                Warnings = [.. _warnings],
            };
        }

        private SourcedTopology? Best(TopologyFact fact, Func<SourcedTopology, bool> has) => Ranked(fact).FirstOrDefault(has);

        private IEnumerable<SourcedTopology> Ranked(TopologyFact fact) =>
            sources.Where(s => policy.Supplies(fact, s.Format)).OrderBy(s => policy.Rank(fact, s.Format)); // stable: input order breaks ties

        private static RawCpu ToRawCpu(int cpu, int cell, SourcedTopology? coreSource) =>
            coreSource?.Topology.Cpus.FirstOrDefault(c => c.Id == cpu) is { } info
                ? new RawCpu(cpu, cell, info.Socket, info.Die, info.Core)
                : new RawCpu(cpu, cell, 0, 0, (1L << 40) + cpu); // unknown core: a core of its own

        /// <param name="cellIds">The merged host's cells: distances come only from a source that names no other cell.</param>
        private RawCell MergeCell(NumaCell cell, CpuSet cellIds)
        {
            var id = cell.Id;
            var memory = From(TopologyFact.Memory, id, c => c.MemoryMiB is not null, $"cells[{id}].memory_mb")?.MemoryMiB;
            var free = From(TopologyFact.FreeMemory, id, c => c.FreeMemoryMiB is not null, $"cells[{id}].free_memory_mb")?.FreeMemoryMiB;
            var distances = From(TopologyFact.Distances, id, c => !c.Distances.IsEmpty && c.Distances.Keys.All(cellIds.Contains), $"cells[{id}].distances")?.Distances;
            var sizes = Ranked(TopologyFact.Pages).SelectMany(s => s.Topology.Cell(id)?.Pages ?? []).Select(p => p.SizeKiB).Distinct().Order();
            var pages = sizes.Select(size => From(TopologyFact.Pages, id, c => c.PagesOfSize(size) is not null, $"cells[{id}].pages[{size}kB]")!.PagesOfSize(size)!);
            return new RawCell(id)
            {
                MemoryMiB = memory,
                FreeMemoryMiB = free,
                Distances = distances ?? ImmutableSortedDictionary<int, int>.Empty,
                Pages = [.. pages],
            };
        }

        /// <summary>The cell as told by the best source that states the fact for it; records that source.</summary>
        private NumaCell? From(TopologyFact fact, int cellId, Func<NumaCell, bool> states, string key)
        {
            foreach (var s in Ranked(fact))
            {
                if (s.Topology.Cell(cellId) is not { } cell || !states(cell)) continue;
                _provenance[key] = s.Source;
                return cell;
            }
            return null;
        }

        private ImmutableArray<PciDevice> MergePci()
        {
            var ranked = Ranked(TopologyFact.PciDevices).Where(s => !s.Topology.PciDevices.IsEmpty).ToList();
            if (ranked.Count == 0) return [];
            _provenance["pci_devices"] = ranked[0].Source;
            var merged = new List<PciDevice>();
            foreach (var device in ranked[0].Topology.PciDevices)
            {
                var result = device;
                foreach (var other in ranked.Skip(1))
                {
                    if (other.Topology.PciDevices.FirstOrDefault(d => d.Address == device.Address) is not { } o) continue;
                    if (o.NumaNode is { } n && device.NumaNode is { } m && n != m)
                        _warnings.Add($"PCI {device.Address}: {other.Source} puts it on node {n}, {ranked[0].Source} (used) on node {m}");
                    // The NUMA node is never filled in: sysfs's -1 ("no affinity", what Nova reads) must
                    // not become hwloc's guess, which puts I/O of a one-node machine on node 0.
                    result = result with
                    {
                        VendorId = result.VendorId ?? o.VendorId,
                        ProductId = result.ProductId ?? o.ProductId,
                        ClassCode = result.ClassCode ?? o.ClassCode,
                        NetDev = result.NetDev ?? o.NetDev,
                        BlockDev = result.BlockDev ?? o.BlockDev,
                        Description = result.Description ?? o.Description,
                    };
                }
                merged.Add(result);
            }
            return [.. merged];
        }

        private void CompareCells(HostTopology merged)
        {
            var cellIds = CpuSet.Of(merged.Cells.Select(c => c.Id));
            var used = _provenance.GetValueOrDefault("cells");
            foreach (var s in Ranked(TopologyFact.Cells).Where(s => s.Source != used))
            {
                var theirs = CpuSet.Of(s.Topology.Cells.Select(c => c.Id));
                if (theirs != cellIds)
                    _warnings.Add($"{s.Source} reports {Count(theirs.Count, "NUMA cell")} ({theirs}), {used} (used) reports {cellIds.Count} ({cellIds})");
                foreach (var cell in merged.Cells)
                    if (s.Topology.Cell(cell.Id) is { } other && other.Cpus != cell.Cpus)
                        _warnings.Add($"cell {cell.Id} CPUs: {s.Source} says '{other.Cpus}', {used} (used) says '{cell.Cpus}'");
            }
            foreach (var cell in merged.Cells)
            {
                CompareMemory(cell);
                CompareValue(TopologyFact.Distances, cell.Id, c => c.Distances.IsEmpty ? null : Format(c.Distances),
                    Format(cell.Distances), $"cells[{cell.Id}].distances", "distances");
                foreach (var pool in cell.Pages)
                    CompareValue(TopologyFact.Pages, cell.Id, c => c.PagesOfSize(pool.SizeKiB)?.Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        pool.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), $"cells[{cell.Id}].pages[{pool.SizeKiB}kB]", $"{pool.SizeKiB} KiB pages");
            }
        }

        private void CompareMemory(NumaCell cell)
        {
            var key = $"cells[{cell.Id}].memory_mb";
            if (cell.MemoryMiB is not { } chosen || _provenance.GetValueOrDefault(key) is not { } used) return;
            var usedIsLstopo = sources.Any(s => s.Source == used && s.Format == TopologyFormat.LstopoConsole);
            foreach (var s in Ranked(TopologyFact.Memory).Where(s => s.Source != used))
            {
                if (s.Topology.Cell(cell.Id)?.MemoryMiB is not { } theirs) continue;
                if (!policy.MemoryAgrees(theirs, chosen, usedIsLstopo || s.Format == TopologyFormat.LstopoConsole))
                    _warnings.Add($"cell {cell.Id} memory: {s.Source} says {theirs} MiB, {used} (used) says {chosen} MiB");
            }
        }

        private void CompareValue(TopologyFact fact, int cellId, Func<NumaCell, string?> get, string chosen, string key, string what)
        {
            if (_provenance.GetValueOrDefault(key) is not { } used) return;
            foreach (var s in Ranked(fact).Where(s => s.Source != used))
                if (s.Topology.Cell(cellId) is { } c && get(c) is { } theirs && theirs != chosen)
                    _warnings.Add($"cell {cellId} {what}: {s.Source} says {theirs}, {used} (used) says {chosen}");
        }

        private void CompareCores(HostTopology merged)
        {
            if (_provenance.GetValueOrDefault("cpus") is not { } used) return;
            var ours = SiblingGroups(merged);
            foreach (var s in Ranked(TopologyFact.Cores).Where(s => s.Source != used && !s.Topology.Cpus.IsEmpty))
            {
                var theirs = SiblingGroups(s.Topology);
                if (theirs != ours)
                    _warnings.Add($"SMT sibling groups: {s.Source} says {Shorten(theirs)}, {used} (used) says {Shorten(ours)}");
            }
        }

        private static string SiblingGroups(HostTopology t) =>
            string.Join(" ", t.Cpus.GroupBy(c => c.Core).Select(g => CpuSet.Of(g.Select(c => c.Id))).OrderBy(s => s.Min).Select(s => $"[{s}]"));

        private static string Format(ImmutableSortedDictionary<int, int> d) => string.Join(" ", d.Select(kv => $"{kv.Key}:{kv.Value}"));
        private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
        private static string Count(int n, string noun) => n == 0 ? $"no {noun}s" : n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }
}
