using System.Collections.Immutable;
using System.Xml.Linq;

namespace Smog.Libvirt.Syntax;

// The syntax layer of a libvirt domain: one record per element, named by its path, in the
// libvirt-go-xml manner. Values stay as libvirt wrote them (strings for sizes, cpusets and
// nodesets; units apart); optional children are nullable, repeated children are arrays, and
// each record keeps what it does not model in Rest, so a read-write round trip is lossless.
// Units and cpusets are interpreted by the facts layer (Libvirt/Facts), never here.

/// <summary>&lt;domain&gt;: the NUMA-relevant children are modelled, everything else is kept in <see cref="Rest"/>.</summary>
public sealed record Domain
{
    public string? Type { get; init; }
    public string? Name { get; init; }
    public string? Uuid { get; init; }
    /// <summary>&lt;metadata&gt; verbatim (Nova's <c>nova:instance</c> lives here).</summary>
    public XElement? Metadata { get; init; }
    public DomainMemory? Memory { get; init; }
    public DomainMemory? CurrentMemory { get; init; }
    public DomainMemoryBacking? MemoryBacking { get; init; }
    public DomainNumaTune? NumaTune { get; init; }
    public DomainVcpu? Vcpu { get; init; }
    public DomainCpuTune? CpuTune { get; init; }
    public DomainCpu? Cpu { get; init; }
    public DomainDevices? Devices { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;memory&gt; or &lt;currentMemory&gt;: a number and its unit (default KiB).</summary>
public sealed record DomainMemory(string Value, string? Unit = null)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;vcpu placement cpuset current&gt;N&lt;/vcpu&gt;.</summary>
public sealed record DomainVcpu(string Value)
{
    public string? Placement { get; init; }
    public string? CpuSet { get; init; }
    public string? Current { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;cputune&gt;: CFS knobs, pins and real-time schedulers.</summary>
public sealed record DomainCpuTune
{
    public string? Shares { get; init; }
    public string? Period { get; init; }
    public string? Quota { get; init; }
    public DomainCpuTuneEmulatorPin? EmulatorPin { get; init; }
    public ImmutableArray<DomainCpuTuneVcpuPin> VcpuPins { get; init; } = [];
    public ImmutableArray<DomainCpuTuneIOThreadPin> IOThreadPins { get; init; } = [];
    public ImmutableArray<DomainCpuTuneVcpuSched> VcpuScheds { get; init; } = [];
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuTuneVcpuPin(int Vcpu, string CpuSet)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuTuneEmulatorPin(string CpuSet)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuTuneIOThreadPin(int IOThread, string CpuSet)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuTuneVcpuSched(string? Vcpus, string? Scheduler, string? Priority)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;numatune&gt;: the guest-wide memory policy and one &lt;memnode&gt; per guest cell.</summary>
public sealed record DomainNumaTune
{
    public DomainNumaTuneMemory? Memory { get; init; }
    public ImmutableArray<DomainNumaTuneMemNode> MemNodes { get; init; } = [];
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainNumaTuneMemory(string? Mode, string? Nodeset)
{
    public string? Placement { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainNumaTuneMemNode(int CellId, string? Mode, string? Nodeset)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;memoryBacking&gt;: huge pages per guest cell, and the presence-only flags.</summary>
public sealed record DomainMemoryBacking
{
    public DomainMemoryHugepages? Hugepages { get; init; }
    public bool NoSharePages { get; init; }
    public bool Locked { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainMemoryHugepages(ImmutableArray<DomainMemoryHugepage> Pages)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;page size unit nodeset/&gt;; nodeset names <b>guest</b> cells.</summary>
public sealed record DomainMemoryHugepage(string? Size, string? Unit, string? Nodeset)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;cpu&gt;: mode, model, topology, features and the guest NUMA cells.</summary>
public sealed record DomainCpu
{
    public string? Mode { get; init; }
    public string? Match { get; init; }
    public string? Check { get; init; }
    public DomainCpuModel? Model { get; init; }
    public DomainCpuTopology? Topology { get; init; }
    public ImmutableArray<DomainCpuFeature> Features { get; init; } = [];
    public DomainCpuNuma? Numa { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuModel(string Value)
{
    public string? Fallback { get; init; }
    public string? VendorId { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuTopology
{
    public string? Sockets { get; init; }
    public string? Dies { get; init; }
    public string? Cores { get; init; }
    public string? Threads { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuFeature(string? Policy, string? Name)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuNuma(ImmutableArray<DomainCpuNumaCell> Cells)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;cell id cpus memory unit memAccess&gt;; <see cref="Id"/> is optional in libvirt (then cells count from 0).</summary>
public sealed record DomainCpuNumaCell(int? Id, string? Cpus, string Memory)
{
    public string? Unit { get; init; }
    public string? MemAccess { get; init; }
    public string? Discard { get; init; }
    public DomainCpuNumaCellDistances? Distances { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuNumaCellDistances(ImmutableArray<DomainCpuNumaCellSibling> Siblings)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainCpuNumaCellSibling(int Id, string Value)
{
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;devices&gt;: PCI passthrough and SR-IOV interfaces are modelled; other devices are kept verbatim.</summary>
public sealed record DomainDevices
{
    public ImmutableArray<DomainHostdev> Hostdevs { get; init; } = [];
    public ImmutableArray<DomainInterface> Interfaces { get; init; } = [];
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;hostdev mode type managed&gt;&lt;source&gt;&lt;address .../&gt;&lt;/source&gt;…</summary>
public sealed record DomainHostdev(string? Mode, string? Type)
{
    public string? Managed { get; init; }
    public DomainDeviceSource? Source { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;interface type&gt;; for <c>type='hostdev'</c> the source carries the VF's PCI address.</summary>
public sealed record DomainInterface(string? Type)
{
    public string? Managed { get; init; }
    public DomainDeviceSource? Source { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

public sealed record DomainDeviceSource
{
    public DomainAddress? Address { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}

/// <summary>&lt;address type='pci' domain bus slot function/&gt;, numbers as written (usually hex).</summary>
public sealed record DomainAddress(string? Type)
{
    public string? Domain { get; init; }
    public string? Bus { get; init; }
    public string? Slot { get; init; }
    public string? Function { get; init; }
    public XmlRest Rest { get; init; } = XmlRest.Empty;
}
