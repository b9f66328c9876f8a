using System.Collections.Immutable;
using System.Globalization;
using Smog.Topology;

namespace Smog.Cloud.Lab;

/// <summary>One <c>pci[]</c> entry of the shorthand: a device, or a PF with <paramref name="Vfs"/> VFs.</summary>
public sealed record ShorthandPci(string Address, int Cell, string VendorId, string ProductId, int Vfs = 0, string? VfProductId = null)
{
    public static readonly string[] Fields = ["address", "cell", "vendor_id", "product_id", "kind", "vfs", "vf_product_id"];

    /// <summary>VF <paramref name="index"/>'s address: the PF's bus, device 2 upwards, eight functions each.</summary>
    public string VfAddress(int index)
    {
        var bus = Address[..^4]; // "dddd:bb:"
        return $"{bus}{2 + index / 8:x2}.{index % 8}";
    }
}

/// <summary>
/// The lab's topology shorthand and its expansion (Lab/README.md): CPU <c>t*(cells*cores) + c*cores + k</c>
/// is thread <c>t</c> of core <c>k</c> on cell <c>c</c>, as Linux numbers Intel hosts; sockets split the cells
/// evenly; distances are 10 local and 21 remote; every cell has the same memory and huge page pools.
/// </summary>
public sealed record TopologyShorthand
{
    public static readonly string[] Fields = ["sockets", "cells", "cores_per_cell", "threads_per_core", "memory_per_cell", "pages_per_cell", "pci"];

    public int Sockets { get; init; } = 1;
    public required int Cells { get; init; }
    public required int CoresPerCell { get; init; }
    public int ThreadsPerCore { get; init; } = 1;
    public required long MemoryPerCellMiB { get; init; }
    public ImmutableArray<(long SizeKiB, long Count)> PagesPerCell { get; init; } = [];
    public ImmutableArray<ShorthandPci> Pci { get; init; } = [];

    // Value equality over the arrays too: a shorthand read twice is the same shorthand.
    public bool Equals(TopologyShorthand? other) =>
        other is not null && Sockets == other.Sockets && Cells == other.Cells && CoresPerCell == other.CoresPerCell
        && ThreadsPerCore == other.ThreadsPerCore && MemoryPerCellMiB == other.MemoryPerCellMiB
        && PagesPerCell.SequenceEqual(other.PagesPerCell) && Pci.SequenceEqual(other.Pci);

    public override int GetHashCode() => HashCode.Combine(Sockets, Cells, CoresPerCell, ThreadsPerCore, MemoryPerCellMiB, PagesPerCell.Length, Pci.Length);

    /// <summary>The CPU id of thread <paramref name="thread"/> of core <paramref name="core"/> on <paramref name="cell"/>.</summary>
    public int Cpu(int cell, int core, int thread) => thread * Cells * CoresPerCell + cell * CoresPerCell + core;

    public int SocketOf(int cell) => cell / (Cells / Sockets);

    /// <summary>4 KiB pages per cell: the memory the huge page pools do not hold.</summary>
    public long SmallPages => (MemoryPerCellMiB * 1024 - PagesPerCell.Sum(p => p.SizeKiB * p.Count)) / 4;

    public HostTopology Expand()
    {
        var cells = ImmutableArray.CreateBuilder<NumaCell>(Cells);
        var cpus = new List<CpuInfo>();
        for (var c = 0; c < Cells; c++)
        {
            var siblings = Enumerable.Range(0, CoresPerCell)
                .Select(k => CpuSet.Of(Enumerable.Range(0, ThreadsPerCore).Select(t => Cpu(c, k, t))))
                .ToImmutableArray();
            foreach (var (core, k) in siblings.Select((s, k) => (s, k)))
                foreach (var id in core) cpus.Add(new CpuInfo(id, c, SocketOf(c), 0, Cpu(c, k, 0)));
            var cell = c;
            cells.Add(new NumaCell
            {
                Id = c,
                Cpus = CpuSet.Of(siblings.SelectMany(s => s)),
                Siblings = siblings,
                MemoryMiB = MemoryPerCellMiB,
                // The 4 KiB pool holds what the huge pools leave, as libvirt's capabilities report it.
                Pages = [new PagePool(4, SmallPages, SmallPages), .. PagesPerCell.OrderBy(p => p.SizeKiB).Select(p => new PagePool(p.SizeKiB, p.Count, p.Count))],
                Distances = Enumerable.Range(0, Cells).ToImmutableSortedDictionary(o => o, o => o == cell ? 10 : 21),
            });
        }
        var devices = new List<PciDevice>();
        foreach (var d in Pci)
        {
            var vfs = Enumerable.Range(0, d.Vfs).Select(d.VfAddress).ToImmutableArray();
            devices.Add(new PciDevice
            {
                Address = d.Address,
                VendorId = d.VendorId,
                ProductId = d.ProductId,
                ClassCode = "0200",
                NumaNode = d.Cell,
                VirtualFunctions = vfs,
                SriovTotalVfs = d.Vfs > 0 ? d.Vfs : null,
            });
            devices.AddRange(vfs.Select(vf => new PciDevice
            {
                Address = vf,
                VendorId = d.VendorId,
                ProductId = d.VfProductId,
                ClassCode = "0200",
                NumaNode = d.Cell,
                PhysicalFunction = d.Address,
            }));
        }
        return new HostTopology
        {
            Cells = cells.MoveToImmutable(),
            Cpus = [.. cpus.OrderBy(c => c.Id)],
            PciDevices = [.. devices.OrderBy(d => d.Address, StringComparer.Ordinal)],
        };
    }
}

/// <summary>Sizes in the lab file, binary whatever the spelling: <c>32GiB</c>, <c>32G</c>, <c>16384MiB</c>, <c>2M</c>, <c>2MB</c>, <c>1048576K</c>.</summary>
public static class SizeSyntax
{
    /// <summary>The size in KiB, or null when the text is not a size (or below 1 KiB).</summary>
    public static long? KiB(string text)
    {
        var t = text.Trim();
        var digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits])) digits++;
        if (digits == 0 || !long.TryParse(t[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        var unit = t[digits..].Trim().ToUpperInvariant();
        long? scale = unit switch
        {
            "K" or "KI" or "KIB" or "KB" => 1,
            "M" or "MI" or "MIB" or "MB" => 1024,
            "G" or "GI" or "GIB" or "GB" => 1024L * 1024,
            "T" or "TI" or "TIB" or "TB" => 1024L * 1024 * 1024,
            _ => null,
        };
        if (scale is not { } s || n == 0) return null;
        try { return checked(n * s); }
        catch (OverflowException) { return null; }
    }
}
