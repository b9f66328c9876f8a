using System.Globalization;
using Smog.Cloud.Simulation.Defects;
using Smog.Libvirt.Syntax;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Cloud.Simulation.Domains;

/// <summary>
/// The defects that live in the libvirt driver: each rewrites the generated NUMA elements the way
/// a buggy driver would. The engine and generator stay correct; only the simulated host's copy lies.
/// A defect that has nothing to change for a domain (no pins, no huge pages …) leaves it as it is.
/// </summary>
internal static class DomainDefects
{
    public static Domain Apply(Defect? defect, Domain d, PlanResult plan, HostTopology host) => defect?.Name switch
    {
        DefectCatalog.PinOtherNode => PinOtherNode(d, plan, host),
        DefectCatalog.WrongPageSize => WrongPageSize(d),
        DefectCatalog.DropMemnode => d.NumaTune is { MemNodes.Length: > 0 } t ? d with { NumaTune = t with { MemNodes = t.MemNodes.RemoveAt(t.MemNodes.Length - 1) } } : d,
        DefectCatalog.WrongCpuTopology => WrongCpuTopology(d),
        DefectCatalog.FloatOnDedicated => FloatOnDedicated(d, plan, host),
        _ => d,
    };

    /// <summary>The first pinned vCPU goes to a free dedicated pCPU of the next host cell.</summary>
    private static Domain PinOtherNode(Domain d, PlanResult plan, HostTopology host)
    {
        if (plan.Fitted is not { } fitted || d.CpuTune is not { } tune || host.Cells.Length < 2) return d;
        var cell = fitted.Cells.FirstOrDefault(c => !c.CpuPinning.IsEmpty);
        if (cell is null) return d;
        var vcpu = cell.CpuPinning.Keys.First();
        // A free pCPU of another cell when there is one; on a full host any of another cell's
        // pCPUs (the defect still pins off-node, and a full host must not turn it into a 500).
        var others = plan.Node.Host.Cells.Where(c => c.Id != cell.HostCell).ToList();
        var other = others.FirstOrDefault(c => !c.FreePcpus.IsEmpty) ?? others.FirstOrDefault(c => !c.Pcpuset.IsEmpty);
        if (other is null) return d;
        var pcpu = other.FreePcpus.IsEmpty ? other.Pcpuset.Min : other.FreePcpus.Min;
        return d with
        {
            CpuTune = tune with
            {
                VcpuPins = [.. tune.VcpuPins.Select(p => p.Vcpu == vcpu ? p with { CpuSet = Num(pcpu) } : p)],
            },
        };
    }

    /// <summary>Huge pages of another size than the one chosen (2 MiB ↔ 1 GiB).</summary>
    private static Domain WrongPageSize(Domain d)
    {
        if (d.MemoryBacking is not { Hugepages: { } huge } backing) return d;
        return d with
        {
            MemoryBacking = backing with
            {
                Hugepages = huge with { Pages = [.. huge.Pages.Select(p => p with { Size = p.Size == "2048" ? "1048576" : "2048" })] },
            },
        };
    }

    /// <summary>Sockets and cores swapped (8 sockets × 1 core becomes 1 × 8).</summary>
    private static Domain WrongCpuTopology(Domain d)
    {
        if (d.Cpu is not { Topology: { } t } cpu || t.Sockets == t.Cores) return d;
        return d with { Cpu = cpu with { Topology = t with { Sockets = t.Cores, Cores = t.Sockets } } };
    }

    /// <summary>Floating vCPUs may run on every CPU of their host cell, dedicated ones included; without a NUMA
    /// topology on every host CPU.</summary>
    private static Domain FloatOnDedicated(Domain d, PlanResult plan, HostTopology host)
    {
        if (plan.Fitted is not { } fitted)
            return d.Vcpu is { } v ? d with { Vcpu = v with { CpuSet = host.AllCpus.ToString() } } : d;
        if (d.CpuTune is not { } tune) return d;
        var cellOf = fitted.Cells.SelectMany(c => c.Cpus.Select(v => (v, c.HostCell))).ToDictionary(x => x.v, x => x.HostCell);
        return d with
        {
            CpuTune = tune with
            {
                VcpuPins = [.. tune.VcpuPins.Select(p => cellOf.TryGetValue(p.Vcpu, out var cell) ? p with { CpuSet = host.CpusOfCell(cell).ToString() } : p)],
            },
        };
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
