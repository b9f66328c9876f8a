using System.Collections.Immutable;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Accounting;

/// <summary>The host after a claim or release, or Nova's error when the pinning is inconsistent.</summary>
public sealed record UsageResult(NovaHost? Host, NovaError? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Claims and releases a fitted instance on a host the way Nova 26 accounts it
/// (<c>numa_usage_from_instance_numa</c>, nova-26-numa-semantics.md §8): page counts, memory_usage and cpu_usage on
/// each host cell holding a guest cell, and pinned pCPUs (whole cores under isolate) for
/// dedicated and mixed cells.
/// </summary>
public static class HostUsage
{
    public static UsageResult Claim(NovaHost host, FittedTopology instance) => Apply(host, instance, +1);

    public static UsageResult Release(NovaHost host, FittedTopology instance) => Apply(host, instance, -1);

    private static UsageResult Apply(NovaHost host, FittedTopology instance, int sign)
    {
        var cells = ImmutableArray.CreateBuilder<NovaHostCell>(host.Cells.Length);
        foreach (var hostCell in host.Cells)
        {
            var cell = hostCell;
            var touched = false;
            foreach (var guest in instance.Cells)
            {
                if (guest.HostCell != hostCell.Id) continue;
                touched = true;
                cell = cell with
                {
                    Mempages = PagesAfter(cell, guest, sign),
                    MemoryUsageMiB = cell.MemoryUsageMiB + sign * guest.MemoryMiB,
                    CpuUsage = cell.CpuUsage + sign * guest.Cpus.Count,
                };
                if (guest.CpuPolicy is null or CpuPolicy.Shared) continue;
                var pcpus = guest.PinnedHostCpus | guest.CpusetReserved;
                if (guest.ThreadPolicy == CpuThreadPolicy.Isolate) pcpus = WithSiblings(cell, pcpus);
                var pinned = sign > 0 ? Pin(cell, pcpus) : Unpin(cell, pcpus);
                if (pinned.Error is not null) return new UsageResult(null, pinned.Error);
                cell = cell with { PinnedCpus = pinned.Pinned!, Layout = null }; // the loaded set layout no longer applies
            }
            // Usage never goes below zero (Nova clamps after summing all guest cells). A cell left
            // as it was stays the same object, so what the fitter derived from it stays too.
            cells.Add(!touched && cell.MemoryUsageMiB >= 0 && cell.CpuUsage >= 0 ? cell
                : cell with { MemoryUsageMiB = Math.Max(0, cell.MemoryUsageMiB), CpuUsage = Math.Max(0, cell.CpuUsage) });
        }
        var result = cells.MoveToImmutable();
        return new UsageResult(host with { Cells = instance.Cells.IsEmpty ? result : [.. result.Select(Reloaded)] }, null);
    }

    /// <summary>
    /// The resource tracker's <c>_update_usage</c> (nova/compute/resource_tracker.py) updates the
    /// host's NUMA topology for every claim or release of an instance that has one: it loads the
    /// compute node's JSON (each sibling set rebuilt from the stored list, then coerced into the
    /// NUMACell field) and <c>numa_usage_from_instance_numa</c> (nova/virt/hardware.py) builds a new
    /// NUMACell for every host cell (coerced once more). Each rebuild re-inserts a set in its own
    /// iteration order, so two threads whose ids collide in CPython's 8-slot table (e.g. 11 and 27)
    /// swap places on every rebuild: the order require/prefer pinning takes them in follows how many
    /// NUMA guests the host has accounted (seen on real Nova 26 by the differential test).
    /// </summary>
    private static NovaHostCell Reloaded(NovaHostCell cell)
    {
        if (cell.Siblings.All(s => s.Length < 2)) return cell;
        return cell with { Siblings = [.. cell.Siblings.Select(Rebuilt)] };
    }

    private const int RebuildsPerUsageUpdate = 3;

    private static ImmutableArray<int> Rebuilt(ImmutableArray<int> group)
    {
        var order = group;
        for (var i = 0; i < RebuildsPerUsageUpdate; i++) order = [.. Smog.Nova.Python.PySet.OfInts(order.AsSpan()).InOrder()];
        return order;
    }

    /// <summary>
    /// Pages of the guest cell's size (the smallest host size when none) change by memory/size,
    /// a true division truncated when stored, never below zero.
    /// </summary>
    private static ImmutableArray<MemPages> PagesAfter(NovaHostCell cell, FittedCell guest, int sign)
    {
        if (cell.Mempages.IsEmpty) return cell.Mempages;
        var size = guest.PageSizeKiB is { } ps and not 0 ? ps : cell.SmallestPageKiB!.Value;
        return [.. cell.Mempages.Select(p => p.SizeKiB != size ? p
            : p with { Used = (long)Math.Max(0, p.Used + sign * (guest.MemoryMiB * 1024.0 / p.SizeKiB)) })];
    }

    /// <summary>Isolate pins and unpins every sibling set touching the CPUs (CPUs outside all sets are dropped, as in Nova).</summary>
    private static CpuSet WithSiblings(NovaHostCell cell, CpuSet cpus) =>
        CpuSet.Of(cell.Siblings.Where(s => s.Any(cpus.Contains)).SelectMany(s => s));

    private static (CpuSet? Pinned, NovaError? Error) Pin(NovaHostCell cell, CpuSet cpus)
    {
        if (!cpus.IsSubsetOf(cell.Pcpuset))
            return (null, new NovaError("CPUPinningUnknown", $"CPU set to pin {List(cpus)} must be a subset of known CPU set {List(cell.Pcpuset)}"));
        if (cpus.Overlaps(cell.PinnedCpus))
            return (null, new NovaError("CPUPinningInvalid", $"CPU set to pin {List(cpus)} must be a subset of free CPU set {List(cell.FreePcpus)}"));
        return (cell.PinnedCpus | cpus, null);
    }

    private static (CpuSet? Pinned, NovaError? Error) Unpin(NovaHostCell cell, CpuSet cpus)
    {
        if (!cpus.IsSubsetOf(cell.Pcpuset))
            return (null, new NovaError("CPUUnpinningUnknown", $"CPU set to unpin {List(cpus)} must be a subset of known CPU set {List(cell.Pcpuset)}"));
        if (!cpus.IsSubsetOf(cell.PinnedCpus))
            return (null, new NovaError("CPUUnpinningInvalid", $"CPU set to unpin {List(cpus)} must be a subset of pinned CPU set {List(cell.PinnedCpus)}"));
        return (cell.PinnedCpus - cpus, null);
    }

    private static string List(CpuSet cpus) => "[" + string.Join(", ", cpus) + "]";
}
