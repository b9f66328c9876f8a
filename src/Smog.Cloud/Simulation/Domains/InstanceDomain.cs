using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using Smog.Nova.Pci;
using Smog.Cloud.Simulation.Defects;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Cloud.Simulation.Domains;

/// <summary>Who and what the domain is for: the server's identity, flavor snapshot and image.</summary>
internal sealed record DomainIdentity(string InstanceName, string Uuid, string DisplayName, FlavorRecord Flavor,
    string UserId, string ProjectId, string? ImageId, DateTimeOffset Created);

/// <summary>
/// The complete libvirt domain a simulated host holds for an instance: the generator's
/// Nova-equivalent NUMA elements (<see cref="DomainGenerator.Generate(PlanResult)"/>, the same call as
/// <c>smog plan --xml</c>) inside the rest of what Nova 26's libvirt driver writes — name, uuid,
/// <c>nova:instance</c> metadata, sysinfo, os, features, clock and devices, with a PCI
/// <c>&lt;hostdev&gt;</c> for each device of a PCI alias or <c>direct-physical</c> port, and an
/// <c>&lt;interface type='hostdev'&gt;</c> with the port's MAC for each VF of a <c>direct</c> port,
/// each at its host address.
/// A defect changes the NUMA elements the way a buggy driver would (<see cref="DomainDefects"/>).
/// </summary>
internal static class InstanceDomain
{
    private static readonly XNamespace Nova = "http://openstack.org/xmlns/libvirt/nova/1.1";

    public static string Build(PlanResult plan, DomainIdentity id, ImmutableArray<AssignedPciDevice> pci, ImmutableArray<PortRequest> ports,
        HostTopology host, Defect? defect)
    {
        // A VF of a direct (hw_veb) port is a hostdev interface; a whole device (alias, direct-physical) a plain hostdev.
        PortRequest? VfPort(AssignedPciDevice d) => ports.FirstOrDefault(p => p.PortId == d.PortId && p.VnicType is "direct" or "macvtap");
        var vfs = pci.Where(d => VfPort(d) is not null).ToList();
        var (generated, refusal) = DomainGenerator.Generate(plan);
        if (generated is null) throw new InvalidOperationException($"no domain for a claimed instance: {refusal}");
        var domain = DomainDefects.Apply(defect, generated, plan, host) with
        {
            Name = id.InstanceName,
            Uuid = id.Uuid,
            Metadata = Metadata(id),
            CurrentMemory = generated.Memory,
            Devices = new DomainDevices
            {
                Hostdevs = [.. pci.Where(d => VfPort(d) is null).Select(Hostdev)],
                Interfaces = [.. vfs.Select(d => new DomainInterface("hostdev")
                {
                    Managed = "yes",
                    Source = new DomainDeviceSource { Address = Hostdev(d).Source!.Address! with { Type = "pci" } },
                })],
            },
        };
        var xml = DomainWriter.Write(domain);
        // The port's MAC comes first in the interface, as LibvirtConfigGuestInterface writes it.
        foreach (var (element, device) in xml.Element("devices")!.Elements("interface").Zip(vfs))
            if (VfPort(device)?.MacAddress is { } mac) element.AddFirst(new XElement("mac", new XAttribute("address", mac)));
        xml.Element("vcpu")?.SetAttributeValue("placement", "static");
        foreach (var memory in new[] { xml.Element("memory"), xml.Element("currentMemory") })
            memory?.SetAttributeValue("unit", "KiB");
        // What the driver writes besides the NUMA elements, in its document order.
        xml.Element("vcpu")!.AddAfterSelf(Sysinfo(id), Os(), Features());
        var anchor = xml.Element("cpu") ?? xml.Element("cputune") ?? xml.Element("vcpu")!;
        anchor.AddAfterSelf(Clock(), new XElement("on_poweroff", "destroy"), new XElement("on_reboot", "restart"), new XElement("on_crash", "destroy"));
        var devices = xml.Element("devices")!;
        devices.AddFirst(new XElement("emulator", "/usr/bin/qemu-system-x86_64"), Disk(id));
        devices.Add(
            new XElement("serial", new XAttribute("type", "pty"), new XElement("target", new XAttribute("type", "isa-serial"), new XAttribute("port", "0"))),
            new XElement("memballoon", new XAttribute("model", "virtio"), new XElement("stats", new XAttribute("period", "10"))));
        return xml.ToString();
    }

    private static XElement Metadata(DomainIdentity id) =>
        new("metadata",
            new XElement(Nova + "instance", new XAttribute(XNamespace.Xmlns + "nova", Nova.NamespaceName),
                new XElement(Nova + "package", new XAttribute("version", "26.2.2")),
                new XElement(Nova + "name", id.DisplayName),
                new XElement(Nova + "creationTime", id.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                new XElement(Nova + "flavor", new XAttribute("name", id.Flavor.Name),
                    new XElement(Nova + "memory", id.Flavor.RamMiB),
                    new XElement(Nova + "disk", id.Flavor.DiskGiB),
                    new XElement(Nova + "swap", id.Flavor.SwapMiB),
                    new XElement(Nova + "ephemeral", id.Flavor.EphemeralGiB),
                    new XElement(Nova + "vcpus", id.Flavor.Vcpus)),
                new XElement(Nova + "owner",
                    new XElement(Nova + "user", new XAttribute("uuid", id.UserId), id.UserId),
                    new XElement(Nova + "project", new XAttribute("uuid", id.ProjectId), id.ProjectId)),
                id.ImageId is null ? null : new XElement(Nova + "root", new XAttribute("type", "image"), new XAttribute("uuid", id.ImageId)),
                new XElement(Nova + "ports")));

    private static XElement Sysinfo(DomainIdentity id) =>
        new("sysinfo", new XAttribute("type", "smbios"),
            new XElement("system",
                Entry("manufacturer", "OpenStack Foundation"), Entry("product", "OpenStack Nova"), Entry("version", "26.2.2"),
                Entry("serial", id.Uuid), Entry("uuid", id.Uuid), Entry("family", "Virtual Machine")));

    private static XElement Entry(string name, string value) => new("entry", new XAttribute("name", name), value);

    private static XElement Os() =>
        new("os",
            new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc-q35-7.2"), "hvm"),
            new XElement("boot", new XAttribute("dev", "hd")),
            new XElement("smbios", new XAttribute("mode", "sysinfo")));

    private static XElement Features() => new("features", new XElement("acpi"), new XElement("apic"));

    private static XElement Clock() =>
        new("clock", new XAttribute("offset", "utc"),
            new XElement("timer", new XAttribute("name", "pit"), new XAttribute("tickpolicy", "delay")),
            new XElement("timer", new XAttribute("name", "rtc"), new XAttribute("tickpolicy", "catchup")),
            new XElement("timer", new XAttribute("name", "hpet"), new XAttribute("present", "no")));

    private static XElement Disk(DomainIdentity id) =>
        new("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
            new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2"), new XAttribute("cache", "none")),
            new XElement("source", new XAttribute("file", $"/var/lib/nova/instances/{id.Uuid}/disk")),
            new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio")));

    /// <summary>A passed-through device or VF at its host address, as the driver writes <c>LibvirtConfigGuestHostdevPCI</c>.</summary>
    private static DomainHostdev Hostdev(AssignedPciDevice d)
    {
        var parts = d.Address.Split(':', '.');
        return new DomainHostdev("subsystem", "pci")
        {
            Managed = "yes",
            Source = new DomainDeviceSource
            {
                Address = new DomainAddress(null) { Domain = "0x" + parts[0], Bus = "0x" + parts[1], Slot = "0x" + parts[2], Function = "0x" + parts[3] },
            },
        };
    }
}

/// <summary>A domain's XML, written once on first read (thread-safe); the factory is dropped afterwards.</summary>
internal sealed class DeferredDomain(Func<string> write)
{
    private readonly Lazy<string> _xml = new(write, LazyThreadSafetyMode.ExecutionAndPublication);

    public string Xml => _xml.Value;
}
