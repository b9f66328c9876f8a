using System.Globalization;
using System.Text;
using Smog.Suite.Results;
using Smog.Topology;

namespace Smog.Suite.Reports.Html;

/// <summary>
/// Draws one guest placement over its host as inline SVG: a box per host NUMA cell holding its
/// cores (SMT siblings grouped in one frame) and pCPUs (each labelled with its id); the pCPUs this
/// guest's vCPUs are pinned to carry "v&lt;n&gt;", emulator-thread pCPUs "E", floating ones "f",
/// other guests' pins are greyed with "×"; dedicated and shared pCPUs are shaded and framed
/// differently; bars under each cell show memory and each huge page pool with the guest's share.
/// Every pCPU, cell and bar has a &lt;title&gt;, so nothing is told by colour alone.
/// </summary>
internal static class PlacementPicture
{
    private const int Cpu = 30, CpuH = 34, ThreadGap = 2, CorePad = 3, CoreGap = 6, CoresPerRow = 4;
    private const int CellPad = 8, CellHeader = 24, BarLabel = 14, BarH = 10, BarGap = 6, CellGap = 12, CellsPerRow = 2, MinCellW = 230;

    /// <summary>Another guest of the same scenario on the same host, greyed in the picture.</summary>
    public sealed record Neighbour(string Name, Placement Placement);

    public static string Render(string id, string caption, HostSnapshot host, HostTopology topology, Placement placement, IReadOnlyList<Neighbour> neighbours)
    {
        var cells = topology.Cells;
        var groupsOf = cells.ToDictionary(c => c.Id, c => c.Siblings.IsEmpty ? c.Cpus.Select(cpu => CpuSet.Of(cpu)).ToList() : [.. c.Siblings]);
        var threads = Math.Max(1, groupsOf.Values.SelectMany(g => g).Select(g => g.Count).DefaultIfEmpty(1).Max());
        var coreW = (threads * Cpu) + ((threads - 1) * ThreadGap) + (2 * CorePad);
        var coreH = CpuH + (2 * CorePad);
        var maxCores = Math.Max(1, groupsOf.Values.Select(g => g.Count).DefaultIfEmpty(1).Max());
        var perRow = Math.Min(maxCores, CoresPerRow);
        var rows = (maxCores + CoresPerRow - 1) / CoresPerRow;
        var bars = 1 + cells.Select(c => c.Pages.Count(p => p.SizeKiB > 4)).DefaultIfEmpty(0).Max();
        var cellW = Math.Max(MinCellW, (perRow * coreW) + ((perRow - 1) * CoreGap)) + (2 * CellPad);
        var cellH = CellHeader + (rows * (coreH + CoreGap)) + (bars * (BarLabel + BarH + BarGap)) + CellPad;
        var cols = Math.Max(1, Math.Min(cells.Length, CellsPerRow));
        var width = (cols * cellW) + ((cols - 1) * CellGap) + 2;
        var height = (((cells.Length + cols - 1) / cols) * (cellH + CellGap)) - CellGap + 2;

        var state = new PictureState(host, placement, neighbours);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"placement\" id=\"{id}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-labelledby=\"{id}-t\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-t\">{HtmlText.E(caption)}</title>");
        for (var i = 0; i < cells.Length; i++)
        {
            var x = 1 + ((i % cols) * (cellW + CellGap));
            var y = 1 + ((i / cols) * (cellH + CellGap));
            DrawCell(svg, cells[i], groupsOf[cells[i].Id], state, x, y, cellW, cellH, coreW, coreH);
        }
        return svg.Append("</svg>").ToString();
    }

    private static void DrawCell(StringBuilder svg, NumaCell cell, List<CpuSet> cores, PictureState state,
        int x, int y, int w, int h, int coreW, int coreH)
    {
        var guestCells = state.Placement.Cells.Where(c => c.HostCell == cell.Id).ToList();
        var label = $"host cell {cell.Id}" + (guestCells.Count > 0 ? " · guest cell " + string.Join(", ", guestCells.Select(c => c.GuestCell)) : "");
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"cell{(guestCells.Count > 0 ? " guest-cell" : "")}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{HtmlText.E(label)}: CPUs {cell.Cpus}{(cell.MemoryMiB is { } m ? ", " + HtmlText.MiB(m) : "")}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"cell-box\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"cell-label\" x=\"{x + CellPad}\" y=\"{y + 16}\">{HtmlText.E(label)}</text>");

        for (var i = 0; i < cores.Count; i++)
        {
            var cx = x + CellPad + ((i % CoresPerRow) * (coreW + CoreGap));
            var cy = y + CellHeader + ((i / CoresPerRow) * (coreH + CoreGap));
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"core\"><title>core of CPUs {cores[i]}</title><rect class=\"core-box\" x=\"{cx}\" y=\"{cy}\" width=\"{coreW}\" height=\"{coreH}\" rx=\"4\"/>");
            var t = 0;
            foreach (var cpu in cores[i]) DrawCpu(svg, cpu, cell.Id, state, cx + CorePad + (t++ * (Cpu + ThreadGap)), cy + CorePad);
            svg.Append("</g>");
        }

        var rowsUsed = (cores.Count + CoresPerRow - 1) / CoresPerRow;
        var by = y + CellHeader + (Math.Max(rowsUsed, 1) * (coreH + CoreGap));
        var barW = w - (2 * CellPad);
        var smallPages = guestCells.Where(c => c.PageSizeKiB is null or 4).Sum(c => c.MemoryMiB);
        if (cell.MemoryMiB is { } total && total > 0)
        {
            var usedBefore = cell.FreeMemoryMiB is { } free ? Math.Max(0, total - free) : 0;
            var text = $"4K memory: guest {HtmlText.MiB(smallPages)} / {HtmlText.MiB(total)}" + (cell.FreeMemoryMiB is { } f ? $" ({HtmlText.MiB(f)} free)" : "");
            DrawBar(svg, x + CellPad, by, barW, text, total, usedBefore, smallPages);
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"bar-label\" x=\"{x + CellPad}\" y=\"{by + 11}\">memory: unknown</text>");
        }
        foreach (var pool in cell.Pages.Where(p => p.SizeKiB > 4))
        {
            by += BarLabel + BarH + BarGap;
            var guestPages = guestCells.Where(c => c.PageSizeKiB == pool.SizeKiB).Sum(c => c.MemoryMiB * 1024 / pool.SizeKiB);
            var usedBefore = pool.Free is { } free ? Math.Max(0, pool.Total - free) : 0;
            var text = $"{HtmlText.PageSize(pool.SizeKiB)} pages: guest {guestPages} / {pool.Total}" + (pool.Free is { } f ? $" ({f} free)" : "");
            DrawBar(svg, x + CellPad, by, barW, text, pool.Total, usedBefore, guestPages);
        }
        svg.Append("</g>");
    }

    private static void DrawBar(StringBuilder svg, int x, int y, int w, string text, long total, long usedBefore, long guest)
    {
        double Scale(long v) => total <= 0 ? 0 : Math.Round(Math.Clamp((double)v / total, 0, 1) * w, 1);
        var usedW = Scale(usedBefore);
        var guestW = Math.Min(Scale(guest), w - usedW);
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"bar\"><title>{HtmlText.E(text)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"bar-label\" x=\"{x}\" y=\"{y + 11}\">{HtmlText.E(text)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-total\" x=\"{x}\" y=\"{y + BarLabel}\" width=\"{w}\" height=\"{BarH}\"/>");
        if (usedW > 0) svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-used\" x=\"{x}\" y=\"{y + BarLabel}\" width=\"{usedW}\" height=\"{BarH}\"/>");
        if (guestW > 0) svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-guest\" x=\"{x + usedW}\" y=\"{y + BarLabel}\" width=\"{guestW}\" height=\"{BarH}\"/>");
        svg.Append("</g>");
    }

    private static void DrawCpu(StringBuilder svg, int cpu, int cell, PictureState state, int x, int y)
    {
        var pool = state.Pool(cpu);
        var vcpus = state.VcpusOn(cpu);
        var emulator = state.Placement.EmulatorCpus.Contains(cpu);
        var floating = vcpus.Count == 0 && state.Placement.FloatingCpus.Contains(cpu);
        var other = state.NeighboursOn(cpu);
        var role = vcpus.Count > 0 ? "vcpu" : floating ? "floating" : emulator ? "emulator" : other.Count > 0 ? "other" : "idle";
        var mark = vcpus.Count > 0 ? "v" + string.Join(",", vcpus) : floating ? "f" : emulator ? "E" : other.Count > 0 ? "×" : "";

        var title = new StringBuilder($"pCPU {cpu} (cell {cell}, {pool.Word})");
        if (vcpus.Count > 0) title.Append($"; this guest's vCPU {string.Join(", ", vcpus)}");
        if (emulator) title.Append("; this guest's emulator threads");
        if (floating) title.Append("; this guest's floating vCPUs may run here");
        foreach (var name in other) title.Append($"; pinned by {name}");

        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"cpu {role} {pool.Css}\"><title>{HtmlText.E(title.ToString())}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{Cpu}\" height=\"{CpuH}\" rx=\"3\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"pcpu\" x=\"{x + (Cpu / 2)}\" y=\"{y + 12}\">{cpu}</text>");
        if (mark.Length > 0)
        {
            var size = mark.Length > 4 ? " small" : "";
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"mark{size}\" x=\"{x + (Cpu / 2)}\" y=\"{y + 28}\">{HtmlText.E(mark)}</text>");
        }
        if (emulator && (vcpus.Count > 0 || floating))
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"emu-corner\" x=\"{x + Cpu - 2}\" y=\"{y + 10}\">E</text>");
        svg.Append("</g>");
    }

    private sealed class PictureState(HostSnapshot host, Placement placement, IReadOnlyList<Neighbour> neighbours)
    {
        private readonly ILookup<int, int> _vcpus = placement.Cells.SelectMany(c => c.Pins).ToLookup(p => p.Value, p => p.Key);
        private readonly ILookup<int, string> _others = neighbours
            .SelectMany(n => n.Placement.Cells.SelectMany(c => c.Pins.Values).Distinct().Select(p => (Cpu: p, n.Name)))
            .ToLookup(p => p.Cpu, p => p.Name);

        public Placement Placement { get; } = placement;

        public List<int> VcpusOn(int cpu) => [.. _vcpus[cpu].Order()];

        public List<string> NeighboursOn(int cpu) => [.. _others[cpu]];

        public (string Word, string Css) Pool(int cpu) =>
            host.DedicatedSet?.Contains(cpu) == true ? ("dedicated", "ded")
            : host.SharedSet?.Contains(cpu) == true ? ("shared", "shr")
            : host.DedicatedSet is null && host.SharedSet is null ? ("pool unknown", "unk")
            : ("reserved for the host", "rsv");
    }
}
