using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using Smog.Libvirt.Syntax;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.Facts;

/// <summary>
/// Turns syntax records into <see cref="DomainFacts"/>: cpusets and nodesets become
/// <see cref="CpuSet"/>s, sizes become <see cref="ByteSize"/>s through libvirt's unit table.
/// Every problem is reported at once, each naming the XPath at fault.
/// </summary>
public static class DomainFactsReader
{
    private static readonly XNamespace Nova = "http://openstack.org/xmlns/libvirt/nova/1.1";

    public static Parsed<DomainFacts> Parse(string xml, string source = "domain.xml")
    {
        var domain = DomainReader.Parse(xml, source);
        return domain.Success ? From(domain.Value, source) : Parsed<DomainFacts>.Fail(domain.Errors);
    }

    public static Parsed<DomainFacts> From(Domain d, string source = "domain.xml")
    {
        var ctx = new Context(source);
        var facts = new DomainFacts
        {
            Name = d.Name,
            Uuid = d.Uuid,
            NovaInstanceName = d.Metadata?.Descendants(Nova + "name").FirstOrDefault()?.Value,
            NovaFlavorName = d.Metadata?.Descendants(Nova + "flavor").FirstOrDefault()?.Attribute("name")?.Value,
            Memory = d.Memory is { } m ? ctx.Size(m.Value, m.Unit, "/domain/memory") : null,
            CurrentMemory = d.CurrentMemory is { } cm ? ctx.Size(cm.Value, cm.Unit, "/domain/currentMemory") : null,
            Vcpu = ReadVcpu(d.Vcpu, ctx),
            VcpuPins = ReadPins(d.CpuTune, ctx),
            EmulatorPin = d.CpuTune?.EmulatorPin is { } e
                ? new PinFact(ctx.Set(e.CpuSet, "/domain/cputune/emulatorpin/@cpuset"), Evidence.Of("/domain/cputune/emulatorpin", DomainWriter.Write(e)))
                : null,
            VcpuScheds = [.. (d.CpuTune?.VcpuScheds ?? []).Select((s, i) => ReadSched(s, i + 1, ctx))],
            NumaTuneMemory = d.NumaTune?.Memory is { } nm
                ? new NumaTuneMemoryFact(nm.Mode, nm.Nodeset is null ? null : ctx.Set(nm.Nodeset, "/domain/numatune/memory/@nodeset"), nm.Placement,
                    Evidence.Of("/domain/numatune/memory", DomainWriter.Write(d.NumaTune).Element("memory")!))
                : null,
            MemNodes = ReadMemNodes(d.NumaTune, ctx),
            MemoryBacking = d.MemoryBacking is { } mb ? ReadBacking(mb, ctx) : null,
            Cpu = d.Cpu is { } c ? new CpuModeFact(c.Mode, c.Match, c.Model?.Value, Evidence.Of("/domain/cpu", ShallowCpu(c))) : null,
            CpuTopology = d.Cpu?.Topology is { } t ? ReadTopology(t, ctx) : null,
            GuestCells = [.. (d.Cpu?.Numa?.Cells ?? []).Select((c, i) => ReadCell(c, i, ctx))],
            PciDevices = ReadPci(d.Devices, ctx),
        };
        return ctx.Errors.Count == 0 ? Parsed<DomainFacts>.Ok(facts) : Parsed<DomainFacts>.Fail(ctx.Errors);
    }

    private static VcpuFact ReadVcpu(DomainVcpu? v, Context ctx)
    {
        if (v is null) return new VcpuFact(1, null, null, Evidence.None); // libvirt's default is one vCPU
        return new VcpuFact(ctx.Int(v.Value, "/domain/vcpu"), v.CpuSet is null ? null : ctx.Set(v.CpuSet, "/domain/vcpu/@cpuset"),
            v.Placement, Evidence.Of("/domain/vcpu", DomainWriter.Write(v)));
    }

    private static ImmutableSortedDictionary<int, PinFact> ReadPins(DomainCpuTune? tune, Context ctx)
    {
        var pins = ImmutableSortedDictionary.CreateBuilder<int, PinFact>();
        foreach (var p in tune?.VcpuPins ?? [])
        {
            var path = $"/domain/cputune/vcpupin[@vcpu='{p.Vcpu}']";
            if (pins.ContainsKey(p.Vcpu)) { ctx.Error(path, "one vcpupin per vCPU", "a second one"); continue; }
            pins[p.Vcpu] = new PinFact(ctx.Set(p.CpuSet, path + "/@cpuset"), Evidence.Of(path, DomainWriter.Write(p)));
        }
        return pins.ToImmutable();
    }

    private static VcpuSchedFact ReadSched(DomainCpuTuneVcpuSched s, int index, Context ctx)
    {
        var path = $"/domain/cputune/vcpusched[{index}]";
        var element = new XElement("vcpusched", new XAttribute("vcpus", s.Vcpus ?? ""), new XAttribute("scheduler", s.Scheduler ?? ""));
        if (s.Priority is not null) element.Add(new XAttribute("priority", s.Priority));
        return new VcpuSchedFact(ctx.Set(s.Vcpus ?? "", path + "/@vcpus"), s.Scheduler,
            s.Priority is null ? null : ctx.Int(s.Priority, path + "/@priority"), Evidence.Of(path, element));
    }

    private static ImmutableSortedDictionary<int, MemNodeFact> ReadMemNodes(DomainNumaTune? tune, Context ctx)
    {
        var nodes = ImmutableSortedDictionary.CreateBuilder<int, MemNodeFact>();
        foreach (var n in tune?.MemNodes ?? [])
        {
            var path = $"/domain/numatune/memnode[@cellid='{n.CellId}']";
            if (nodes.ContainsKey(n.CellId)) { ctx.Error(path, "one memnode per guest cell", "a second one"); continue; }
            nodes[n.CellId] = new MemNodeFact(n.CellId, n.Mode, ctx.Set(n.Nodeset ?? "", path + "/@nodeset"), Evidence.Of(path, DomainWriter.Write(n)));
        }
        return nodes.ToImmutable();
    }

    private static MemoryBackingFact ReadBacking(DomainMemoryBacking b, Context ctx)
    {
        var pages = (b.Hugepages?.Pages ?? []).Select((p, i) =>
        {
            var path = $"/domain/memoryBacking/hugepages/page[{i + 1}]";
            // A <page> without size means the host's default huge page size; record it as 0 bytes.
            var size = p.Size is null ? new ByteSize(0) : ctx.Size(p.Size, p.Unit, path);
            return new HugepageFact(size, p.Nodeset is null ? null : ctx.Set(p.Nodeset, path + "/@nodeset"), Evidence.Of(path, DomainWriter.Write(p)));
        });
        return new MemoryBackingFact([.. pages], b.Locked, b.NoSharePages, Evidence.Of("/domain/memoryBacking", DomainWriter.Write(b)));
    }

    private static CpuTopologyFact ReadTopology(DomainCpuTopology t, Context ctx)
    {
        const string path = "/domain/cpu/topology";
        int Dim(string? v, string name) => v is null ? 1 : ctx.Int(v, $"{path}/@{name}");
        return new CpuTopologyFact(Dim(t.Sockets, "sockets"), Dim(t.Dies, "dies"), Dim(t.Cores, "cores"), Dim(t.Threads, "threads"),
            Evidence.Of(path, DomainWriter.Write(t)));
    }

    private static GuestCellFact ReadCell(DomainCpuNumaCell c, int index, Context ctx)
    {
        var id = c.Id ?? index; // libvirt numbers cells without id in document order
        var path = $"/domain/cpu/numa/cell[@id='{id}']";
        return new GuestCellFact(id, ctx.Set(c.Cpus ?? "", path + "/@cpus"), ctx.Size(c.Memory, c.Unit, path + "/@memory"), c.MemAccess,
            Evidence.Of(path, DomainWriter.Write(c)))
        {
            Distances = (c.Distances?.Siblings ?? []).ToImmutableSortedDictionary(s => s.Id, s => ctx.Int(s.Value, $"{path}/distances/sibling[@id='{s.Id}']")),
        };
    }

    private static ImmutableArray<PciDeviceFact> ReadPci(DomainDevices? devices, Context ctx)
    {
        if (devices is null) return [];
        var hostdevs = devices.Hostdevs.Select((h, i) => (Address: h.Type == "pci" ? h.Source?.Address : null, Kind: "hostdev",
            Path: $"/domain/devices/hostdev[{i + 1}]", Element: DomainWriter.Write(h)));
        var interfaces = devices.Interfaces.Select((n, i) => (Address: n.Source?.Address, Kind: "interface",
            Path: $"/domain/devices/interface[{i + 1}]", Element: DomainWriter.Write(n)));
        return [.. hostdevs.Concat(interfaces)
            .Where(d => d.Address is not null)
            .Select(d => new PciDeviceFact(ctx.PciAddress(d.Address!, d.Path), d.Kind, Evidence.Of(d.Path, d.Element)))];
    }

    // <cpu> without its features and cells: enough to show mode, match and model.
    private static XElement ShallowCpu(DomainCpu c)
    {
        var e = new XElement("cpu");
        if (c.Mode is not null) e.Add(new XAttribute("mode", c.Mode));
        if (c.Match is not null) e.Add(new XAttribute("match", c.Match));
        if (c.Model is not null) e.Add(new XElement("model", c.Model.Value));
        return e;
    }

    private sealed class Context(string source)
    {
        public List<ParseError> Errors { get; } = [];

        public void Error(string path, string expected, string? found) => Errors.Add(new ParseError(source, null, $"{expected} at {path}", found));

        public CpuSet Set(string text, string path)
        {
            if (CpuSet.TryParse(text, out var set, out _)) return set;
            Error(path, "a CPU or node list", text);
            return CpuSet.Empty;
        }

        public int Int(string text, string path)
        {
            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
            Error(path, "an integer", text);
            return 0;
        }

        public ByteSize Size(string value, string? unit, string path)
        {
            if (ByteSize.TryParse(value, unit, ByteSize.KiBytes, out var error, out var size)) return size;
            Error(path, "a size", error);
            return default;
        }

        public string PciAddress(DomainAddress a, string path)
        {
            static int? Num(string? s) => s is null ? 0
                : s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    ? (int.TryParse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h) ? h : null)
                    : (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : null);
            var (domain, bus, slot, function) = (Num(a.Domain), Num(a.Bus), Num(a.Slot), Num(a.Function));
            if (domain is null || bus is null || slot is null || function is null)
            {
                Error(path + "/source/address", "a PCI address", $"{a.Domain}:{a.Bus}:{a.Slot}.{a.Function}");
                return "";
            }
            return FormattableString.Invariant($"{domain:x4}:{bus:x2}:{slot:x2}.{function:x}");
        }
    }
}
