using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

/// <summary>Edge cases of each format, written inline so each row shows the input it is about.</summary>
public class ParserEdgeCaseTests
{
    private const string TwoNodes = """
        available: 2 nodes (0-1)
        node 0 cpus: 0 1
        node 0 size: 1024 MB
        node 0 free: 512 MB
        node 1 cpus: 2 3
        node 1 size: 2048 MB
        node 1 free: 100 MB
        node distances:
        node   0   1
          0:  10  21
          1:  21  10
        """;

    public static TheoryData<TopologyFormat, string> EmptyAndGarbage()
    {
        var data = new TheoryData<TopologyFormat, string>();
        foreach (var format in new[] { TopologyFormat.Numactl, TopologyFormat.LstopoConsole, TopologyFormat.HwlocXml, TopologyFormat.Capabilities, TopologyFormat.TopologyJson })
            foreach (var input in new[] { "", "   \n\n", "\u0000\u0001garbage<>{", "<topology/>", "{\"cells\": 7}" })
                data.Add(format, input);
        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyAndGarbage))]
    public void Empty_and_garbage_input_is_a_parse_error(TopologyFormat format, string input)
    {
        var parsed = TopologyFormats.Parse(format, input, "in");
        Assert.False(parsed.Success);
        Assert.Equal("in", parsed.Errors[0].Source);
    }

    [Fact]
    public void Empty_sysfs_snapshot_is_a_parse_error()
    {
        Assert.False(SysfsParser.Parse(SysfsSnapshot.Of([]), "/sys").Success);
    }

    [Fact]
    public void Numactl_reads_cells_memory_and_distances()
    {
        var t = NumactlParser.Parse(TwoNodes).Value;
        Assert.Equal(["0-1", "2-3"], t.Cells.Select(c => c.Cpus.ToString()));
        Assert.Equal([1024L, 2048L], t.Cells.Select(c => c.MemoryMiB!.Value));
        Assert.Equal([512L, 100L], t.Cells.Select(c => c.FreeMemoryMiB!.Value));
        Assert.Equal(21, t.Cells[0].Distances[1]);
        Assert.False(t.HasSmt);
    }

    [Fact]
    public void Numactl_without_numa_gives_no_cells()
    {
        var t = NumactlParser.Parse("No NUMA available on this system\n").Value;
        Assert.Empty(t.Cells);
    }

    [Fact]
    public void Numactl_sparse_cpuless_and_memoryless_nodes()
    {
        var t = NumactlParser.Parse("available: 2 nodes (0,2)\nnode 0 cpus: 0 1\nnode 0 size: 0 MB\nnode 2 cpus:\nnode 2 size: 512 MB\n").Value;
        Assert.Equal([0, 2], t.Cells.Select(c => c.Id));
        Assert.True(t.Cells[0].IsMemoryless);
        Assert.True(t.Cells[1].IsCpuless);
    }

    public static TheoryData<string, string, int?, string> NumactlErrors => new()
    {
        // description, input, line, fragment of the expectation
        { "empty input", "", null, "available" },
        { "count disagrees with list", "available: 3 nodes (0-1)", 1, "node count" },
        { "node not available", "available: 1 nodes (0)\nnode 1 cpus: 0", 2, "listed as available" },
        { "CPU on two nodes", "available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 1 cpus: 0", 3, "one node only" },
        { "garbage line", "available: 1 nodes (0)\nhello", 2, "node N" },
        { "short distance row", "available: 2 nodes (0-1)\nnode distances:\nnode 0 1\n 0: 10", 4, "2 distances" },
        { "row before header", "available: 1 nodes (0)\nnode distances:\n 0: 10", 3, "column header" },
    };

    [Theory]
    [MemberData(nameof(NumactlErrors))]
    public void Numactl_errors_name_the_line_and_the_expectation(string description, string input, int? line, string expected)
    {
        _ = description;
        var parsed = NumactlParser.Parse(input, "n.txt");
        Assert.False(parsed.Success);
        Assert.Equal(line, parsed.Errors[0].Line);
        Assert.Contains(expected, parsed.Errors[0].Expected);
        Assert.StartsWith("n.txt", parsed.Errors[0].ToString());
    }

    [Fact]
    public void Lstopo_physical_indexes_and_chained_objects()
    {
        const string text = """
            Machine (2048MB total) + Package P#0
              NUMANode P#0 (2048MB)
              Core P#0
                PU P#0
                PU P#4
              HostBridge
                PCI 02:00.0 (Ethernet)
                  Net "ens1"
            """;
        var t = LstopoConsoleParser.Parse(text).Value;
        Assert.Equal("[0,4]", $"[{t.Cells[0].Siblings[0]}]");
        Assert.Equal(2048, t.Cells[0].MemoryMiB);
        var nic = Assert.Single(t.PciDevices);
        Assert.Equal(("0000:02:00.0", "ens1", (int?)0), (nic.Address, nic.NetDev, nic.NumaNode));
    }

    [Fact]
    public void Lstopo_io_at_machine_level_of_a_two_node_host_has_no_affinity()
    {
        const string text = """
            Machine (2048MB total)
              Package L#0
                NUMANode L#0 (P#0 1024MB)
                Core L#0 + PU L#0 (P#0)
              Package L#1
                NUMANode L#1 (P#1 1024MB)
                Core L#1 + PU L#1 (P#1)
              HostBridge
                PCI 00:1f.2 (SATA)
                  Block(Disk) "sda"
            """;
        var dev = Assert.Single(LstopoConsoleParser.Parse(text).Value.PciDevices);
        Assert.Null(dev.NumaNode);
        Assert.Equal("sda", dev.BlockDev);
    }

    [Theory]
    [InlineData("  Package L#0", 1, "'Machine' first")]
    [InlineData("Machine (1MB total)\nMachine (1MB total)", 2, "one Machine tree")]
    [InlineData("Machine (1MB total)\n  Core L#0 + PU L#0 (P#0)", 1, "at least one NUMANode")]
    [InlineData("Machine (1MB total)\n  NUMANode L#0 (P#0 1MB)\n  ???", 3, "an lstopo object")]
    public void Lstopo_errors_name_the_line(string input, int line, string expected)
    {
        var parsed = LstopoConsoleParser.Parse(input);
        Assert.False(parsed.Success);
        Assert.Equal(line, parsed.Errors[0].Line);
        Assert.Contains(expected, parsed.Errors[0].Expected);
    }

    [Fact]
    public void Hwloc_xml_reads_pci_ids_os_devices_and_locality()
    {
        var t = Fixtures.Parse("hwloc/lstopo-local.xml", TopologyFormat.HwlocXml);
        Assert.Equal("vm", t.Hostname);
        var disk = t.PciDevices.Single(d => d.Address == "0000:00:02.0");
        Assert.Equal(("1af4", "1042", "0180", "vda", (int?)0), (disk.VendorId, disk.ProductId, disk.ClassCode, disk.BlockDev, disk.NumaNode));
        Assert.Equal("eth0", t.PciDevices.Single(d => d.Address == "0000:00:03.0").NetDev);
        Assert.Equal([4L, 2048L, 1048576L], t.Cells[0].Pages.Select(p => p.SizeKiB));
    }

    [Fact]
    public void Hwloc_3_xml_osdev_flags_and_root_hostname()
    {
        // hwloc 3 writes osdev_type as flags (16 network, 1 storage) and HostName on <topology>.
        const string xml = """
            <topology version="3.0">
              <object type="Machine" os_index="0" cpuset="0x00000001" nodeset="0x00000001">
                <object type="Package" os_index="0" cpuset="0x00000001" nodeset="0x00000001">
                  <object type="NUMANode" os_index="0" cpuset="0x00000001" nodeset="0x00000001" local_memory="1073741824"/>
                  <object type="Core" os_index="0" cpuset="0x00000001"><object type="PU" os_index="0" cpuset="0x00000001"/></object>
                  <object type="Bridge" bridge_type="0-1">
                    <object type="PCIDev" pci_busid="0000:04:00.0" pci_type="0200 [8086:10c9] [003c:003f] 01 00">
                      <object type="OSDev" name="eth0" osdev_type="16"/>
                    </object>
                    <object type="PCIDev" pci_busid="0000:00:1f.2" pci_type="0101 [8086:3a20] [003c:000d] 00 00">
                      <object type="OSDev" name="sda" osdev_type="1"/>
                    </object>
                  </object>
                </object>
              </object>
              <info name="HostName" value="node004"/>
            </topology>
            """;
        var t = HwlocXmlParser.Parse(xml).Value;
        Assert.Equal("node004", t.Hostname);
        Assert.Equal(("eth0", (int?)0), (t.PciDevices.Single(d => d.Address == "0000:04:00.0").NetDev, t.PciDevices[1].NumaNode));
        Assert.Equal("sda", t.PciDevices.Single(d => d.Address == "0000:00:1f.2").BlockDev);
    }

    [Fact]
    public void Hwloc_1_xml_with_cores_inside_numa_nodes_keeps_their_package()
    {
        // hwloc 1.x: Package > NUMANode > Core > PU (AMD Magny-Cours style, two nodes per package).
        const string xml = """
            <topology>
              <object type="Machine" os_index="0" cpuset="0x0000000f">
                <object type="Socket" os_index="1" cpuset="0x0000000f">
                  <object type="NUMANode" os_index="0" cpuset="0x00000003" local_memory="1073741824">
                    <object type="Core" os_index="0" cpuset="0x00000003">
                      <object type="PU" os_index="0" cpuset="0x00000001"/>
                      <object type="PU" os_index="1" cpuset="0x00000002"/>
                    </object>
                  </object>
                  <object type="NUMANode" os_index="1" cpuset="0x0000000c" local_memory="1073741824">
                    <object type="Core" os_index="1" cpuset="0x0000000c">
                      <object type="PU" os_index="2" cpuset="0x00000004"/>
                      <object type="PU" os_index="3" cpuset="0x00000008"/>
                    </object>
                  </object>
                </object>
              </object>
            </topology>
            """;
        var t = HwlocXmlParser.Parse(xml).Value;
        Assert.Equal(["0-1", "2-3"], t.Cells.Select(c => c.Cpus.ToString()));
        Assert.All(t.Cpus, c => Assert.Equal(1, c.Socket));
    }

    [Fact]
    public void Hwloc_xml_errors_name_the_line()
    {
        var parsed = HwlocXmlParser.Parse("<topology version=\"2.0\">\n<object type=\"Machine\">\n<object type=\"PU\" os_index=\"x\"/>\n</object>\n</topology>", "t.xml");
        Assert.Equal(("t.xml", (int?)3), (parsed.Errors[0].Source, parsed.Errors[0].Line));
        Assert.Equal(2, HwlocXmlParser.Parse("<topology>\n<object", "t.xml").Errors[0].Line);
    }

    [Fact]
    public void Capabilities_without_cells_and_with_foreign_root()
    {
        Assert.Empty(Fixtures.Parse("caps/virsh-test-customfile-capabilities.xml", TopologyFormat.Capabilities).Cells);
        var wrong = CapabilitiesParser.Parse("<domain/>", "d.xml");
        Assert.Contains("<capabilities>", wrong.Errors[0].Expected);
    }

    [Fact]
    public void Capabilities_siblings_must_hold_the_cpu()
    {
        const string xml = "<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='1'>\n<cpu id='0' socket_id='0' core_id='0' siblings='1'/>\n</cpus></cell></cells></topology></host></capabilities>";
        var parsed = CapabilitiesParser.Parse(xml, "c.xml");
        Assert.Equal(2, parsed.Errors[0].Line);
        Assert.Contains("siblings", parsed.Errors[0].Expected);
    }

    [Fact]
    public void Sysfs_reads_sriov_functions_and_their_links()
    {
        var t = Fixtures.Parse("sysfs/synth-2n-2s-10c-2t-linux", TopologyFormat.Sysfs);
        var pf = t.PciDevices.Single(d => d.Address == "0000:3b:00.0");
        Assert.Equal(("ens1f0", (int?)0), (pf.NetDev, pf.NumaNode));
        Assert.Equal(["0000:3b:02.0", "0000:3b:02.1", "0000:3b:02.2", "0000:3b:02.3"], pf.VirtualFunctions);
        var vf = t.PciDevices.Single(d => d.Address == "0000:3b:02.2");
        Assert.Equal(("0000:3b:00.0", (string?)null), (vf.PhysicalFunction, vf.NetDev));
        Assert.Equal(8, t.PciDevices.Single(d => d.Address == "0000:d8:00.0").SriovTotalVfs);
    }

    [Fact]
    public void Sysfs_real_tree_finds_virtio_net_and_no_affinity()
    {
        var t = Fixtures.Parse("sysfs/real-local", TopologyFormat.Sysfs);
        Assert.Contains(t.PciDevices, d => d.NetDev == "eth0");
        Assert.All(t.PciDevices, d => Assert.Null(d.NumaNode));
    }

    [Fact]
    public void Sysfs_errors_name_the_file()
    {
        var snapshot = SysfsSnapshot.Of(new Dictionary<string, string>
        {
            ["devices/system/node/node0/cpulist"] = "0-x\n",
        });
        var error = SysfsParser.Parse(snapshot, "/sys").Errors[0];
        Assert.Equal("/sys/devices/system/node/node0/cpulist", error.Source);
    }
}
