using System.Collections.Immutable;
using System.Xml.Linq;
using Smog.Units;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads the host NUMA topology of <c>virsh capabilities</c>
/// (<c>/capabilities/host/topology/cells</c>): per cell its memory, page pools, distances and
/// CPUs with <c>socket_id</c>, <c>die_id</c>, <c>core_id</c> and <c>siblings</c>. This is what
/// Nova's libvirt driver reads to build its host NUMA topology.
/// </summary>
/// <remarks>
/// SMT groups come from the <c>siblings</c> attribute (Nova uses it the same way); a CPU without
/// it is a core of its own. <c>core_id</c> is per package, so it is not used as a key. A host
/// without <c>&lt;topology&gt;</c> or with <c>cells num='0'</c> gives a topology without cells.
/// </remarks>
public static class CapabilitiesParser
{
    public const string DefaultSource = "virsh capabilities";

    public static Parsed<HostTopology> Parse(string text, string source = DefaultSource)
    {
        var doc = SafeXml.Load(text, source, out var xmlError);
        if (doc?.Root is not { } root) return Parsed<HostTopology>.Fail(xmlError!);
        if (root.Name.LocalName != "capabilities")
            return Fail(source, root, "a <capabilities> root element", $"<{root.Name.LocalName}>");
        if (root.Element("host") is not { } host) return Fail(source, root, "a <host> element", null);

        var cells = new List<RawCell>();
        var cpus = new List<RawCpu>();
        foreach (var cell in host.Element("topology")?.Element("cells")?.Elements("cell") ?? [])
        {
            if (ReadCell(cell, source, cpus, out var raw) is { } error) return Parsed<HostTopology>.Fail(error);
            if (cells.Any(c => c.Id == raw.Id)) return Fail(source, cell, "each cell id once", $"cell {raw.Id} again");
            cells.Add(raw);
        }
        if (cpus.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } dup)
            return Parsed<HostTopology>.Fail(new ParseError(source, null, "each CPU in one cell", $"CPU {dup.Key} twice"));
        return Parsed<HostTopology>.Ok(TopologyAssembler.Build(null, cells, cpus));
    }

    private static ParseError? ReadCell(XElement cell, string source, List<RawCpu> cpus, out RawCell raw)
    {
        raw = new RawCell(0);
        if (!TryInt(cell, "id", out var id) || !TopologyAssembler.IsValidId(id)) return Error(source, cell, "a numeric cell id", cell.Attr("id"));
        long memory = 0; // libvirt omits <memory> for a memoryless cell
        if (cell.Element("memory") is { } mem)
        {
            if (Bytes(mem) is not { } bytes) return Error(source, mem, "<memory unit='KiB'>N</memory>", mem.Value);
            memory = (long)bytes.MiB;
        }
        var pages = ImmutableArray.CreateBuilder<PagePool>();
        foreach (var page in cell.Elements("pages"))
        {
            if (!TextLines.TryLong(page.Attr("size") ?? "", out var size) || !LibvirtUnits.TryScale(page.Attr("unit"), ByteSize.KiBytes, out var f)
                || ByteSize.Scaled(size, f) is not { } bytes || bytes.Bytes < ByteSize.KiBytes || !TextLines.TryLong(page.Value.Trim(), out var count))
                return Error(source, page, "<pages unit='KiB' size='N'>count</pages>", page.ToString());
            pages.Add(new PagePool((long)bytes.KiB, count));
        }
        var distances = ImmutableSortedDictionary.CreateBuilder<int, int>();
        foreach (var sibling in cell.Element("distances")?.Elements("sibling") ?? [])
        {
            if (!TryInt(sibling, "id", out var to) || !TryInt(sibling, "value", out var value))
                return Error(source, sibling, "<sibling id='N' value='D'/>", sibling.ToString());
            distances[to] = value;
        }
        foreach (var cpu in cell.Element("cpus")?.Elements("cpu") ?? [])
        {
            if (!TryInt(cpu, "id", out var cpuId) || cpuId > CpuSet.MaxCpuId) return Error(source, cpu, "a numeric cpu id", cpu.Attr("id"));
            var socket = TryInt(cpu, "socket_id", out var s) ? s : 0;
            var die = TryInt(cpu, "die_id", out var d) ? d : 0;
            var key = (long)cpuId;
            if (cpu.Attr("siblings") is { } sib)
            {
                if (!CpuSet.TryParse(sib, out var group, out _, allowExclusions: false) || !group.Contains(cpuId))
                    return Error(source, cpu, "siblings listing the CPU itself, such as '0,8'", sib);
                key = group.Min;
            }
            cpus.Add(new RawCpu(cpuId, id, socket, die, key));
        }
        raw = new RawCell(id) { MemoryMiB = memory, Pages = pages.ToImmutable(), Distances = distances.ToImmutable() };
        return null;
    }

    private static ByteSize? Bytes(XElement e) =>
        TextLines.TryLong(e.Value.Trim(), out var v) && LibvirtUnits.TryScale(e.Attr("unit"), ByteSize.KiBytes, out var f) ? ByteSize.Scaled(v, f) : null;

    private static bool TryInt(XElement e, string attr, out int value)
    {
        value = 0;
        return e.Attr(attr) is { } s && TextLines.TryInt(s, out value);
    }

    private static ParseError Error(string source, XObject at, string expected, string? found) =>
        new(source, SafeXml.LineOf(at), expected, found);

    private static Parsed<HostTopology> Fail(string source, XObject at, string expected, string? found) =>
        Parsed<HostTopology>.Fail(new ParseError(source, SafeXml.LineOf(at), expected, found));
}
