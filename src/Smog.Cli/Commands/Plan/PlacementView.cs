using Smog.Nova;
using Smog.Nova.Scheduling;
using Spectre.Console;

namespace Smog.Cli.Commands.Plan;

/// <summary>
/// The human view of a plan: verdicts first, then each host cell with its cores in Nova's
/// effective order, marking which vCPU got which pCPU.
/// </summary>
internal static class PlacementView
{
    public static void Render(IAnsiConsole console, PlanResult r, double elapsedUs)
    {
        if (r.Name is not null) console.MarkupLine($"[bold]{Markup.Escape(r.Name)}[/]");
        if (r.Resolution.ConstraintsError is { } error)
        {
            console.MarkupLine($"[red]refused by the API[/]: {Markup.Escape(error.ToString())}");
            return;
        }
        console.MarkupLine(r.Resolution.Topology is null
            ? "no NUMA topology requested: any host passes, nothing is pinned"
            : $"fits: {YesNo(r.Fits)}   NUMATopologyFilter: {YesNo(r.FilterPasses)}   ({elapsedUs:0.#} µs)");
        console.MarkupLine(r.Resolution.CpuTopology.Chosen is { } t
            ? $"guest CPU topology: {t.Sockets} socket(s) × {t.Cores} core(s) × {t.Threads} thread(s)"
            : $"guest CPU topology: [red]{Markup.Escape(r.Resolution.CpuTopology.Error?.ToString() ?? "unknown")}[/]");
        if (r.Fitted is { } fitted)
        {
            var guests = new Table().Border(TableBorder.Rounded).AddColumns("guest cell", "host cell", "vCPUs", "memory", "page size", "emulator");
            foreach (var c in fitted.Cells)
                guests.AddRow($"{c.Id}", $"{c.HostCell}", Markup.Escape(Describe(c)), $"{c.MemoryMiB} MiB",
                    c.PageSizeKiB is { } ps ? $"{ps} KiB" : "-", c.CpusetReserved.IsEmpty ? "-" : $"pCPU {c.CpusetReserved}");
            console.Write(guests);
        }
        if (!r.WhyNot.IsEmpty) console.Write(WhyNot(r));
        console.Write(HostCells(r));
    }

    /// <summary>Guest cells down, host cells across: ✓ or the first check that fails, each pair alone.</summary>
    private static Table WhyNot(PlanResult r)
    {
        var hostIds = r.Node.Host.Cells.Select(c => c.Id).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("why not: each guest cell alone on each host cell")
            .AddColumn("guest cell");
        foreach (var id in hostIds) table.AddColumn($"host cell {id}");
        foreach (var guest in r.WhyNot.GroupBy(c => c.GuestCell))
            table.AddRow([$"{guest.Key}", .. hostIds.Select(h => guest.First(c => c.HostCell == h) is { Fits: true } ? "[green]✓[/]" : Markup.Escape(guest.First(c => c.HostCell == h).Reason ?? "no"))]);
        return table;
    }

    private static Table HostCells(PlanResult r)
    {
        var vcpuOf = (r.Fitted?.Cells ?? []).SelectMany(c => c.CpuPinning).ToDictionary(p => p.Value, p => p.Key);
        var reserved = r.Fitted?.ReservedHostCpus ?? Smog.Topology.CpuSet.Empty;
        var usedCells = (r.Fitted?.Cells ?? []).Select(c => c.HostCell).ToHashSet();
        var table = new Table().Border(TableBorder.Rounded).AddColumns("host cell", "memory", "cores in Nova's order (pCPU[[←vCPU]])");
        foreach (var cell in r.Node.Host.Cells)
        {
            var cores = cell.Siblings.Select(core => "(" + string.Join(" ", core.Select(cpu => Cpu(cpu, vcpuOf, reserved, cell.PinnedCpus))) + ")");
            var name = usedCells.Contains(cell.Id) ? $"[bold]{cell.Id}[/]" : $"{cell.Id}";
            table.AddRow(new Markup(name), new Text($"{cell.MemoryMiB} MiB"), new Markup(string.Join(" ", cores)));
        }
        return table;
    }

    private static string Cpu(int cpu, Dictionary<int, int> vcpuOf, Smog.Topology.CpuSet reserved, Smog.Topology.CpuSet pinned) =>
        vcpuOf.TryGetValue(cpu, out var v) ? $"[green]{cpu}←v{v}[/]"
        : reserved.Contains(cpu) ? $"[yellow]{cpu}←emu[/]"
        : pinned.Contains(cpu) ? $"[grey]{cpu}×[/]"
        : $"{cpu}";

    private static string Describe(FittedCell c) =>
        (c.Pcpus.IsEmpty ? "" : $"pinned {c.Pcpus}") + (c.Pcpus.IsEmpty || c.Cpus.IsEmpty ? "" : "; ")
        + (c.Cpus.IsEmpty ? "" : $"floating {c.Cpus}");

    private static string YesNo(bool b) => b ? "[green]yes[/]" : "[red]no[/]";
}
