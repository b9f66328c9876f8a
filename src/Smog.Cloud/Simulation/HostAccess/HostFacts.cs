using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Cloud.Simulation.HostAccess;

/// <summary>A simulated host at one moment: its hardware and the memory and huge pages its guests hold.</summary>
/// <param name="FreePages">(cell, page size KiB) → free pages; absent means all free.</param>
/// <param name="SmallPageUseKiB">cell → KiB its guests hold in 4 KiB pages; absent means none.</param>
internal sealed record HostFacts(string Name, HostTopology Topology,
    ImmutableDictionary<(int Cell, long SizeKiB), long> FreePages, ImmutableDictionary<int, long> SmallPageUseKiB)
{
    public long FreeOf(NumaCell cell, PagePool pool) => FreePages.TryGetValue((cell.Id, pool.SizeKiB), out var f) ? f : pool.Total;

    public long MemoryKiBOf(NumaCell cell) => (cell.MemoryMiB ?? 0) * 1024;

    /// <summary>
    /// MemFree as Linux counts it: a reserved huge page pool is not free whether guests use its pages
    /// or not, and guests on huge pages take them from the pool, not from free memory.
    /// </summary>
    public long FreeMemoryKiBOf(NumaCell cell) =>
        Math.Max(0, MemoryKiBOf(cell) - HugePoolsKiBOf(cell) - SmallPageUseKiB.GetValueOrDefault(cell.Id));

    public long SmallPagesOf(NumaCell cell) => cell.PagesOfSize(4)?.Total ?? (MemoryKiBOf(cell) - HugePoolsKiBOf(cell)) / 4;

    /// <summary>KiB the cell's huge page pools reserve, used or not.</summary>
    private static long HugePoolsKiBOf(NumaCell cell) => cell.Pages.Where(p => p.SizeKiB != 4).Sum(p => p.SizeKiB * p.Total);
}

/// <summary><c>numactl -H</c> as numactl 2.0 prints it.</summary>
internal static class NumactlWriter
{
    public static string Write(HostFacts facts)
    {
        var t = facts.Topology;
        var b = new StringBuilder();
        var ids = t.Cells.Select(c => c.Id).ToList();
        b.Append(CultureInfo.InvariantCulture, $"available: {ids.Count} nodes ({CpuSet.Of(ids)})\n");
        foreach (var cell in t.Cells)
        {
            b.Append(CultureInfo.InvariantCulture, $"node {cell.Id} cpus: {string.Join(' ', cell.Cpus)}\n");
            b.Append(CultureInfo.InvariantCulture, $"node {cell.Id} size: {cell.MemoryMiB ?? 0} MB\n");
            b.Append(CultureInfo.InvariantCulture, $"node {cell.Id} free: {facts.FreeMemoryKiBOf(cell) / 1024} MB\n");
        }
        b.Append("node distances:\n");
        // numactl prints the header as "% 3d " per node and each row as "% 3d: " then "% 3d " per distance.
        b.Append("node ").Append(string.Concat(ids.Select(i => i.ToString(CultureInfo.InvariantCulture).PadLeft(3) + " "))).Append('\n');
        foreach (var cell in t.Cells)
        {
            b.Append(cell.Id.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(':');
            foreach (var other in ids) b.Append(cell.Distances.GetValueOrDefault(other, other == cell.Id ? 10 : 20).ToString(CultureInfo.InvariantCulture).PadLeft(4));
            b.Append(" \n");
        }
        return b.ToString();
    }
}

/// <summary><c>virsh capabilities</c>: the host part libvirt's NUMA discovery reads (cells, memory, page pools,
/// distances, CPUs with socket/die/core and siblings).</summary>
internal static class CapabilitiesWriter
{
    public static string Write(HostFacts facts, string uuid)
    {
        var t = facts.Topology;
        var sizes = t.Cells.SelectMany(c => c.Pages.Select(p => p.SizeKiB)).Append(4).Distinct().Order().ToList();
        var perSocket = t.Cpus.GroupBy(c => c.Socket).FirstOrDefault();
        var cores = perSocket?.Select(c => c.Core).Distinct().Count() ?? 1;
        var cpu = new XElement("cpu",
            new XElement("arch", "x86_64"), new XElement("model", "Skylake-Server-IBRS"), new XElement("vendor", "Intel"),
            new XElement("topology", new XAttribute("sockets", "1"), new XAttribute("dies", "1"),
                new XAttribute("cores", cores), new XAttribute("threads", Math.Max(1, t.ThreadsPerCore))),
            sizes.Select(s => new XElement("pages", new XAttribute("unit", "KiB"), new XAttribute("size", s))));
        var cells = new XElement("cells", new XAttribute("num", t.Cells.Length),
            t.Cells.Select(cell => new XElement("cell", new XAttribute("id", cell.Id),
                new XElement("memory", new XAttribute("unit", "KiB"), (cell.MemoryMiB ?? 0) * 1024),
                new XElement("pages", new XAttribute("unit", "KiB"), new XAttribute("size", 4), facts.SmallPagesOf(cell)),
                sizes.Where(s => s != 4).Select(s => new XElement("pages", new XAttribute("unit", "KiB"), new XAttribute("size", s),
                    cell.PagesOfSize(s)?.Total ?? 0)),
                new XElement("distances", cell.Distances.Select(d => new XElement("sibling", new XAttribute("id", d.Key), new XAttribute("value", d.Value)))),
                new XElement("cpus", new XAttribute("num", cell.Cpus.Count),
                    t.Cpus.Where(c => c.Cell == cell.Id).Select(c => new XElement("cpu",
                        new XAttribute("id", c.Id), new XAttribute("socket_id", c.Socket), new XAttribute("die_id", c.Die),
                        new XAttribute("core_id", CoreIndex(t, c)), new XAttribute("siblings", t.SiblingsOf(c.Id).ToString())))))));
        var root = new XElement("capabilities",
            new XElement("host", new XElement("uuid", uuid), cpu, new XElement("topology", cells)),
            new XElement("guest", new XElement("os_type", "hvm"),
                new XElement("arch", new XAttribute("name", "x86_64"), new XElement("wordsize", 64), new XElement("emulator", "/usr/bin/qemu-system-x86_64"),
                    new XElement("domain", new XAttribute("type", "qemu")), new XElement("domain", new XAttribute("type", "kvm")))));
        return root.ToString() + "\n";
    }

    /// <summary>The core's index within its socket, as the kernel's core_id numbers it.</summary>
    public static int CoreIndex(HostTopology t, CpuInfo cpu) =>
        t.Cpus.Where(c => c.Socket == cpu.Socket).Select(c => c.Core).Distinct().Order().ToList().IndexOf(cpu.Core);
}

/// <summary><c>lstopo-no-graphics --of xml</c>: an hwloc 2 XML tree (Machine → Package → NUMANode + Cores → PUs,
/// PCI devices under a host bridge of their node) with the NUMA latency matrix.</summary>
internal static class HwlocWriter
{
    public static string Write(HostFacts facts)
    {
        var t = facts.Topology;
        var gp = 1;
        XElement Obj(string type, int? os, CpuSet? cpus, CpuSet? nodes, params object?[] content) =>
            new("object", new XAttribute("type", type), os is { } o ? new XAttribute("os_index", o) : null,
                cpus is null ? null : new XAttribute("cpuset", HwlocBitmap.Format(cpus)), cpus is null ? null : new XAttribute("complete_cpuset", HwlocBitmap.Format(cpus)),
                nodes is null ? null : new XAttribute("nodeset", HwlocBitmap.Format(nodes)), nodes is null ? null : new XAttribute("complete_nodeset", HwlocBitmap.Format(nodes)),
                new XAttribute("gp_index", gp++), content);

        var allNodes = CpuSet.Of(t.Cells.Select(c => c.Id));
        var machine = Obj("Machine", 0, t.AllCpus, allNodes,
            new XElement("info", new XAttribute("name", "HostName"), new XAttribute("value", facts.Name)),
            new XElement("info", new XAttribute("name", "Backend"), new XAttribute("value", "Linux")));
        foreach (var socket in t.Cpus.Select(c => c.Socket).Distinct().Order())
        {
            var socketCells = t.Cells.Where(cell => t.Cpus.Any(c => c.Cell == cell.Id && c.Socket == socket)).ToList();
            var package = Obj("Package", socket, CpuSet.Of(t.Cpus.Where(c => c.Socket == socket).Select(c => c.Id)), CpuSet.Of(socketCells.Select(c => c.Id)));
            foreach (var cell in socketCells)
            {
                var nodeSet = CpuSet.Of(cell.Id);
                var group = socketCells.Count > 1 ? Obj("Group", null, cell.Cpus, nodeSet) : package;
                group.Add(Obj("NUMANode", cell.Id, cell.Cpus, nodeSet,
                    new XAttribute("local_memory", (cell.MemoryMiB ?? 0) * 1024 * 1024),
                    new XElement("page_type", new XAttribute("size", 4096), new XAttribute("count", facts.SmallPagesOf(cell))),
 cell.Pages.Where(p => p.SizeKiB != 4).Select(p => new XElement("page_type", new XAttribute("size", p.SizeKiB * 1024), new XAttribute("count", p.Total)))));
                foreach (var core in t.Cpus.Where(c => c.Cell == cell.Id).GroupBy(c => c.Core).OrderBy(g => g.Key))
                {
                    var threads = CpuSet.Of(core.Select(c => c.Id));
                    group.Add(Obj("Core", CapabilitiesWriter.CoreIndex(t, core.First()), threads, nodeSet,
                        threads.Select(id => Obj("PU", id, CpuSet.Of(id), nodeSet))));
                }
                if (group != package) package.Add(group);
            }
            machine.Add(package);
        }
        foreach (var node in t.PciDevices.GroupBy(d => d.NumaNode).OrderBy(g => g.Key ?? -1))
        {
            var bridge = Obj("Bridge", null, null, null, new XAttribute("bridge_type", "0-1"), new XAttribute("depth", 0),
                node.Select(d => Obj("PCIDev", null, null, null,
                    new XAttribute("pci_busid", d.Address),
                    new XAttribute("pci_type", $"{d.ClassCode ?? "0200"} [{d.VendorId ?? "ffff"}:{d.ProductId ?? "ffff"}] [0000:0000] 01"))));
            // hwloc hangs I/O objects off the NUMA node's parent; the nodeset there says which node is local.
            if (node.Key is { } n) bridge = new XElement(bridge.Name, bridge.Attributes(), new XAttribute("nodeset", HwlocBitmap.Format(CpuSet.Of(n))), bridge.Elements());
            machine.Add(bridge);
        }
        var ids = t.Cells.Select(c => c.Id).ToList();
        var distances = new XElement("distances2", new XAttribute("type", "NUMANode"), new XAttribute("nbobjs", ids.Count),
            new XAttribute("kind", 5), new XAttribute("indexing", "os"),
            new XElement("indexes", new XAttribute("length", ids.Count), string.Join(' ', ids)),
            new XElement("u64values", new XAttribute("length", ids.Count * ids.Count),
                string.Join(' ', t.Cells.SelectMany(c => ids.Select(o => c.Distances.GetValueOrDefault(o, o == c.Id ? 10 : 20))))));
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XDocumentType("topology", null, "hwloc2.dtd", null),
            new XElement("topology", new XAttribute("version", "2.0"), machine, distances));
        return doc.Declaration + "\n" + doc.ToString() + "\n";
    }
}
