using System.Collections.Immutable;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.Facts;

// The semantic layer: what a domain means, with libvirt's units and list syntaxes resolved.
// Every fact carries its Evidence (XPath + excerpt) so a finding can quote the document.
// Verifier rules read only these records.

/// <summary>The NUMA-relevant meaning of one domain.</summary>
public sealed record DomainFacts
{
    public string? Name { get; init; }
    /// <summary>The domain UUID; Nova uses the instance UUID.</summary>
    public string? Uuid { get; init; }
    public string? NovaInstanceName { get; init; }
    public string? NovaFlavorName { get; init; }
    public ByteSize? Memory { get; init; }
    public ByteSize? CurrentMemory { get; init; }
    public required VcpuFact Vcpu { get; init; }
    public ImmutableSortedDictionary<int, PinFact> VcpuPins { get; init; } = ImmutableSortedDictionary<int, PinFact>.Empty;
    public PinFact? EmulatorPin { get; init; }
    public ImmutableArray<VcpuSchedFact> VcpuScheds { get; init; } = [];
    public NumaTuneMemoryFact? NumaTuneMemory { get; init; }
    public ImmutableSortedDictionary<int, MemNodeFact> MemNodes { get; init; } = ImmutableSortedDictionary<int, MemNodeFact>.Empty;
    public MemoryBackingFact? MemoryBacking { get; init; }
    public CpuModeFact? Cpu { get; init; }
    public CpuTopologyFact? CpuTopology { get; init; }
    public ImmutableArray<GuestCellFact> GuestCells { get; init; } = [];
    public ImmutableArray<PciDeviceFact> PciDevices { get; init; } = [];

    public bool HasGuestNuma => !GuestCells.IsEmpty;

    /// <summary>Where each vCPU may run: its vcpupin, else the &lt;vcpu cpuset&gt;, else null (anywhere).</summary>
    public CpuSet? AllowedCpus(int vcpu) => VcpuPins.TryGetValue(vcpu, out var pin) ? pin.Cpus : Vcpu.CpuSet;

    public GuestCellFact? CellOfVcpu(int vcpu) => GuestCells.FirstOrDefault(c => c.Cpus.Contains(vcpu));
}

public sealed record VcpuFact(int Count, CpuSet? CpuSet, string? Placement, Evidence Evidence);

/// <summary>A vcpupin or emulatorpin: the host CPUs allowed.</summary>
public sealed record PinFact(CpuSet Cpus, Evidence Evidence);

public sealed record VcpuSchedFact(CpuSet Vcpus, string? Scheduler, int? Priority, Evidence Evidence);

public sealed record NumaTuneMemoryFact(string? Mode, CpuSet? Nodeset, string? Placement, Evidence Evidence);

/// <summary>&lt;memnode&gt;: guest cell <see cref="CellId"/> bound to host nodes <see cref="Nodeset"/>.</summary>
public sealed record MemNodeFact(int CellId, string? Mode, CpuSet Nodeset, Evidence Evidence);

public sealed record MemoryBackingFact(ImmutableArray<HugepageFact> Pages, bool Locked, bool NoSharePages, Evidence Evidence);

/// <summary>A &lt;page&gt;; <see cref="GuestCells"/> null means every guest cell (no nodeset).</summary>
public sealed record HugepageFact(ByteSize Size, CpuSet? GuestCells, Evidence Evidence);

public sealed record CpuModeFact(string? Mode, string? Match, string? Model, Evidence Evidence);

public sealed record CpuTopologyFact(int Sockets, int Dies, int Cores, int Threads, Evidence Evidence)
{
    public int Vcpus => Sockets * Dies * Cores * Threads;
}

/// <summary>A guest NUMA cell: its vCPUs, memory, memAccess and distances (cell id → value).</summary>
public sealed record GuestCellFact(int Id, CpuSet Cpus, ByteSize Memory, string? MemAccess, Evidence Evidence)
{
    public ImmutableSortedDictionary<int, int> Distances { get; init; } = ImmutableSortedDictionary<int, int>.Empty;
}

/// <summary>A host PCI function given to the guest; <see cref="Address"/> canonical <c>dddd:bb:ss.f</c>.</summary>
public sealed record PciDeviceFact(string Address, string Kind, Evidence Evidence);
