using System.Collections.Immutable;
using Smog.Nova.Config;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Scheduling;

/// <summary>
/// The one conversion between a discovered <see cref="HostTopology"/> and the Nova host model
/// (<see cref="NovaHost"/>), both ways.
/// </summary>
public static class HostModel
{
    /// <summary>
    /// One cell per NUMA node with CPUs restricted to nova.conf's sets, siblings in the libvirt
    /// driver's order, and page pools from the topology (a 4 KiB pool is derived when missing,
    /// <c>reserved_huge_pages</c> applied). The topology is taken to have made the database round
    /// trip, as in a real cloud.
    /// </summary>
    public static NovaHost FromTopology(HostTopology topology, NovaConf conf)
    {
        var online = topology.AllCpus;
        var shared = conf.SharedCpus(online) & online;
        var dedicated = conf.DedicatedCpus(online);
        var specs = topology.Cells.Select(cell => new HostCellSpec
        {
            Id = cell.Id,
            Cpus = cell.Cpus,
            Siblings = cell.Siblings.IsDefaultOrEmpty ? null : [.. cell.Siblings.Select(s => s.ToImmutableArray())],
            MemoryMiB = cell.MemoryMiB ?? 0,
            Pages = Pages(cell, conf),
            Cpuset = cell.Cpus & shared,
            Pcpuset = cell.Cpus & dedicated,
            Socket = SocketOf(topology, cell),
        });
        return NovaHostBuilder.Build(specs);
    }

    /// <summary>
    /// The host as the libvirt driver sees it: each cell's usable CPUs, sibling groups (ascending),
    /// memory and page pools. A cell whose socket the model does not know is reported on socket 0:
    /// only the CPU-to-cell map matters to the generator and the verifier.
    /// </summary>
    public static HostTopology ToTopology(NovaHost host)
    {
        var cells = host.Cells.Select(cell => new NumaCell
        {
            Id = cell.Id,
            Cpus = cell.Cpuset | cell.Pcpuset,
            Siblings = [.. cell.Siblings.Select(g => CpuSet.Of(g)).OrderBy(g => g.Min)],
            MemoryMiB = cell.MemoryMiB,
            Pages = [.. cell.Mempages.Select(p => new PagePool(p.SizeKiB, p.Total, p.Free))],
        }).ToList();
        var cpus = host.Cells.Zip(cells).SelectMany(pair => pair.Second.Cpus.Select(id =>
            new CpuInfo(id, pair.Second.Id, pair.First.Socket ?? 0, 0, pair.Second.Siblings.FirstOrDefault(g => g.Contains(id))?.Min ?? id)));
        return new HostTopology { Cells = [.. cells], Cpus = [.. cpus.OrderBy(c => c.Id)] };
    }

    private static ImmutableArray<MemPages> Pages(NumaCell cell, NovaConf conf)
    {
        var huge = cell.Pages.Where(p => p.SizeKiB != 4).ToList();
        var small = cell.PagesOfSize(4)?.Total ?? ((cell.MemoryMiB ?? 0) * 1024 - huge.Sum(p => p.SizeKiB * p.Total)) / 4;
        return [new MemPages(4, small, 0, conf.ReservedPages(cell.Id, 4)),
            .. huge.Select(p => new MemPages(p.SizeKiB, p.Total, 0, conf.ReservedPages(cell.Id, p.SizeKiB)))];
    }

    private static int? SocketOf(HostTopology topology, NumaCell cell)
    {
        var sockets = topology.Cpus.Where(c => c.Cell == cell.Id).Select(c => c.Socket).Distinct().ToList();
        return sockets.Count == 1 ? sockets[0] : null;
    }
}
