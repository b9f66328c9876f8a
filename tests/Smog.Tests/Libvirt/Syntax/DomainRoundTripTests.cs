using System.Xml.Linq;
using Smog.Libvirt.Syntax;

namespace Smog.Tests.Libvirt.Syntax;

public class DomainRoundTripTests
{
    /// <summary>Every domain sample, and the NUMA part of every boot-oracle domain.</summary>
    public static TheoryData<string> Samples =>
    [
        .. LibvirtFixtures.Files("domains", "*.xml").Select(f => "domains/" + Path.GetFileName(f)),
        .. LibvirtFixtures.Files("boot-oracle", "*.numa.xml").Select(f => "boot-oracle/" + Path.GetFileName(f)),
    ];

    private static string ReadSample(string file) => LibvirtFixtures.Read(file.Split('/'));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_round_trips_without_a_structural_difference(string file)
    {
        // Given a real domain XML
        var text = ReadSample(file);

        // When it is read into records and written back
        var parsed = DomainReader.Parse(text, file);
        Assert.True(parsed.Success, string.Join("; ", parsed.Errors));
        var written = DomainWriter.Write(parsed.Value);

        // Then nothing differs, element order included
        Assert.Equal([], XmlDiff.Compare(XElement.Parse(text), written));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Writing_is_idempotent(string file)
    {
        var first = DomainWriter.ToText(DomainReader.Parse(ReadSample(file)).Value);
        var second = DomainWriter.ToText(DomainReader.Parse(first).Value);
        Assert.Equal(first, second);
    }

    // The samples libvirt's schema accepts as they are (Nova's fakelibvirt output and the TCG
    // guest with mode='maximum' do not validate with libvirt 9.0's schema even before a round trip).
    public static TheoryData<string> ValidSamples =>
    [
        "handwritten-sriov-realtime.xml", "domain-numa-test-input.xml", "virsh-dumpxml-defined-inactive.xml",
        "virsh-dumpxml-nova-instance-pinned-hugepages.xml", "virsh-dumpxml-running-kvm-hostpassthrough.xml",
        "virsh-dumpxml-running-kvm-hugepages.xml", "virsh-dumpxml-running-tcg.xml", "virsh-test-customfile-dumpxml.xml",
    ];

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Written_documents_still_validate_against_libvirts_schema(string file)
    {
        if (!LibvirtSchema.Available) Assert.Skip(LibvirtSchema.Missing);
        Assert.Null(LibvirtSchema.ValidateDomain(DomainWriter.ToText(DomainReader.Parse(LibvirtFixtures.Read("domains", file)).Value)));
    }

    [Fact]
    public void Modelled_elements_are_read_into_their_records()
    {
        var domain = DomainReader.Parse(LibvirtFixtures.Read("domains", "handwritten-sriov-realtime.xml")).Value;

        Assert.Equal("instance-0000002a", domain.Name);
        Assert.Equal(("4096", "MiB"), (domain.Memory!.Value, domain.Memory.Unit));
        Assert.Equal("4", domain.Vcpu!.Current);
        Assert.Equal(["2", "3", "10", "11"], domain.CpuTune!.VcpuPins.Select(p => p.CpuSet));
        Assert.Equal("1", domain.CpuTune.EmulatorPin!.CpuSet);
        Assert.Equal("1-3", domain.CpuTune.VcpuScheds.Single().Vcpus);
        Assert.Equal(1, domain.CpuTune.IOThreadPins.Single().IOThread);
        Assert.Equal(["0", "1"], domain.NumaTune!.MemNodes.Select(m => m.Nodeset));
        Assert.True(domain.MemoryBacking!.Locked && domain.MemoryBacking.NoSharePages);
        Assert.Equal(["G", "KiB"], domain.MemoryBacking.Hugepages!.Pages.Select(p => p.Unit));
        Assert.Equal("Skylake-Server-IBRS", domain.Cpu!.Model!.Value);
        Assert.Equal("1", domain.Cpu.Topology!.Dies);
        Assert.Equal(2, domain.Cpu.Features.Length);
        Assert.Equal(["10", "21"], domain.Cpu.Numa!.Cells[0].Distances!.Siblings.Select(s => s.Value));
        Assert.Equal("0x5e", domain.Devices!.Hostdevs.Single().Source!.Address!.Bus);
        Assert.Equal("0x3b", domain.Devices.Interfaces.Single(i => i.Type == "hostdev").Source!.Address!.Bus);
        Assert.Null(domain.Devices.Interfaces.Single(i => i.Type == "bridge").Source);
    }

    [Fact]
    public void Unknown_children_are_kept_in_place()
    {
        var xml = "<domain type='kvm'><name>a</name><x-first/><memory>1</memory><x-second a='1'/><vcpu>1</vcpu></domain>";
        var written = DomainWriter.Write(DomainReader.Parse(xml).Value);
        Assert.Equal(["name", "x-first", "memory", "x-second", "vcpu"], written.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void New_children_follow_their_canonical_predecessor()
    {
        // Given a domain read without numatune, when numatune is added, it lands after memory, before vcpu
        var domain = DomainReader.Parse("<domain><name>a</name><memory>1</memory><os/><vcpu>1</vcpu></domain>").Value;
        var edited = domain with { NumaTune = new DomainNumaTune { Memory = new DomainNumaTuneMemory("strict", "0") } };
        Assert.Equal(["name", "memory", "numatune", "os", "vcpu"], DomainWriter.Write(edited).Elements().Select(e => e.Name.LocalName));
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // description, xml, expected text in the error
        { "not XML", "<domain>", "well-formed XML" },
        { "wrong root", "<capabilities/>", "a <domain> root element" },
        { "vcpupin without integer vcpu", "<domain><cputune><vcpupin vcpu='x' cpuset='1'/></cputune></domain>", "/domain/cputune/vcpupin[1]/@vcpu" },
        { "memnode without cellid", "<domain><numatune><memnode mode='strict' nodeset='0'/></numatune></domain>", "/domain/numatune/memnode[1]/@cellid" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_a_parse_error_naming_the_place(string description, string xml, string expected)
    {
        _ = description;
        var parsed = DomainReader.Parse(xml, "dom.xml");
        Assert.False(parsed.Success);
        Assert.Contains(expected, parsed.Errors[0].ToString());
        Assert.StartsWith("dom.xml", parsed.Errors[0].ToString());
    }
}
