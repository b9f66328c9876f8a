using Smog.Units;
using Smog.Nova;
using Smog.Cli.Rendering;
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
            var guests = new FittedTable(new Column("guest cell"), new Column("host cell"), new Column("vCPUs"), new Column("memory"),
                new Column("page size"), new Column("emulator threads"));
            foreach (var c in fitted.Cells)
                guests.AddRow($"{c.Id}", $"{c.HostCell}", Describe(c), ByteSize.FromMiB((ulong)c.MemoryMiB).ToHuman(),
                    c.PageSizeKiB is { } ps ? ByteSize.FromKiB((ulong)ps).ToHuman() : "-", c.CpusetReserved.IsEmpty ? "-" : $"pCPU {c.CpusetReserved}");
            guests.Write(console);
        }
        if (!r.WhyNot.IsEmpty) WhyNot(r).Write(console);
        HostCells(r).Write(console);
    }

    /// <summary>
    /// Host cells down, guest cells across (hosts have more cells than guests): ✓ or the first
    /// check that fails, each pair alone.
    /// </summary>
    private static FittedTable WhyNot(PlanResult r)
    {
        var guestIds = r.WhyNot.Select(c => c.GuestCell).Distinct().Order().ToList();
        // Guest cells that do not fit across move to the details list, the rightmost first.
        var table = new FittedTable([new Column("host cell"), .. guestIds.Select(id => new Column($"guest cell {id}") { WhenNarrow = WhenNarrow.MoveToDetails, MinWidth = 16 })])
        {
            Title = "why not: each guest cell alone on each host cell",
        };
        foreach (var host in r.Node.Host.Cells)
            table.AddRow([$"{host.Id}", .. guestIds.Select(g => r.WhyNot.First(c => c.GuestCell == g && c.HostCell == host.Id) is var check && check.Fits
                ? CellText.Of("✓", "green") : CellText.Of(check.Reason ?? "no"))]);
        if (r.WhyNot.Any(c => c.Fits)) table.Legend("✓: fits when alone");
        return table;
    }

    private static FittedTable HostCells(PlanResult r)
    {
        var vcpuOf = (r.Fitted?.Cells ?? []).SelectMany(c => c.CpuPinning).ToDictionary(p => p.Value, p => p.Key);
        var reserved = r.Fitted?.ReservedHostCpus ?? Smog.Topology.CpuSet.Empty;
        var usedCells = (r.Fitted?.Cells ?? []).Select(c => c.HostCell).ToHashSet();
        var table = new FittedTable(new Column("host cell"), new Column("memory"), new Column("pCPUs by core, in the order Nova tries them"));
        var marks = new HashSet<string>();
        foreach (var cell in r.Node.Host.Cells)
        {
            var cores = cell.Siblings.Select(core => Word.Concat([Word.Of("("), .. Interleave(core.Select(cpu => Cpu(cpu, vcpuOf, reserved, cell.PinnedCpus, marks))), Word.Of(")")]));
            table.AddRow(CellText.Of($"{cell.Id}", usedCells.Contains(cell.Id) ? "bold" : null), ByteSize.FromMiB((ulong)cell.MemoryMiB).ToHuman(), CellText.Words(cores));
        }
        table.Legend("(…): one core, its SMT sibling threads together");
        foreach (var (mark, meaning) in Legend.Where(l => marks.Contains(l.Mark))) table.Legend(meaning);
        return table;
    }

    private static readonly (string Mark, string Meaning)[] Legend =
    [
        ("vcpu", "N←vM: pCPU N runs the guest's vCPU M"),
        ("emu", "N←emu: pCPU N runs the guest's emulator threads"),
        ("pinned", "N×: pCPU N is already pinned by another guest"),
    ];

    private static IEnumerable<Word> Interleave(IEnumerable<Word> cpus) => cpus.SelectMany((w, i) => i == 0 ? [w] : new[] { Word.Of(" "), w });

    private static Word Cpu(int cpu, Dictionary<int, int> vcpuOf, Smog.Topology.CpuSet reserved, Smog.Topology.CpuSet pinned, HashSet<string> marks) =>
        vcpuOf.TryGetValue(cpu, out var v) ? Marked(marks, "vcpu", Word.Of($"{cpu}←v{v}", "green"))
        : reserved.Contains(cpu) ? Marked(marks, "emu", Word.Of($"{cpu}←emu", "yellow"))
        : pinned.Contains(cpu) ? Marked(marks, "pinned", Word.Of($"{cpu}×", "grey"))
        : Word.Of($"{cpu}");

    private static Word Marked(HashSet<string> marks, string mark, Word word)
    {
        marks.Add(mark);
        return word;
    }

    /// <summary>Each part whole: "pinned 0-3" never folds apart.</summary>
    private static CellText Describe(FittedCell c) => CellText.Words(
        new[] { c.Pcpus.IsEmpty ? null : $"pinned {c.Pcpus}" + (c.Cpus.IsEmpty ? "" : ";"), c.Cpus.IsEmpty ? null : $"floating {c.Cpus}" }
            .OfType<string>().Select(t => Word.Of(t)));

    private static string YesNo(bool b) => b ? "[green]yes[/]" : "[red]no[/]";
}
