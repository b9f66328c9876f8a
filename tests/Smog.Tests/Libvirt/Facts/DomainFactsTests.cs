using Smog.Libvirt.Facts;
using Smog.Topology;
using Smog.Units;

namespace Smog.Tests.Libvirt.Facts;

public class DomainFactsTests
{
    [Fact]
    public void Facts_of_the_handwritten_domain()
    {
        var facts = DomainFactsReader.Parse(LibvirtFixtures.Read("domains", "handwritten-sriov-realtime.xml")).Value;

        Assert.Equal(("rt-vm", "rt.dedicated.sriov"), (facts.NovaInstanceName, facts.NovaFlavorName));
        Assert.Equal("5d1a7f1e-2c3b-4c4d-9e8f-0a1b2c3d4e5f", facts.Uuid);
        Assert.Equal(ByteSize.FromMiB(4096), facts.Memory);
        Assert.Equal(ByteSize.FromMiB(4096), facts.CurrentMemory);
        Assert.Equal(4, facts.Vcpu.Count);
        Assert.Equal(["2", "3", "10", "11"], facts.VcpuPins.Values.Select(p => p.Cpus.ToString()));
        Assert.Equal(CpuSet.Of(1), facts.EmulatorPin!.Cpus);
        Assert.Equal((CpuSet.Parse("1-3"), "fifo", (int?)1), (facts.VcpuScheds[0].Vcpus, facts.VcpuScheds[0].Scheduler, facts.VcpuScheds[0].Priority));
        Assert.Equal(CpuSet.Parse("0-1"), facts.NumaTuneMemory!.Nodeset);
        Assert.Equal(CpuSet.Of(1), facts.MemNodes[1].Nodeset);
        Assert.Equal([ByteSize.FromMiB(1024), ByteSize.FromKiB(2048)], facts.MemoryBacking!.Pages.Select(p => p.Size));
        Assert.True(facts.MemoryBacking.Locked && facts.MemoryBacking.NoSharePages);
        Assert.Equal((2, 1, 2, 1), (facts.CpuTopology!.Sockets, facts.CpuTopology.Dies, facts.CpuTopology.Cores, facts.CpuTopology.Threads));
        Assert.Equal([ByteSize.FromMiB(2048), ByteSize.FromMiB(2048)], facts.GuestCells.Select(c => c.Memory));
        Assert.Equal(21, facts.GuestCells[0].Distances[1]);
        Assert.Equal(["0000:5e:00.0 hostdev", "0000:3b:02.1 interface"], facts.PciDevices.Select(p => $"{p.Address} {p.Kind}"));
        Assert.Equal("/domain/cputune/vcpupin[@vcpu='2']", facts.VcpuPins[2].Evidence.XPath);
        Assert.Equal("<vcpupin vcpu=\"2\" cpuset=\"10\" />", facts.VcpuPins[2].Evidence.Excerpt);
    }

    [Fact]
    public void Cells_without_id_count_from_zero_and_vcpus_without_pin_use_the_vcpu_cpuset()
    {
        var facts = DomainFactsReader.Parse("""
            <domain><vcpu cpuset='0-3'>2</vcpu><cputune><vcpupin vcpu='1' cpuset='5'/></cputune>
            <cpu><numa><cell cpus='0' memory='1' unit='GiB'/><cell cpus='1' memory='1' unit='GiB'/></numa></cpu></domain>
            """).Value;
        Assert.Equal([0, 1], facts.GuestCells.Select(c => c.Id));
        Assert.Equal(CpuSet.Parse("0-3"), facts.AllowedCpus(0));
        Assert.Equal(CpuSet.Of(5), facts.AllowedCpus(1));
    }

    public static TheoryData<string, string, string> BadFacts => new()
    {
        // description, xml, expected path in the error
        { "bad vcpupin cpuset", "<domain><cputune><vcpupin vcpu='0' cpuset='x'/></cputune></domain>", "/domain/cputune/vcpupin[@vcpu='0']/@cpuset" },
        { "bad memory unit", "<domain><memory unit='parsec'>1</memory></domain>", "/domain/memory" },
        { "bad cell memory", "<domain><cpu><numa><cell id='0' cpus='0' memory='lots'/></numa></cpu></domain>", "/domain/cpu/numa/cell[@id='0']/@memory" },
        { "two memnodes for one cell", "<domain><numatune><memnode cellid='0' nodeset='0'/><memnode cellid='0' nodeset='1'/></numatune></domain>", "memnode[@cellid='0']" },
        { "bad PCI address", "<domain><devices><hostdev type='pci'><source><address bus='zz'/></source></hostdev></devices></domain>", "/domain/devices/hostdev[1]/source/address" },
        { "vcpu not a number", "<domain><vcpu>four</vcpu></domain>", "/domain/vcpu" },
    };

    [Theory]
    [MemberData(nameof(BadFacts))]
    public void Unreadable_values_are_parse_errors_with_their_xpath(string description, string xml, string path)
    {
        _ = description;
        var parsed = DomainFactsReader.Parse(xml, "dom.xml");
        Assert.False(parsed.Success);
        Assert.Contains(path, parsed.Errors[0].ToString());
    }
}
