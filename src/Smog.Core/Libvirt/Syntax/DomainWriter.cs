using System.Xml.Linq;

namespace Smog.Libvirt.Syntax;

/// <summary>
/// Writes the syntax records back to XML. Children are produced in canonical order (the order
/// Nova 26's libvirt driver writes: memory, memoryBacking, numatune, vcpu, …, cputune, cpu) and
/// then put back into the order they were read in, if they were read (<see cref="XmlRest.Arrange"/>).
/// </summary>
public static class DomainWriter
{
    public static XElement Write(Domain d) => Element("domain", d.Rest,
        [Attr("type", d.Type)],
        [
            d.Uuid is null ? null : new XElement("uuid", d.Uuid),
            d.Name is null ? null : new XElement("name", d.Name),
            d.Memory is null ? null : Write("memory", d.Memory),
            d.CurrentMemory is null ? null : Write("currentMemory", d.CurrentMemory),
            d.MemoryBacking is null ? null : Write(d.MemoryBacking),
            d.NumaTune is null ? null : Write(d.NumaTune),
            d.Vcpu is null ? null : Write(d.Vcpu),
            d.Metadata is null ? null : new XElement(d.Metadata),
            d.CpuTune is null ? null : Write(d.CpuTune),
            d.Cpu is null ? null : Write(d.Cpu),
            d.Devices is null ? null : Write(d.Devices),
        ]);

    /// <summary>Indented text without an XML declaration, as <c>virsh dumpxml</c> prints it.</summary>
    public static string ToText(Domain d) => Write(d).ToString();

    public static XElement Write(string name, DomainMemory m) =>
        Element(name, m.Rest, [Attr("unit", m.Unit)], [], m.Value);

    public static XElement Write(DomainVcpu v) => Element("vcpu", v.Rest,
        [Attr("placement", v.Placement), Attr("cpuset", v.CpuSet), Attr("current", v.Current)], [], v.Value);

    public static XElement Write(DomainCpuTune t) => Element("cputune", t.Rest, [],
    [
        t.Shares is null ? null : new XElement("shares", t.Shares),
        t.Quota is null ? null : new XElement("quota", t.Quota),
        t.Period is null ? null : new XElement("period", t.Period),
        t.EmulatorPin is null ? null : Write(t.EmulatorPin),
        .. t.VcpuPins.Select(Write),
        .. t.IOThreadPins.Select(p => Element("iothreadpin", p.Rest, [Attr("iothread", p.IOThread), Attr("cpuset", p.CpuSet)], [])),
        .. t.VcpuScheds.Select(s => Element("vcpusched", s.Rest,
            [Attr("vcpus", s.Vcpus), Attr("scheduler", s.Scheduler), Attr("priority", s.Priority)], [])),
    ]);

    public static XElement Write(DomainCpuTuneVcpuPin p) =>
        Element("vcpupin", p.Rest, [Attr("vcpu", p.Vcpu), Attr("cpuset", p.CpuSet)], []);

    public static XElement Write(DomainCpuTuneEmulatorPin p) =>
        Element("emulatorpin", p.Rest, [Attr("cpuset", p.CpuSet)], []);

    public static XElement Write(DomainNumaTune t) => Element("numatune", t.Rest, [],
    [
        t.Memory is null ? null : Element("memory", t.Memory.Rest,
            [Attr("mode", t.Memory.Mode), Attr("nodeset", t.Memory.Nodeset), Attr("placement", t.Memory.Placement)], []),
        .. t.MemNodes.Select(Write),
    ]);

    public static XElement Write(DomainNumaTuneMemNode n) =>
        Element("memnode", n.Rest, [Attr("cellid", n.CellId), Attr("mode", n.Mode), Attr("nodeset", n.Nodeset)], []);

    public static XElement Write(DomainMemoryBacking b) => Element("memoryBacking", b.Rest, [],
    [
        b.Hugepages is null ? null : Element("hugepages", b.Hugepages.Rest, [], [.. b.Hugepages.Pages.Select(Write)]),
        b.NoSharePages ? new XElement("nosharepages") : null,
        b.Locked ? new XElement("locked") : null,
    ]);

    public static XElement Write(DomainMemoryHugepage p) =>
        Element("page", p.Rest, [Attr("size", p.Size), Attr("nodeset", p.Nodeset), Attr("unit", p.Unit)], []);

    public static XElement Write(DomainCpu c) => Element("cpu", c.Rest,
        [Attr("mode", c.Mode), Attr("match", c.Match), Attr("check", c.Check)],
        [
            c.Model is null ? null : Element("model", c.Model.Rest,
                [Attr("fallback", c.Model.Fallback), Attr("vendor_id", c.Model.VendorId)], [], c.Model.Value),
            c.Topology is null ? null : Write(c.Topology),
            .. c.Features.Select(f => Element("feature", f.Rest, [Attr("policy", f.Policy), Attr("name", f.Name)], [])),
            c.Numa is null ? null : Element("numa", c.Numa.Rest, [], [.. c.Numa.Cells.Select(Write)]),
        ]);

    public static XElement Write(DomainCpuTopology t) => Element("topology", t.Rest,
        [Attr("sockets", t.Sockets), Attr("dies", t.Dies), Attr("cores", t.Cores), Attr("threads", t.Threads)], []);

    public static XElement Write(DomainCpuNumaCell c) => Element("cell", c.Rest,
        [Attr("id", c.Id), Attr("cpus", c.Cpus), Attr("memory", c.Memory), Attr("unit", c.Unit),
         Attr("memAccess", c.MemAccess), Attr("discard", c.Discard)],
        [
            c.Distances is null ? null : Element("distances", c.Distances.Rest, [],
                [.. c.Distances.Siblings.Select(s => Element("sibling", s.Rest, [Attr("id", s.Id), Attr("value", s.Value)], []))]),
        ]);

    public static XElement Write(DomainDevices d) => Element("devices", d.Rest, [],
    [
        .. d.Hostdevs.Select(Write),
        .. d.Interfaces.Select(Write),
    ]);

    public static XElement Write(DomainHostdev h) => Element("hostdev", h.Rest,
        [Attr("mode", h.Mode), Attr("type", h.Type), Attr("managed", h.Managed)],
        [h.Source is null ? null : Write(h.Source)]);

    public static XElement Write(DomainInterface i) => Element("interface", i.Rest,
        [Attr("type", i.Type), Attr("managed", i.Managed)],
        [i.Source is null ? null : Write(i.Source)]);

    private static XElement Write(DomainDeviceSource s) => Element("source", s.Rest, [],
    [
        s.Address is null ? null : Element("address", s.Address.Rest,
            [Attr("type", s.Address.Type), Attr("domain", s.Address.Domain), Attr("bus", s.Address.Bus),
             Attr("slot", s.Address.Slot), Attr("function", s.Address.Function)], []),
    ]);

    private static XAttribute? Attr(string name, object? value) => value is null ? null : new XAttribute(name, value);

    /// <summary>
    /// One element: modelled attributes, then the kept ones; modelled children (nulls skipped)
    /// and kept children arranged into the order they were read in.
    /// </summary>
    private static XElement Element(string name, XmlRest rest, XAttribute?[] attributes, XElement?[] children, string? text = null)
    {
        var element = new XElement(name);
        foreach (var a in attributes) if (a is not null) element.Add(a);
        foreach (var a in rest.Attributes) element.Add(new XAttribute(a));
        if (text is not null) element.Add(new XText(text));
        List<XElement> produced = [.. children.OfType<XElement>(), .. rest.Elements.Select(e => new XElement(e))];
        element.Add(rest.Arrange(produced));
        return element;
    }
}
