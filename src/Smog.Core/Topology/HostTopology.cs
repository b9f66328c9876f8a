using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Smog.Topology;

/// <summary>
/// What a host offers for NUMA placement: its NUMA cells, every online CPU with its place in
/// the hierarchy, and its PCI devices. Cells are sorted by id, CPUs by id, PCI devices by address.
/// </summary>
/// <remarks>
/// Kept flat in the kubelet style: <see cref="Cpus"/> maps each CPU to its cell, socket, die and
/// core, and the projections (<see cref="CpusOfCell"/>, <see cref="SiblingsOf"/>) derive views.
/// Core ids are normalised to the lowest CPU id of the core so they are unique host-wide.
/// </remarks>
public sealed record HostTopology
{
    public string? Hostname { get; init; }
    public ImmutableArray<NumaCell> Cells { get; init; } = [];
    public ImmutableArray<CpuInfo> Cpus { get; init; } = [];
    public ImmutableArray<PciDevice> PciDevices { get; init; } = [];

    [JsonIgnore]
    public int SocketCount => Cpus.Select(c => c.Socket).Distinct().Count();
    [JsonIgnore]
    public int ThreadsPerCore => Cpus.IsEmpty ? 0 : Cpus.GroupBy(c => c.Core).Max(g => g.Count());
    [JsonIgnore]
    public bool HasSmt => ThreadsPerCore > 1;
    [JsonIgnore]
    public CpuSet AllCpus => CpuSet.Of(Cpus.Select(c => c.Id));

    public NumaCell? Cell(int id) => Cells.FirstOrDefault(c => c.Id == id);
    public CpuSet CpusOfCell(int cellId) => Cell(cellId)?.Cpus ?? CpuSet.Empty;

    /// <summary>The CPUs sharing a core with <paramref name="cpu"/>, itself included.</summary>
    public CpuSet SiblingsOf(int cpu)
    {
        var core = Cpus.FirstOrDefault(c => c.Id == cpu)?.Core;
        return core is null ? CpuSet.Empty : CpuSet.Of(Cpus.Where(c => c.Core == core).Select(c => c.Id));
    }

    public IEnumerable<PciDevice> PciDevicesOnCell(int cellId) => PciDevices.Where(d => d.NumaNode == cellId);

    public bool Equals(HostTopology? other) =>
        other is not null && Hostname == other.Hostname && Cells.SequenceEqual(other.Cells)
        && Cpus.SequenceEqual(other.Cpus) && PciDevices.SequenceEqual(other.PciDevices);

    public override int GetHashCode() => HashCode.Combine(Hostname, Cells.Length, Cpus.Length, PciDevices.Length);
}

/// <summary>One online logical CPU. <paramref name="Core"/> is the lowest CPU id of its core.</summary>
public sealed record CpuInfo(int Id, int Cell, int Socket, int Die, int Core);

/// <summary>
/// A host NUMA node. <see cref="Siblings"/> lists the SMT sibling groups of the cell's CPUs in
/// ascending order of their lowest CPU (a non-SMT CPU is a group of one). Memory is in MiB;
/// null when the source does not say. <see cref="Distances"/> maps a cell id to the distance
/// from this cell (10 = local), empty when unknown.
/// </summary>
public sealed record NumaCell
{
    public required int Id { get; init; }
    public CpuSet Cpus { get; init; } = CpuSet.Empty;
    public ImmutableArray<CpuSet> Siblings { get; init; } = [];
    // The JSON contract says memory_mb as Nova does; the value is MiB (Nova's "MB" is MiB too).
    [JsonPropertyName("memory_mb")]
    public long? MemoryMiB { get; init; }
    [JsonPropertyName("free_memory_mb")]
    public long? FreeMemoryMiB { get; init; }
    public ImmutableArray<PagePool> Pages { get; init; } = [];
    public ImmutableSortedDictionary<int, int> Distances { get; init; } = ImmutableSortedDictionary<int, int>.Empty;

    [JsonIgnore]
    public bool IsMemoryless => MemoryMiB == 0;
    [JsonIgnore]
    public bool IsCpuless => Cpus.IsEmpty;
    public PagePool? PagesOfSize(long sizeKiB) => Pages.FirstOrDefault(p => p.SizeKiB == sizeKiB);

    public bool Equals(NumaCell? other) =>
        other is not null && Id == other.Id && Cpus == other.Cpus && Siblings.SequenceEqual(other.Siblings)
        && MemoryMiB == other.MemoryMiB && FreeMemoryMiB == other.FreeMemoryMiB
        && Pages.SequenceEqual(other.Pages) && Distances.SequenceEqual(other.Distances);

    public override int GetHashCode() => HashCode.Combine(Id, Cpus, MemoryMiB);
}

/// <summary>A pool of pages of one size on one cell; <paramref name="Free"/> null when unknown.</summary>
public sealed record PagePool([property: JsonPropertyName("size_kb")] long SizeKiB, long Total, long? Free = null);

/// <summary>
/// A PCI function. <see cref="Address"/> is the canonical <c>dddd:bb:ss.f</c> form (lower case).
/// A virtual function names its physical function in <see cref="PhysicalFunction"/>; a physical
/// function lists its VFs in <see cref="VirtualFunctions"/>. <see cref="NetDev"/> and
/// <see cref="BlockDev"/> name the kernel interface or disk the function provides, if any. <see cref="NumaNode"/> is null when
/// the platform reports no affinity (sysfs <c>-1</c>).
/// </summary>
public sealed record PciDevice
{
    public required string Address { get; init; }
    public string? VendorId { get; init; }
    public string? ProductId { get; init; }
    public string? ClassCode { get; init; }
    public int? NumaNode { get; init; }
    public string? NetDev { get; init; }
    public string? BlockDev { get; init; }
    public string? Description { get; init; }
    public string? PhysicalFunction { get; init; }
    public ImmutableArray<string> VirtualFunctions { get; init; } = [];
    public int? SriovTotalVfs { get; init; }

    [JsonIgnore]
    public bool IsVirtualFunction => PhysicalFunction is not null;

    public bool Equals(PciDevice? other) =>
        other is not null && Address == other.Address && VendorId == other.VendorId && ProductId == other.ProductId
        && ClassCode == other.ClassCode && NumaNode == other.NumaNode && NetDev == other.NetDev && BlockDev == other.BlockDev
        && Description == other.Description && PhysicalFunction == other.PhysicalFunction
        && VirtualFunctions.SequenceEqual(other.VirtualFunctions) && SriovTotalVfs == other.SriovTotalVfs;

    public override int GetHashCode() => Address.GetHashCode(StringComparison.Ordinal);
}
