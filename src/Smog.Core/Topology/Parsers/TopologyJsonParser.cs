using System.Collections.Immutable;
using System.Text.Json;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads the JSON that <c>smog discover --output json</c> writes (the HostTopology contract) and
/// re-applies the model's invariants, so a hand-edited file is sorted and its sibling groups
/// agree with its CPUs. A file with cells but no <c>cpus</c> array gets its CPUs from the cells'
/// CPU lists and sibling groups (socket and die 0).
/// </summary>
public static class TopologyJsonParser
{
    public const string DefaultSource = "topology JSON";

    public static Parsed<HostTopology> Parse(string text, string source = DefaultSource)
    {
        HostTopology? topology;
        try
        {
            topology = JsonSerializer.Deserialize(text, TopologyJsonContext.Default.HostTopology);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)Math.Min(l + 1, int.MaxValue) : (int?)null;
            return Parsed<HostTopology>.Fail(ParseError.Fault(source, line, $"not HostTopology JSON (smog discover --output json): {JsonFaults.Describe(e)}"));
        }
        if (topology is null) return Fail(source, 1, "a JSON object", "null");
        var cells = Safe(topology.Cells);
        if (cells.Any(c => c is null)) return Fail(source, null, "cells as objects", "null");
        var cpus = Safe(topology.Cpus);
        if (cpus.Any(c => c is null)) return Fail(source, null, "cpus as objects", "null");
        var raw = (cpus.IsEmpty ? CpusFromCells(cells) : cpus.Select(c => new RawCpu(c.Id, c.Cell, c.Socket, c.Die, c.Core))).ToList();
        if (raw.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } dup)
            return Fail(source, null, "each CPU once", $"CPU {dup.Key} twice");
        if (raw.Any(c => !TopologyAssembler.IsValidId(c.Id) || !TopologyAssembler.IsValidId(c.Cell)) || cells.Any(c => !TopologyAssembler.IsValidId(c.Id)))
            return Fail(source, null, $"CPU and cell ids within 0..{CpuSet.MaxCpuId}", null);
        var rawCells = cells.Select(c => new RawCell(c.Id)
        {
            MemoryMiB = c.MemoryMiB,
            FreeMemoryMiB = c.FreeMemoryMiB,
            Pages = Safe(c.Pages).Where(p => p is not null).ToImmutableArray(),
            Distances = c.Distances ?? ImmutableSortedDictionary<int, int>.Empty,
        });
        var pci = Safe(topology.PciDevices).Where(d => d?.Address is not null)
            .Select(d => d with { VirtualFunctions = Safe(d.VirtualFunctions).Where(v => v is not null).ToImmutableArray() });
        return Parsed<HostTopology>.Ok(TopologyAssembler.Build(topology.Hostname, rawCells, raw, pci));
    }

    private static IEnumerable<RawCpu> CpusFromCells(ImmutableArray<NumaCell> cells) =>
        cells.SelectMany(cell => (cell.Cpus ?? CpuSet.Empty).Select(cpu => new RawCpu(cpu, cell.Id, 0, 0,
            Safe(cell.Siblings).FirstOrDefault(g => g is not null && g.Contains(cpu))?.Min ?? cpu)));

    private static ImmutableArray<T> Safe<T>(ImmutableArray<T> a) => a.IsDefault ? [] : a;

    private static Parsed<HostTopology> Fail(string source, int? line, string expected, string? found) =>
        Parsed<HostTopology>.Fail(new ParseError(source, line, expected, found));
}
