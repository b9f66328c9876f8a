using System.Collections.Immutable;
using Smog.Nova.Scheduling;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Syntax;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>One way of breaking a correct domain, and the rule that must notice.</summary>
internal sealed record MutationKind(string Name, string Rule, Func<VerificationScenario, IEnumerable<Domain>> Apply);

/// <summary>
/// The mutation catalogue. Each kind edits the syntax records of a correct domain the way a broken
/// driver, a bad manual edit or a scheduler race would; kinds that do not apply to a scenario
/// (no pinning, one host cell, no huge pages …) yield nothing for it.
/// </summary>
internal static class Mutations
{
    public static readonly ImmutableArray<MutationKind> All =
    [
        new("move a pin to another node", RuleIds.PinCell, MovePinToOtherNode),
        new("reuse another guest's pCPU", RuleIds.PinOverlap, ReuseNeighbourPcpu),
        new("use an isolate sibling", RuleIds.ThreadIsolate, UseIsolateSibling),
        new("drop a memnode", RuleIds.MemNode, DropMemnode),
        new("change a memnode", RuleIds.NumaTuneNodeset, ChangeMemnode),
        new("strict → interleave memnode", RuleIds.NumaTuneMode, InterleaveMemnode),
        new("wrong page size", RuleIds.HugepageAvailable, WrongPageSize),
        new("wrong page nodeset", RuleIds.HugepagePage, WrongPageNodeset),
        new("wrong topology product", RuleIds.TopologyProduct, WrongTopologyProduct),
        new("other topology than Nova's choice", RuleIds.TopologyChoice, OtherTopologyChoice),
        new("wrong cell memory", RuleIds.CellMemory, WrongCellMemory),
        new("move a vCPU between cells", RuleIds.CellVcpus, MoveVcpuBetweenCells),
        new("hostdev on a far node", RuleIds.PciLocality, HostdevOnFarNode),
        new("emulatorpin overlapping under isolate", RuleIds.EmulatorIsolate, EmulatorOverlap),
        new("emulatorpin widened", RuleIds.EmulatorShare, EmulatorWidened),
        new("drop a vcpupin", RuleIds.PinMissing, DropVcpuPin),
        new("floating vCPU widened to the host", RuleIds.PinFloating, WidenFloatingPin),
        new("dedicated vCPU on two pCPUs", RuleIds.PinSingle, PinTwoPcpus),
        new("NUMA binding on a non-NUMA guest", RuleIds.NumaNone, NumaOnNonNuma),
        new("drop the realtime scheduler", RuleIds.Realtime, DropVcpuSched),
    ];

    // ---- helpers over one scenario ----

    private static DomainFacts Facts(Domain d) => DomainFactsReader.From(d).Value;

    private static RequestedTopology? Requested(VerificationScenario s) =>
        NovaPlanner.Resolve(s.Template.Flavor, s.Template.Image).Topology;

    private static CpuSet PinnedVcpus(VerificationScenario s) =>
        Requested(s)?.Cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.Pcpus) ?? CpuSet.Empty;

    private static int HostCellOfGuestCell(Domain d, int guestCell) =>
        int.Parse(d.NumaTune!.MemNodes.Single(m => m.CellId == guestCell).Nodeset!);

    private static int GuestCellOf(Domain d, int vcpu) => Facts(d).CellOfVcpu(vcpu)!.Id;

    private static Domain WithPin(Domain d, int vcpu, string cpuset) => d with
    {
        CpuTune = d.CpuTune! with { VcpuPins = [.. d.CpuTune.VcpuPins.Select(p => p.Vcpu == vcpu ? p with { CpuSet = cpuset } : p)] },
    };

    private static Domain WithMemNodes(Domain d, Func<DomainNumaTuneMemNode, DomainNumaTuneMemNode?> edit) => d with
    {
        NumaTune = d.NumaTune! with { MemNodes = [.. d.NumaTune.MemNodes.Select(edit).OfType<DomainNumaTuneMemNode>()] },
    };

    private static Domain WithCells(Domain d, Func<DomainCpuNumaCell, DomainCpuNumaCell> edit) => d with
    {
        Cpu = d.Cpu! with { Numa = d.Cpu.Numa! with { Cells = [.. d.Cpu.Numa.Cells.Select(edit)] } },
    };

    private static Domain WithPages(Domain d, Func<DomainMemoryHugepage, int, DomainMemoryHugepage> edit) => d with
    {
        MemoryBacking = d.MemoryBacking! with
        {
            Hugepages = d.MemoryBacking.Hugepages! with { Pages = [.. d.MemoryBacking.Hugepages.Pages.Select(edit)] },
        },
    };

    private static bool IsNuma(Domain d) => d.NumaTune is not null;

    // ---- the kinds ----

    private static IEnumerable<Domain> MovePinToOtherNode(VerificationScenario s)
    {
        var d = s.Domain;
        foreach (var vcpu in PinnedVcpus(s).Take(1))
        {
            var here = HostCellOfGuestCell(d, GuestCellOf(d, vcpu));
            foreach (var cell in s.Template.Host.Cells.Where(c => c.Id != here))
                yield return WithPin(d, vcpu, cell.Cpus.Max.ToString());
        }
    }

    private static IEnumerable<Domain> ReuseNeighbourPcpu(VerificationScenario s)
    {
        if (s.Template.Others.IsEmpty) yield break;
        var theirs = VerificationContext.DedicatedPcpusOf(s.Template.Others[0]);
        foreach (var vcpu in PinnedVcpus(s))
            yield return WithPin(s.Domain, vcpu, theirs.Min.ToString());
    }

    private static IEnumerable<Domain> UseIsolateSibling(VerificationScenario s)
    {
        if (Requested(s)?.Cells[0].ThreadPolicy != CpuThreadPolicy.Isolate) yield break;
        var pins = Facts(s.Domain).VcpuPins;
        var pinned = PinnedVcpus(s).ToList();
        for (var i = 0; i + 1 < pinned.Count; i++)
        {
            var pcpu = pins[pinned[i]].Cpus.Min;
            var sibling = s.Template.Host.SiblingsOf(pcpu) - CpuSet.Of(pcpu);
            if (!sibling.IsEmpty) yield return WithPin(s.Domain, pinned[i + 1], sibling.Min.ToString());
        }
    }

    private static IEnumerable<Domain> DropMemnode(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        foreach (var node in s.Domain.NumaTune!.MemNodes)
            yield return WithMemNodes(s.Domain, m => m.CellId == node.CellId ? null : m);
    }

    private static IEnumerable<Domain> ChangeMemnode(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        foreach (var node in s.Domain.NumaTune!.MemNodes)
            foreach (var cell in s.Template.Host.Cells.Where(c => c.Id.ToString() != node.Nodeset))
                yield return WithMemNodes(s.Domain, m => m.CellId == node.CellId ? m with { Nodeset = cell.Id.ToString() } : m);
    }

    private static IEnumerable<Domain> InterleaveMemnode(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        yield return WithMemNodes(s.Domain, m => m.CellId == 0 ? m with { Mode = "interleave" } : m);
    }

    private static IEnumerable<Domain> WrongPageSize(VerificationScenario s)
    {
        if (s.Domain.MemoryBacking?.Hugepages is not { Pages.Length: > 0 } pages) yield break;
        for (var i = 0; i < pages.Pages.Length; i++)
        {
            var index = i;
            // 16 GiB pages: no host offers them.
            yield return WithPages(s.Domain, (p, j) => j == index ? p with { Size = "16", Unit = "G" } : p);
        }
    }

    private static IEnumerable<Domain> WrongPageNodeset(VerificationScenario s)
    {
        if (s.Domain.MemoryBacking?.Hugepages is not { Pages.Length: > 0 }) yield break;
        var cells = s.Domain.Cpu!.Numa!.Cells.Length;
        yield return WithPages(s.Domain, (p, j) => j == 0 ? p with { Nodeset = cells.ToString() } : p);
    }

    private static IEnumerable<Domain> WrongTopologyProduct(VerificationScenario s)
    {
        if (s.Domain.Cpu?.Topology is not { } t) yield break;
        yield return s.Domain with { Cpu = s.Domain.Cpu with { Topology = t with { Sockets = (int.Parse(t.Sockets!) + 1).ToString() } } };
        yield return s.Domain with { Cpu = s.Domain.Cpu with { Topology = t with { Threads = (int.Parse(t.Threads!) * 2).ToString() } } };
    }

    private static IEnumerable<Domain> OtherTopologyChoice(VerificationScenario s)
    {
        if (s.Domain.Cpu?.Topology is not { } t) yield break;
        var v = s.Template.Flavor.Vcpus;
        var current = (t.Sockets, t.Cores, t.Threads);
        foreach (var (sk, co, th) in new[] { (1, v, 1), (v, 1, 1), (1, 1, v) })
            if ((sk.ToString(), co.ToString(), th.ToString()) != current)
                yield return s.Domain with
                {
                    Cpu = s.Domain.Cpu with { Topology = t with { Sockets = sk.ToString(), Cores = co.ToString(), Threads = th.ToString() } },
                };
    }

    private static IEnumerable<Domain> WrongCellMemory(VerificationScenario s)
    {
        if (s.Domain.Cpu?.Numa is not { } numa) yield break;
        foreach (var cell in numa.Cells)
            yield return WithCells(s.Domain, c => c.Id == cell.Id ? c with { Memory = (ulong.Parse(c.Memory) + 1048576).ToString() } : c);
    }

    private static IEnumerable<Domain> MoveVcpuBetweenCells(VerificationScenario s)
    {
        if (s.Domain.Cpu?.Numa is not { Cells.Length: >= 2 } numa) yield break;
        var first = CpuSet.Parse(numa.Cells[0].Cpus!);
        var second = CpuSet.Parse(numa.Cells[1].Cpus!);
        var moved = second.Min;
        yield return WithCells(s.Domain, c =>
            c.Id == numa.Cells[0].Id ? c with { Cpus = (first | CpuSet.Of(moved)).ToString() }
            : c.Id == numa.Cells[1].Id ? c with { Cpus = (second - CpuSet.Of(moved)).ToString() } : c);
    }

    private static IEnumerable<Domain> HostdevOnFarNode(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        var bound = s.Domain.NumaTune!.MemNodes.Select(m => int.Parse(m.Nodeset!)).ToHashSet();
        foreach (var cell in s.Template.Host.Cells.Where(c => !bound.Contains(c.Id)))
            yield return s.Domain with { Devices = s.Domain.Devices! with { Hostdevs = [VerificationScenario.Hostdev(cell.Id)] } };
    }

    private static IEnumerable<Domain> EmulatorOverlap(VerificationScenario s)
    {
        if (Requested(s)?.EmulatorThreads != EmulatorThreadsPolicy.Isolate) yield break;
        foreach (var pin in s.Domain.CpuTune!.VcpuPins)
            yield return s.Domain with { CpuTune = s.Domain.CpuTune with { EmulatorPin = new DomainCpuTuneEmulatorPin(pin.CpuSet) } };
    }

    private static IEnumerable<Domain> EmulatorWidened(VerificationScenario s)
    {
        if (!IsNuma(s.Domain) || Requested(s)?.EmulatorThreads == EmulatorThreadsPolicy.Isolate) yield break;
        var all = s.Template.Host.AllCpus.ToString();
        if (s.Domain.CpuTune!.EmulatorPin?.CpuSet != all)
            yield return s.Domain with { CpuTune = s.Domain.CpuTune with { EmulatorPin = new DomainCpuTuneEmulatorPin(all) } };
    }

    private static IEnumerable<Domain> DropVcpuPin(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        foreach (var pin in s.Domain.CpuTune!.VcpuPins)
            yield return s.Domain with { CpuTune = s.Domain.CpuTune with { VcpuPins = s.Domain.CpuTune.VcpuPins.Remove(pin) } };
    }

    private static IEnumerable<Domain> WidenFloatingPin(VerificationScenario s)
    {
        if (!IsNuma(s.Domain)) yield break;
        var pinned = PinnedVcpus(s);
        var all = s.Template.Host.AllCpus.ToString();
        foreach (var pin in s.Domain.CpuTune!.VcpuPins.Where(p => !pinned.Contains(p.Vcpu) && p.CpuSet != all).Take(2))
            yield return WithPin(s.Domain, pin.Vcpu, all);
    }

    private static IEnumerable<Domain> PinTwoPcpus(VerificationScenario s)
    {
        foreach (var vcpu in PinnedVcpus(s).Take(2))
        {
            var pin = Facts(s.Domain).VcpuPins[vcpu].Cpus;
            var cell = s.Template.Host.Cells.First(c => c.Cpus.Contains(pin.Min));
            yield return WithPin(s.Domain, vcpu, (pin | CpuSet.Of((cell.Cpus - pin).Min)).ToString());
        }
    }

    private static IEnumerable<Domain> NumaOnNonNuma(VerificationScenario s)
    {
        if (IsNuma(s.Domain)) yield break;
        yield return s.Domain with { NumaTune = new DomainNumaTune { Memory = new DomainNumaTuneMemory("strict", "0") } };
    }

    private static IEnumerable<Domain> DropVcpuSched(VerificationScenario s)
    {
        if (s.Domain.CpuTune is not { VcpuScheds.Length: > 0 } tune) yield break;
        yield return s.Domain with { CpuTune = tune with { VcpuScheds = [] } };
    }
}
