using System.Collections.Immutable;
using Smog.Nova.Host;
using Smog.Units;

namespace Smog.Nova.Fitting;

/// <summary>One guest cell tried on one host cell on its own; <see cref="Reason"/> says why not.</summary>
public sealed record CellCheck(int GuestCell, int HostCell, bool Fits, CellRefusal? Refusal, string? Reason);

/// <summary>
/// Says why an instance does not fit: every guest cell against every host cell, checked alone
/// with the requested page size (not Nova's search, whose caches and sticky page sizes can
/// refuse pairs that fit alone — then every pair may show as fitting).
/// </summary>
public static class FitExplainer
{
    public static ImmutableArray<CellCheck> Explain(NovaHost host, RequestedTopology request, FitOptions? options = null)
    {
        options ??= FitOptions.Default;
        var checks = ImmutableArray.CreateBuilder<CellCheck>();
        foreach (var cell in host.Cells)
        {
            foreach (var guest in request.Cells)
            {
                var reserved = request.EmulatorThreads == EmulatorThreadsPolicy.Isolate && guest.Id == 0 ? 1 : 0;
                var verdict = CellFitter.Evaluate(cell.Facts, host.ThreadOrder, guest, guest.PageSize, reserved, options.Limits);
                checks.Add(new CellCheck(guest.Id, cell.Id, verdict.Fits, verdict.Refusal,
                    verdict.Refusal is { } r ? Describe(r, cell, guest, reserved, options.Limits) : null));
            }
        }
        return checks.ToImmutable();
    }

    private static string Describe(CellRefusal refusal, NovaHostCell cell, RequestedCell guest, int reserved, FitLimits? limits) => refusal switch
    {
        CellRefusal.PageSize => $"no {PageWord(guest.PageSize)} pages free for {Mib(guest.MemoryMiB)}",
        CellRefusal.SmallPageMemory => $"{Mib(guest.MemoryMiB)} > {Mib(cell.PagesOfSize(cell.SmallestPageKiB!.Value)!.TotalKiB / 1024)} of small pages",
        CellRefusal.CellMemory => $"{Mib(guest.MemoryMiB)} > {Mib(cell.MemoryMiB)}",
        CellRefusal.PinnableCpus => $"{guest.Pcpus.Count + reserved} pCPUs > {cell.Pcpuset.Count} pinnable",
        CellRefusal.SharedCpus => $"{guest.Cpus.Count} floating vCPUs > {cell.Cpuset.Count} shared CPUs",
        CellRefusal.FreePcpus => $"{guest.Pcpus.Count + reserved} pCPUs > {cell.FreePcpus.Count} free",
        CellRefusal.FreeMemory => $"{Mib(guest.MemoryMiB)} > {Mib(cell.AvailMemoryMiB)} free",
        CellRefusal.ThreadPolicy => $"no cores for thread policy {guest.ThreadPolicy?.ToString().ToLowerInvariant() ?? "prefer"}",
        CellRefusal.CpuLimit => $"CPU usage {cell.CpuUsage}+{guest.Cpus.Count} > {cell.Cpuset.Count}×{limits!.CpuAllocationRatio}",
        _ => $"memory usage {cell.MemoryUsageMiB}+{guest.MemoryMiB} MiB > {cell.MemoryMiB}×{limits!.RamAllocationRatio}",
    };

    // Reasons are read by people: sizes in the largest unit they reach (2 MiB pages, 1.5 GiB).
    private static string Mib(long mib) => mib < 0 ? $"{mib} MiB" : ByteSize.FromMiB((ulong)mib).ToHuman();

    private static string PageWord(PageSizeRequest? size) =>
        size is { Kind: PageSizeKind.Explicit, KiB: > 0 } p ? ByteSize.FromKiB((ulong)p.KiB).ToHuman() : size?.ToString() ?? "small";
}
