using System.Collections.Immutable;
using Smog.Nova.Constraints;
using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>A pool of identical free PCI devices on the host; <see cref="NumaNode"/> null when unknown.</summary>
public sealed record PciPool(int? NumaNode, int Count);

/// <summary>One PCI request of the instance (an alias or a port) with its NUMA affinity policy.</summary>
public sealed record PciRequest(int Count, PciNumaAffinityPolicy Policy = PciNumaAffinityPolicy.Legacy);

/// <summary>The host's PCI pools and the instance's PCI requests, as the NUMA filter passes them.</summary>
public sealed record PciContext(ImmutableArray<PciPool> Pools, ImmutableArray<PciRequest> Requests)
{
    public int FreeDevicesOn(int cellId) => Pools.Where(p => p.NumaNode == cellId).Sum(p => p.Count);
}

/// <summary>
/// Whether the PCI pools can serve every request for the chosen host cells (nova-26-numa-semantics.md §4.6). Pools
/// on the chosen cells are "affine"; each policy widens the candidate pools differently when the
/// affine ones hold too few devices. Requests consume devices in order.
/// </summary>
internal static class PciAffinity
{
    public static bool Supports(PciContext pci, IReadOnlyCollection<NovaHostCell> chosen, NovaHost host)
    {
        var left = pci.Pools.Select(p => p.Count).ToArray();
        foreach (var request in pci.Requests)
        {
            var pools = Candidates(pci, request, chosen, host, left);
            if (pools.Sum(i => left[i]) < request.Count) return false;
            var need = request.Count;
            foreach (var i in pools)
            {
                var take = Math.Min(need, left[i]);
                left[i] -= take;
                need -= take;
            }
        }
        return true;
    }

    /// <summary>
    /// The pools a request may draw from, strictest first (Nova's <c>_filter_pools_for_numa_cells</c>):
    /// affine pools if they hold enough (always for required); socket: pools on cells sharing a
    /// socket with a chosen cell (none when any cell lacks socket info); legacy: affine or
    /// NUMA-less pools; preferred: those if enough, else every pool with those first.
    /// Pool order is kept, so devices are consumed in pool order.
    /// </summary>
    private static List<int> Candidates(PciContext pci, PciRequest request, IReadOnlyCollection<NovaHostCell> chosen,
        NovaHost host, int[] left)
    {
        var chosenIds = chosen.Select(c => c.Id).ToHashSet();
        var all = Enumerable.Range(0, pci.Pools.Length).ToList();
        bool Affine(int i) => pci.Pools[i].NumaNode is { } n && chosenIds.Contains(n);
        bool AffineOrUnknown(int i) => pci.Pools[i].NumaNode is null || Affine(i);
        bool Enough(List<int> pools) => pools.Sum(i => left[i]) >= request.Count;
        var affine = all.Where(Affine).ToList();
        if (request.Policy == PciNumaAffinityPolicy.Required || Enough(affine)) return affine;
        if (request.Policy == PciNumaAffinityPolicy.Socket)
        {
            if (host.Cells.Any(c => c.Socket is null)) return [];
            var sockets = host.Cells.Where(c => chosenIds.Contains(c.Id)).Select(c => c.Socket).ToHashSet();
            var socketCells = host.Cells.Where(c => sockets.Contains(c.Socket)).Select(c => c.Id).ToHashSet();
            return all.Where(i => pci.Pools[i].NumaNode is { } n && socketCells.Contains(n)).ToList();
        }
        var legacy = all.Where(AffineOrUnknown).ToList();
        if (request.Policy == PciNumaAffinityPolicy.Legacy || Enough(legacy)) return legacy;
        return [.. all.OrderBy(i => AffineOrUnknown(i) ? 0 : 1)]; // preferred: anything, affine first (stable)
    }
}
