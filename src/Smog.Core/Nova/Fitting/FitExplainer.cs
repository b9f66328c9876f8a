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
            var view = new HostCellView(cell, host.ThreadOrder);
            foreach (var guest in request.Cells)
            {
                var reserved = request.EmulatorThreads == EmulatorThreadsPolicy.Isolate && guest.Id == 0 ? 1 : 0;
                var verdict = CellFitter.Evaluate(view, guest, guest.PageSize, reserved, options.Limits);
                checks.Add(new CellCheck(guest.Id, cell.Id, verdict.Fits, verdict.Refusal,
                    verdict.Refusal is { } r ? Describe(r, cell, guest, reserved, options.Limits) : null));
            }
        }
        return checks.ToImmutable();
    }

    private static string Describe(CellRefusal refusal, NovaHostCell cell, RequestedCell guest, int reserved, FitLimits? limits) => refusal switch
    {
        CellRefusal.PageSize => $"no {PageText(guest.PageSize)} pages free for {guest.MemoryMiB} MiB",
        CellRefusal.SmallPageMemory => $"{guest.MemoryMiB} MiB > {cell.PagesOfSize(cell.SmallestPageKiB!.Value)!.TotalKiB / 1024} MiB of small pages",
        CellRefusal.CellMemory => $"{guest.MemoryMiB} MiB > {cell.MemoryMiB} MiB",
        CellRefusal.PinnableCpus => $"{guest.Pcpus.Count + reserved} pCPUs > {cell.Pcpuset.Count} pinnable",
        CellRefusal.SharedCpus => $"{guest.Cpus.Count} floating vCPUs > {cell.Cpuset.Count} shared CPUs",
        CellRefusal.FreePcpus => $"{guest.Pcpus.Count + reserved} pCPUs > {cell.FreePcpus.Count} free",
        CellRefusal.FreeMemory => $"{guest.MemoryMiB} MiB > {cell.AvailMemoryMiB} MiB free",
        CellRefusal.ThreadPolicy => $"no cores for thread policy {guest.ThreadPolicy?.ToString().ToLowerInvariant() ?? "prefer"}",
        CellRefusal.CpuLimit => $"CPU usage {cell.CpuUsage}+{guest.Cpus.Count} > {cell.Cpuset.Count}×{limits!.CpuAllocationRatio}",
        _ => $"memory usage {cell.MemoryUsageMiB}+{guest.MemoryMiB} MiB > {cell.MemoryMiB}×{limits!.RamAllocationRatio}",
    };

    /// <summary>An explicit size in binary units like every other size people read (1 GiB, not 1048576KiB).</summary>
    private static string? PageText(PageSizeRequest? size) =>
        size is { IsExplicit: true } explicitSize ? ByteSize.FromKiB((ulong)explicitSize.KiB).ToString() : size?.ToString();
}
