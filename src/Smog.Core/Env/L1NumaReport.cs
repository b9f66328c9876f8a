using System.Collections.Immutable;
using Smog.Libvirt.FakeNuma;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Env;

/// <summary>
/// What an L1 reports about its own NUMA layout: <c>numactl -H</c> run over SSH, or the same text
/// printed on its serial console between <see cref="Begin"/> and <see cref="End"/> lines (for an
/// L1 without network: a boot script that runs <c>numactl -H</c> to /dev/ttyS0 between them).
/// </summary>
public static class L1NumaReport
{
    public const string Begin = "smog-l1: begin";
    public const string End = "smog-l1: end";

    /// <summary>The text between the last complete Begin/End pair of a console log; null while none is complete.</summary>
    public static string? FromConsole(string log)
    {
        var end = log.LastIndexOf(End, StringComparison.Ordinal);
        if (end < 0) return null;
        var begin = log.LastIndexOf(Begin, end, StringComparison.Ordinal);
        if (begin < 0) return null;
        var text = log[(begin + Begin.Length)..end];
        // serial consoles end lines with \r\n
        return text.Replace("\r", "", StringComparison.Ordinal).Trim('\n') + "\n";
    }

    /// <summary>
    /// The differences between the cells the L1 should have and what it reports. A guest's
    /// MemTotal is its cell size minus what the kernel keeps for itself, so a node passes when it
    /// reports at most the cell's size and at least <paramref name="minimumShare"/> of it.
    /// </summary>
    public static ImmutableArray<string> Compare(ImmutableArray<FakeNumaCell> expected, HostTopology seen, double minimumShare = 0.75)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        if (seen.Cells.Length != expected.Length)
            problems.Add($"the L1 sees {seen.Cells.Length} NUMA node(s), expected {expected.Length}");
        foreach (var (cell, i) in expected.Select((c, i) => (c, i)))
        {
            if (seen.Cells.FirstOrDefault(n => n.Id == i) is not { } node)
            {
                if (seen.Cells.Length == expected.Length) problems.Add($"node {i} is missing");
                continue;
            }
            if (node.Cpus != cell.Cpus) problems.Add($"node {i} has CPUs {Show(node.Cpus)}, expected {cell.Cpus}");
            var wantMiB = (long)cell.Memory.MiB;
            if (node.MemoryMiB is not { } mib) problems.Add($"node {i} reports no size");
            else if (mib > wantMiB || mib < wantMiB * minimumShare)
                problems.Add($"node {i} has {mib} MiB, expected {wantMiB} MiB (at least {(long)(wantMiB * minimumShare)} after the kernel's share)");
        }
        return problems.ToImmutable();
    }

    /// <summary>Parses the report (numactl -H format) with the one numactl parser.</summary>
    public static Parsed<HostTopology> Parse(string report, string source) => NumactlParser.Parse(report, source);

    private static string Show(CpuSet cpus) => cpus.IsEmpty ? "none" : cpus.ToString();
}
