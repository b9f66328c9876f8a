using System.Collections.Immutable;
using Smog.Topology.Parsers;

namespace Smog.Topology.Merge;

/// <summary>A fact kind the merge takes from one source at a time.</summary>
public enum TopologyFact
{
    Cells,
    Cores,
    Memory,
    FreeMemory,
    Pages,
    Distances,
    PciDevices,
    Hostname,
}

/// <summary>
/// Which source is believed for each fact, best first. A format missing from a list does not
/// report that fact (numactl knows no cores, lstopo's console shows no page pools), so the merge
/// neither takes it from there nor compares it.
/// </summary>
/// <remarks>
/// Discover JSON comes first everywhere: it is an earlier merge. Then:
/// cells and their CPUs, cores and SMT siblings: sysfs (the kernel itself), capabilities (what
/// Nova's libvirt driver reads), hwloc XML, lstopo console, numactl (cells only);
/// memory: sysfs (KiB), numactl (MiB from the same meminfo), capabilities, hwloc XML, lstopo
/// console (rounded to the printed unit); free memory: sysfs, numactl;
/// page pools, one page size at a time: sysfs (huge pages with free counts), capabilities
/// (adds the 4 KiB pool libvirt computes), hwloc XML;
/// distances: sysfs, numactl, capabilities, hwloc XML, lstopo console;
/// PCI devices: sysfs (ids, SR-IOV, NUMA node), hwloc XML, lstopo console; lower sources only
/// fill fields the chosen one leaves empty (such as block device names), never the NUMA node;
/// hostname: hwloc XML.
/// Memory differs "beyond tolerance" when the gap exceeds both <see cref="MemoryToleranceMiB"/>
/// and <see cref="MemoryToleranceFraction"/> of the larger value, plus
/// <see cref="LstopoRoundingMiB"/> when one side is lstopo console (it prints GB above 10 GB).
/// </remarks>
public sealed record MergePolicy
{
    public static MergePolicy Default { get; } = new();

    public ImmutableDictionary<TopologyFact, ImmutableArray<TopologyFormat>> Precedence { get; init; } =
        new Dictionary<TopologyFact, ImmutableArray<TopologyFormat>>
        {
            [TopologyFact.Cells] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Capabilities, TopologyFormat.HwlocXml, TopologyFormat.LstopoConsole, TopologyFormat.Numactl],
            [TopologyFact.Cores] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Capabilities, TopologyFormat.HwlocXml, TopologyFormat.LstopoConsole],
            [TopologyFact.Memory] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Numactl, TopologyFormat.Capabilities, TopologyFormat.HwlocXml, TopologyFormat.LstopoConsole],
            [TopologyFact.FreeMemory] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Numactl],
            [TopologyFact.Pages] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Capabilities, TopologyFormat.HwlocXml],
            [TopologyFact.Distances] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.Numactl, TopologyFormat.Capabilities, TopologyFormat.HwlocXml, TopologyFormat.LstopoConsole],
            [TopologyFact.PciDevices] = [TopologyFormat.TopologyJson, TopologyFormat.Sysfs, TopologyFormat.HwlocXml, TopologyFormat.LstopoConsole],
            [TopologyFact.Hostname] = [TopologyFormat.TopologyJson, TopologyFormat.HwlocXml],
        }.ToImmutableDictionary();

    public long MemoryToleranceMiB { get; init; } = 64;
    public double MemoryToleranceFraction { get; init; } = 0.02;
    public long LstopoRoundingMiB { get; init; } = 512;

    /// <summary>True when two memory sizes of one cell agree within the tolerance.</summary>
    public bool MemoryAgrees(long a, long b, bool eitherIsLstopo)
    {
        var allowed = Math.Max(MemoryToleranceMiB, (long)(Math.Max(a, b) * MemoryToleranceFraction));
        if (eitherIsLstopo) allowed += LstopoRoundingMiB;
        return Math.Abs(a - b) <= allowed;
    }

    public int Rank(TopologyFact fact, TopologyFormat format)
    {
        var i = Precedence.GetValueOrDefault(fact, []).IndexOf(format);
        return i < 0 ? int.MaxValue : i;
    }

    public bool Supplies(TopologyFact fact, TopologyFormat format) => Rank(fact, format) != int.MaxValue;
}
