using System.Collections.Immutable;
using System.Globalization;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.FakeNuma;

/// <summary>
/// The guest NUMA layout to give an L1 hypervisor: either a cell count split evenly (optionally
/// with vCPUs and memory per cell) or explicit cells; threads per core; a distance matrix; and a CPU
/// mode (host-passthrough, host-model, or custom with a model from virsh capabilities).
/// </summary>
public sealed record FakeNumaRequest
{
    /// <summary>Cell count for an even split; ignored when <see cref="Layout"/> is given.</summary>
    public int Cells { get; init; }
    public int? CpusPerCell { get; init; }
    public ByteSize? MemoryPerCell { get; init; }
    /// <summary>Explicit cells, in guest cell order.</summary>
    public ImmutableArray<FakeNumaCell> Layout { get; init; } = [];
    public int ThreadsPerCore { get; init; } = 1;
    /// <summary>Row i = distances from cell i; empty = leave libvirt's defaults.</summary>
    public ImmutableArray<ImmutableArray<int>> Distances { get; init; } = [];
    /// <summary>null = keep the domain's CPU mode.</summary>
    public string? Mode { get; init; }
    /// <summary>For mode custom: the host CPU model to copy.</summary>
    public HostCpuModel? CustomModel { get; init; }

    /// <summary><c>"0-3:4096,4-7:4096"</c>: CPU list and MiB per cell; cells separated by commas after the size.</summary>
    public static Parsed<ImmutableArray<FakeNumaCell>> ParseLayout(string text, string field)
    {
        var cells = ImmutableArray.CreateBuilder<FakeNumaCell>();
        // A comma separates cells only after a ":size"; CPU lists themselves contain commas.
        var rest = text.Trim();
        while (rest.Length > 0)
        {
            var colon = rest.IndexOf(':');
            if (colon < 0) return Fail(field, "CPUS:MiB items such as 0-3:4096", rest);
            var cpusText = rest[..colon];
            var after = rest[(colon + 1)..];
            var comma = after.IndexOf(',');
            var sizeText = comma < 0 ? after : after[..comma];
            rest = comma < 0 ? "" : after[(comma + 1)..].Trim();
            if (!CpuSet.TryParse(cpusText, out var cpus, out _, allowExclusions: false) || cpus.IsEmpty)
                return Fail(field, "a CPU list before ':'", cpusText);
            if (!ulong.TryParse(sizeText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mib) || mib == 0)
                return Fail(field, "a memory size in MiB after ':'", sizeText);
            cells.Add(new FakeNumaCell(cpus, ByteSize.FromMiB(mib)));
        }
        return cells.Count == 0 ? Fail(field, "at least one cell", text) : Parsed<ImmutableArray<FakeNumaCell>>.Ok(cells.ToImmutable());
    }

    /// <summary><c>"10,21;21,10"</c>: rows separated by ';', values by ','.</summary>
    public static Parsed<ImmutableArray<ImmutableArray<int>>> ParseDistances(string text, string field)
    {
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<int>>();
        foreach (var row in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var values = ImmutableArray.CreateBuilder<int>();
            foreach (var v in row.Split(',', StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                    return Parsed<ImmutableArray<ImmutableArray<int>>>.Fail(new ParseError(field, null, "distances such as 10,21;21,10", v));
                values.Add(d);
            }
            rows.Add(values.ToImmutable());
        }
        return Parsed<ImmutableArray<ImmutableArray<int>>>.Ok(rows.ToImmutable());
    }

    private static Parsed<ImmutableArray<FakeNumaCell>> Fail(string field, string expected, string found) =>
        Parsed<ImmutableArray<FakeNumaCell>>.Fail(new ParseError(field, null, expected, found));
}

public sealed record FakeNumaCell(CpuSet Cpus, ByteSize Memory);
