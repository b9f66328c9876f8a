using System.Collections.Immutable;

namespace Smog.Suite.Selection;

/// <summary>
/// A capability a scenario needs: a stable code, the skip reason when no host offers it, and
/// the test on one discovered host (null: cannot tell, e.g. no host access for the topology).
/// Codes appear in <c>--list</c>, the coverage matrix and the JSON report.
/// </summary>
public sealed record Capability(string Code, string SkipCode, string SkipMessage, Func<DiscoveredHost, bool?> Test)
{
    /// <summary>Needs at least two hosts that have every other need (migration, aggregates on both sides).</summary>
    public const string TwoHostsCode = "hosts-2";

    public static readonly Capability Pcpu = new("pcpu", "no-pcpu", "no compute host has dedicated CPUs (placement PCPU inventory)",
        h => h.Capacity("PCPU") is { } c ? c.Total > 0 : null);
    public static readonly Capability TwoFreePcpus = new("pcpu-2", "too-few-pcpus", "no compute host has two free dedicated CPUs",
        h => h.Capacity("PCPU") is { } c ? c.Free >= 2 : null);
    public static readonly Capability Vcpu = new("vcpu", "no-vcpu", "no compute host has shared CPUs (placement VCPU inventory)",
        h => h.Capacity("VCPU") is { } c ? c.Total > 0 : null);
    public static readonly Capability FourVcpus = new("vcpu-4", "small-vcpu-max", "no compute host lets one server take four shared CPUs (placement VCPU max_unit and free)",
        h => h.Capacity("VCPU") is { } c ? c.MaxUnit >= 4 && c.Free >= 4 : null);
    public static readonly Capability TwoNumaNodes = new("numa-2", "one-numa-node", "no compute host has two NUMA nodes with CPUs Nova may use",
        h => h.Topology is { } t ? t.Cells.Count(c => !c.Cpus.IsEmpty) >= 2 : null);
    public static readonly Capability Smt = new("smt", "no-smt", "no compute host has SMT (hyperthread siblings)",
        h => h.Topology is { } t ? t.HasSmt : null);
    public static readonly Capability NoSmt = new("no-smt", "all-smt", "every compute host has SMT; the non-SMT case cannot run",
        h => h.Topology is { } t ? !t.HasSmt : null);
    public static readonly Capability Pages2M = new("pages-2m", "no-2m-pages", "no compute host has 2 MiB huge pages",
        h => h.Topology is { } t ? HasPages(h, 2048) : null);
    public static readonly Capability Pages1G = new("pages-1g", "no-1g-pages", "no compute host has 1 GiB huge pages",
        h => h.Topology is { } t ? HasPages(h, 1024 * 1024) : null);
    public static readonly Capability HugePages = new("pages-huge", "no-huge-pages", "no compute host has huge pages",
        h => h.Topology is { } t ? t.Cells.Any(c => c.Pages.Any(p => p.SizeKiB > 4 && p.Total > 0)) : null);
    public static readonly Capability Pci = new("pci", "no-pci", "no compute host has a PCI alias and device spec in nova.conf",
        h => h.Conf is { } c ? !c.PciAliases.IsDefaultOrEmpty && !c.PciDeviceSpecs.IsDefaultOrEmpty : null);
    public static readonly Capability Sriov = new("sriov", "no-sriov-physnet", "no compute host has SR-IOV VFs on a physnet ([pci] device_spec with physical_network in nova.conf)",
        h => h.Conf is not { } c ? null
            : !c.PciDeviceSpecs.Any(s => s.Contains("physical_network", StringComparison.Ordinal)) ? false
            : h.Topology is null ? null : !h.SriovVfs.IsEmpty);
    public static readonly Capability SriovFarCell = new("sriov-far-cell", "no-vf-free-cell",
        "no SR-IOV host has a NUMA cell without VFs that holds more dedicated CPUs than each of its VF cells",
        h => h.Topology is not { } t || h.Conf is not { } c ? null : h.SriovVfs is { IsEmpty: false } vfs && HasFarCell(t, c, vfs));
    public static readonly Capability HostAccess = new("host-access", "no-host-access", "no compute host is reachable through the inventory",
        h => h.HostAccess);
    public static readonly Capability TwoHosts = new(TwoHostsCode, "one-capable-host", "needs two compute hosts with the other capabilities",
        _ => true);

    public static readonly ImmutableArray<Capability> All =
        [Pcpu, TwoFreePcpus, Vcpu, FourVcpus, TwoNumaNodes, Smt, NoSmt, Pages2M, Pages1G, HugePages, Pci, Sriov, SriovFarCell, HostAccess, TwoHosts];

    public static Capability Get(string code) =>
        All.FirstOrDefault(c => c.Code == code) ?? throw new ArgumentException($"unknown capability '{code}'", nameof(code));

    /// <summary>A cell with no VF whose dedicated CPUs outnumber those of every cell with a VF.</summary>
    private static bool HasFarCell(Smog.Topology.HostTopology t, Smog.Nova.Config.NovaConf c, ImmutableArray<Smog.Nova.Pci.PassthroughDevice> vfs)
    {
        var vfCells = vfs.Select(d => d.NumaNode).OfType<int>().ToHashSet();
        int Dedicated(int cell) => c.CpuDedicatedSet is { } set ? t.Cpus.Count(x => x.Cell == cell && set.Contains(x.Id)) : 0;
        var near = vfCells.Count == 0 ? int.MaxValue : vfCells.Max(Dedicated);
        return t.Cells.Any(cell => !vfCells.Contains(cell.Id) && Dedicated(cell.Id) > near);
    }

    private static bool HasPages(DiscoveredHost h, long sizeKiB) => h.Topology!.Cells.Any(c => c.PagesOfSize(sizeKiB) is { Total: > 0 });
}
