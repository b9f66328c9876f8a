using System.Xml;
using System.Xml.Linq;
using Smog.Topology;

namespace Smog.Libvirt.Syntax;

/// <summary>Parses domain XML text into the syntax records; problems come back as <see cref="ParseError"/>s.</summary>
public static class DomainReader
{
    public static Parsed<Domain> Parse(string xml, string source = "domain.xml")
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return Parsed<Domain>.Fail(new ParseError(source, e.LineNumber, "well-formed XML", e.Message));
        }
        return Read(document.Root!, source);
    }

    public static Parsed<Domain> Read(XElement root, string source = "domain.xml")
    {
        if (root.Name != "domain")
            return Parsed<Domain>.Fail(new ParseError(source, 1, "a <domain> root element", $"<{root.Name.LocalName}>"));
        var errors = new List<ParseError>();
        var r = new ElementReader(root, "/domain", source, errors);
        var domain = new Domain
        {
            Type = r.Attr("type"),
            Name = r.ChildText("name"),
            Uuid = r.ChildText("uuid"),
            Metadata = r.Verbatim("metadata"),
            Memory = r.Child("memory") is { } m ? ReadMemory(m) : null,
            CurrentMemory = r.Child("currentMemory") is { } cm ? ReadMemory(cm) : null,
            MemoryBacking = r.Child("memoryBacking") is { } mb ? ReadMemoryBacking(mb) : null,
            NumaTune = r.Child("numatune") is { } nt ? ReadNumaTune(nt) : null,
            Vcpu = r.Child("vcpu") is { } v ? ReadVcpu(v) : null,
            CpuTune = r.Child("cputune") is { } ct ? ReadCpuTune(ct) : null,
            Cpu = r.Child("cpu") is { } c ? ReadCpu(c) : null,
            Devices = r.Child("devices") is { } d ? ReadDevices(d) : null,
            Rest = r.Rest(),
        };
        return errors.Count == 0 ? Parsed<Domain>.Ok(domain) : Parsed<Domain>.Fail(errors);
    }

    private static DomainMemory ReadMemory(ElementReader r) =>
        new(r.Text(), r.Attr("unit")) { Rest = r.Rest() };

    private static DomainVcpu ReadVcpu(ElementReader r) => new(r.Text())
    {
        Placement = r.Attr("placement"),
        CpuSet = r.Attr("cpuset"),
        Current = r.Attr("current"),
        Rest = r.Rest(),
    };

    private static DomainCpuTune ReadCpuTune(ElementReader r) => new()
    {
        Shares = r.ChildText("shares"),
        Period = r.ChildText("period"),
        Quota = r.ChildText("quota"),
        EmulatorPin = r.Child("emulatorpin") is { } e ? new DomainCpuTuneEmulatorPin(e.Attr("cpuset") ?? "") { Rest = e.Rest() } : null,
        VcpuPins = [.. r.Children("vcpupin").Select(p => new DomainCpuTuneVcpuPin(p.RequiredIntAttr("vcpu"), p.Attr("cpuset") ?? "") { Rest = p.Rest() })],
        IOThreadPins = [.. r.Children("iothreadpin").Select(p => new DomainCpuTuneIOThreadPin(p.RequiredIntAttr("iothread"), p.Attr("cpuset") ?? "") { Rest = p.Rest() })],
        VcpuScheds = [.. r.Children("vcpusched").Select(s => new DomainCpuTuneVcpuSched(s.Attr("vcpus"), s.Attr("scheduler"), s.Attr("priority")) { Rest = s.Rest() })],
        Rest = r.Rest(),
    };

    private static DomainNumaTune ReadNumaTune(ElementReader r) => new()
    {
        Memory = r.Child("memory") is { } m
            ? new DomainNumaTuneMemory(m.Attr("mode"), m.Attr("nodeset")) { Placement = m.Attr("placement"), Rest = m.Rest() }
            : null,
        MemNodes = [.. r.Children("memnode").Select(n => new DomainNumaTuneMemNode(n.RequiredIntAttr("cellid"), n.Attr("mode"), n.Attr("nodeset")) { Rest = n.Rest() })],
        Rest = r.Rest(),
    };

    private static DomainMemoryBacking ReadMemoryBacking(ElementReader r) => new()
    {
        Hugepages = r.Child("hugepages") is { } h
            ? new DomainMemoryHugepages([.. h.Children("page").Select(p => new DomainMemoryHugepage(p.Attr("size"), p.Attr("unit"), p.Attr("nodeset")) { Rest = p.Rest() })]) { Rest = h.Rest() }
            : null,
        NoSharePages = r.Flag("nosharepages"),
        Locked = r.Flag("locked"),
        Rest = r.Rest(),
    };

    private static DomainCpu ReadCpu(ElementReader r) => new()
    {
        Mode = r.Attr("mode"),
        Match = r.Attr("match"),
        Check = r.Attr("check"),
        Model = r.Child("model") is { } m
            ? new DomainCpuModel(m.Text()) { Fallback = m.Attr("fallback"), VendorId = m.Attr("vendor_id"), Rest = m.Rest() }
            : null,
        Topology = r.Child("topology") is { } t ? new DomainCpuTopology
        {
            Sockets = t.Attr("sockets"),
            Dies = t.Attr("dies"),
            Cores = t.Attr("cores"),
            Threads = t.Attr("threads"),
            Rest = t.Rest(),
        } : null,
        Features = [.. r.Children("feature").Select(f => new DomainCpuFeature(f.Attr("policy"), f.Attr("name")) { Rest = f.Rest() })],
        Numa = r.Child("numa") is { } n ? new DomainCpuNuma([.. n.Children("cell").Select(ReadCell)]) { Rest = n.Rest() } : null,
        Rest = r.Rest(),
    };

    private static DomainCpuNumaCell ReadCell(ElementReader c) => new(c.IntAttr("id"), c.Attr("cpus"), c.Attr("memory") ?? "")
    {
        Unit = c.Attr("unit"),
        MemAccess = c.Attr("memAccess"),
        Discard = c.Attr("discard"),
        Distances = c.Child("distances") is { } d
            ? new DomainCpuNumaCellDistances([.. d.Children("sibling").Select(s => new DomainCpuNumaCellSibling(s.RequiredIntAttr("id"), s.Attr("value") ?? "") { Rest = s.Rest() })]) { Rest = d.Rest() }
            : null,
        Rest = c.Rest(),
    };

    private static DomainDevices ReadDevices(ElementReader r) => new()
    {
        Hostdevs = [.. r.Children("hostdev").Select(h => new DomainHostdev(h.Attr("mode"), h.Attr("type"))
        {
            Managed = h.Attr("managed"),
            Source = h.Child("source") is { } s ? ReadSource(s) : null,
            Rest = h.Rest(),
        })],
        Interfaces = [.. r.Children("interface").Select(ReadInterface)],
        Rest = r.Rest(),
    };

    // Only hostdev interfaces carry a PCI source address; other interface types keep their
    // <source> (bridge, network, ...) verbatim.
    private static DomainInterface ReadInterface(ElementReader i)
    {
        var type = i.Attr("type");
        return new DomainInterface(type)
        {
            Managed = type == "hostdev" ? i.Attr("managed") : null,
            Source = type == "hostdev" && i.Child("source") is { } s ? ReadSource(s) : null,
            Rest = i.Rest(),
        };
    }

    private static DomainDeviceSource ReadSource(ElementReader s) => new()
    {
        Address = s.Child("address") is { } a ? new DomainAddress(a.Attr("type"))
        {
            Domain = a.Attr("domain"),
            Bus = a.Attr("bus"),
            Slot = a.Attr("slot"),
            Function = a.Attr("function"),
            Rest = a.Rest(),
        } : null,
        Rest = s.Rest(),
    };
}
