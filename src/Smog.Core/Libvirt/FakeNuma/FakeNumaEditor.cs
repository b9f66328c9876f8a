using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Syntax;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.FakeNuma;

/// <summary>
/// Gives an L1 hypervisor guest a fake NUMA layout: rewrites &lt;cpu&gt; (mode, topology, cells,
/// distances) and keeps &lt;vcpu&gt;, &lt;memory&gt;/&lt;currentMemory&gt; consistent with it; every
/// other element is kept as it was. Applying the same request to the result changes nothing.
/// </summary>
public static class FakeNumaEditor
{
    private const string Field = "fake-numa";

    public static Parsed<Domain> Apply(Domain l1, FakeNumaRequest request, string source = Field)
    {
        // 1. Resolve the cells: explicit layout, or an even split of the domain's (or requested) vCPUs and memory.
        var cells = ResolveCells(l1, request, source);
        if (!cells.Success) return Parsed<Domain>.Fail(cells.Errors);
        var layout = cells.Value;
        var vcpus = layout.Sum(c => c.Cpus.Count);
        var memory = new ByteSize((ulong)layout.Sum(c => (decimal)c.Memory.Bytes));

        // 2. Check the layout: vCPUs 0..n-1 each in one cell, whole cores per cell, a square distance matrix.
        if (Validate(layout, request) is { } error) return Parsed<Domain>.Fail(new ParseError(source, null, error.Expected, error.Found));

        // 3. Rewrite <cpu>, then the counts that must agree with it.
        var cpu = RewriteCpu(l1.Cpu ?? new DomainCpu(), layout, request, vcpus);
        return Parsed<Domain>.Ok(l1 with
        {
            Cpu = cpu,
            Vcpu = (l1.Vcpu ?? new DomainVcpu("1")) with { Value = Num(vcpus), Current = null },
            Memory = new DomainMemory(Num((long)memory.KiB), "KiB") { Rest = l1.Memory?.Rest ?? XmlRest.Empty },
            CurrentMemory = l1.CurrentMemory is null ? null : new DomainMemory(Num((long)memory.KiB), "KiB") { Rest = l1.CurrentMemory.Rest },
            CpuTune = l1.CpuTune is null ? null : l1.CpuTune with { VcpuPins = [.. l1.CpuTune.VcpuPins.Where(p => p.Vcpu < vcpus)] },
            NumaTune = l1.NumaTune is null ? null : l1.NumaTune with { MemNodes = [.. l1.NumaTune.MemNodes.Where(m => m.CellId < layout.Length)] },
            MemoryBacking = l1.MemoryBacking is null ? null : KeepPagesOfExistingCells(l1.MemoryBacking, layout.Length),
        });
    }

    // A <page nodeset> may only name guest cells that exist; pages for removed cells go, the rest stay.
    private static DomainMemoryBacking KeepPagesOfExistingCells(DomainMemoryBacking backing, int cells)
    {
        if (backing.Hugepages is not { } hugepages) return backing;
        var existing = CpuSet.Range(0, cells - 1);
        var pages = hugepages.Pages
            .Select(p => p.Nodeset is null || !CpuSet.TryParse(p.Nodeset, out var set, out _) ? p
                : (set & existing) is { IsEmpty: false } kept ? p with { Nodeset = kept.ToString() } : null)
            .OfType<DomainMemoryHugepage>().ToImmutableArray();
        // An empty <hugepages/> would mean "every cell on default huge pages": drop it instead.
        return backing with { Hugepages = pages.IsEmpty && !hugepages.Pages.IsEmpty ? null : hugepages with { Pages = pages } };
    }

    private static Parsed<ImmutableArray<FakeNumaCell>> ResolveCells(Domain l1, FakeNumaRequest r, string source)
    {
        if (!r.Layout.IsEmpty) return Parsed<ImmutableArray<FakeNumaCell>>.Ok(r.Layout);
        if (r.Cells < 1) return Fail(source, "a cell count of at least 1 (--cells) or a --layout", $"{r.Cells}");
        var facts = DomainFactsReader.From(l1);
        if (!facts.Success) return Parsed<ImmutableArray<FakeNumaCell>>.Fail(facts.Errors);
        var perCellCpus = r.CpusPerCell ?? Divide(facts.Value.Vcpu.Count, r.Cells);
        if (perCellCpus is not > 0)
            return Fail(source, $"a vCPU count divisible by {r.Cells} cells (or --cpus-per-cell)", $"{facts.Value.Vcpu.Count} vCPUs");
        ByteSize perCellMemory;
        if (r.MemoryPerCell is { } m) perCellMemory = m;
        else if (facts.Value.Memory is { } total && total.KiB % (ulong)r.Cells == 0 && total.KiB > 0)
            perCellMemory = ByteSize.FromKiB(total.KiB / (ulong)r.Cells);
        else return Fail(source, $"memory divisible by {r.Cells} cells in KiB (or --memory)", $"{facts.Value.Memory}");
        return Parsed<ImmutableArray<FakeNumaCell>>.Ok([.. Enumerable.Range(0, r.Cells).Select(i =>
            new FakeNumaCell(CpuSet.Range(i * perCellCpus.Value, (i + 1) * perCellCpus.Value - 1), perCellMemory))]);
    }

    private static (string Expected, string Found)? Validate(ImmutableArray<FakeNumaCell> cells, FakeNumaRequest r)
    {
        var all = cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.Cpus);
        var total = cells.Sum(c => c.Cpus.Count);
        if (all.Count != total) return ("each vCPU in one cell", "a vCPU listed in two cells");
        if (all != CpuSet.Range(0, total - 1)) return ($"cells covering vCPUs 0-{total - 1}", all.ToString());
        if (r.ThreadsPerCore < 1) return ("threads per core ≥ 1", $"{r.ThreadsPerCore}");
        if (cells.Any(c => c.Cpus.Count % r.ThreadsPerCore != 0))
            return ($"every cell's vCPU count a multiple of {r.ThreadsPerCore} threads", string.Join(",", cells.Select(c => c.Cpus.Count)));
        if (cells.Any(c => c.Memory.KiB == 0 || c.Memory.Bytes % ByteSize.KiBytes != 0)) return ("cell memory in whole KiB", "");
        if (!r.Distances.IsEmpty)
        {
            if (r.Distances.Length != cells.Length || r.Distances.Any(row => row.Length != cells.Length))
                return ($"a {cells.Length}×{cells.Length} distance matrix", $"{r.Distances.Length} rows");
            for (var i = 0; i < cells.Length; i++)
                for (var j = 0; j < cells.Length; j++)
                {
                    var d = r.Distances[i][j];
                    // libvirt: local distance 10, remote 11..255 (ACPI SLIT)
                    if (i == j ? d != 10 : d is < 11 or > 255)
                        return (i == j ? $"distance 10 from cell {i} to itself" : "remote distances between 11 and 255", $"{d}");
                }
        }
        if (r.Mode is not (null or "host-passthrough" or "host-model" or "custom"))
            return ("mode host-passthrough, host-model or custom", r.Mode);
        if (r.Mode == "custom" && r.CustomModel is null) return ("a capabilities document for mode custom", "none");
        return null;
    }

    private static DomainCpu RewriteCpu(DomainCpu cpu, ImmutableArray<FakeNumaCell> cells, FakeNumaRequest r, int vcpus)
    {
        // Equal cells become one socket each; otherwise one socket holds every core.
        var sockets = cells.All(c => c.Cpus.Count == cells[0].Cpus.Count) ? cells.Length : 1;
        var topology = (cpu.Topology ?? new DomainCpuTopology()) with
        {
            Sockets = Num(sockets),
            Dies = "1",
            Cores = Num(vcpus / sockets / r.ThreadsPerCore),
            Threads = Num(r.ThreadsPerCore),
        };
        var numaRest = cpu.Numa?.Rest ?? XmlRest.Empty;
        var numa = new DomainCpuNuma([.. cells.Select((c, i) => Cell(cpu, c, i, r))]) { Rest = numaRest };
        var edited = cpu with { Topology = topology, Numa = numa };
        return r.Mode is null || (r.Mode == cpu.Mode && r.Mode != "custom") ? edited : ChangeMode(edited, r);
    }

    private static DomainCpuNumaCell Cell(DomainCpu cpu, FakeNumaCell c, int i, FakeNumaRequest r)
    {
        var old = cpu.Numa?.Cells.ElementAtOrDefault(i);
        var distances = r.Distances.IsEmpty ? old?.Distances
            : new DomainCpuNumaCellDistances([.. r.Distances[i].Select((d, j) => new DomainCpuNumaCellSibling(j, Num(d)))]);
        return new DomainCpuNumaCell(i, c.Cpus.ToString(), Num((long)c.Memory.KiB))
        {
            Unit = "KiB",
            MemAccess = old?.MemAccess,
            Discard = old?.Discard,
            Distances = distances,
            Rest = old?.Rest ?? XmlRest.Empty,
        };
    }

    /// <summary>
    /// A new mode starts from a clean &lt;cpu&gt;: the old model, vendor, features and check belong to
    /// the old mode. Custom copies the host's model, vendor and features from virsh capabilities.
    /// </summary>
    private static DomainCpu ChangeMode(DomainCpu cpu, FakeNumaRequest r)
    {
        var keptAttributes = cpu.Rest.Attributes.Where(a => a.Name != "migratable" || r.Mode == "host-passthrough");
        var keptElements = cpu.Rest.Elements.Where(e => e.Name != "vendor");
        var custom = r.Mode == "custom" ? r.CustomModel : null;
        return cpu with
        {
            Mode = r.Mode,
            Match = custom is null ? null : "exact",
            Check = null,
            Model = custom is null ? null : new DomainCpuModel(custom.Model) { Fallback = "allow" },
            Features = custom is null ? [] : [.. custom.Features.Select(f => new DomainCpuFeature("require", f))],
            Rest = cpu.Rest with
            {
                Attributes = [.. keptAttributes],
                Elements = custom?.Vendor is { } vendor ? [new XElement("vendor", vendor), .. keptElements] : [.. keptElements],
            },
        };
    }

    private static int? Divide(int total, int parts) => total % parts == 0 ? total / parts : null;

    private static Parsed<ImmutableArray<FakeNumaCell>> Fail(string source, string expected, string found) =>
        Parsed<ImmutableArray<FakeNumaCell>>.Fail(new ParseError(source, null, expected, found));

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
