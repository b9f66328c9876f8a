using Smog.Cloud.Lab;
using Smog.Topology;

namespace Smog.Tests.Cloud.Lab;

public class LabReaderTests
{
    private static LabDefinition Read(string yaml, string source = "lab.yml")
    {
        var parsed = LabReader.Parse(yaml, source, ".");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    private static string Error(string yaml)
    {
        var parsed = LabReader.Parse(yaml, "lab.yml", ".");
        Assert.False(parsed.Success, "the lab was expected to be refused");
        return parsed.Errors[0].ToString();
    }

    private const string Minimal = """
        version: 1
        hosts:
          - name: h
            topology: { cells: 2, cores_per_cell: 4, threads_per_core: 2, memory_per_cell: 16GiB }
        """;

    [Fact]
    public void The_default_lab_has_the_four_textbook_hosts()
    {
        var lab = LabReader.Default();
        Assert.Equal(["compute-0", "compute-1", "compute-2", "compute-3"], lab.Hosts.Select(h => h.Name));
        Assert.Equal("default-lab.yml", lab.Source);
        Assert.Contains("NUMATopologyFilter", lab.Controller.Filters);
        Assert.Equal(4, lab.Controller.PciAliases.Length);
    }

    [Fact]
    public void The_textbook_host_is_four_sockets_of_one_node_with_eight_cores()
    {
        var host = LabReader.Default().Hosts[0];
        var t = host.Topology;
        Assert.Equal(4, t.Cells.Length);
        Assert.Equal(4, t.SocketCount);
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(CpuSet.Range(8 * c, 8 * c + 7), t.Cells[c].Cpus);
            Assert.Equal(32768, t.Cells[c].MemoryMiB);
            Assert.All(t.Cpus.Where(x => x.Cell == c), x => Assert.Equal(c, x.Socket));
            Assert.Equal(10, t.Cells[c].Distances[c]);
            Assert.Equal(21, t.Cells[c].Distances[(c + 1) % 4]);
        }
        Assert.False(t.HasSmt);
        Assert.Equal([("0000:18:00.0", 0), ("0000:3b:00.0", 1)], t.PciDevices.Select(d => (d.Address, d.NumaNode ?? -1)));
        Assert.All(t.PciDevices, d => Assert.Equal(("8086", "1572"), (d.VendorId, d.ProductId)));
        Assert.Equal(CpuSet.Parse("1-7,9-15,17-23,25-31"), host.Conf.CpuDedicatedSet);
        Assert.Equal(CpuSet.Parse("0,8,16,24"), host.Conf.CpuSharedSet);
        Assert.Equal(512, host.Conf.ReservedHostMemoryMiB);
        Assert.Contains("cpu_dedicated_set = 1-7,9-15,17-23,25-31", host.NovaConfText);
    }

    [Fact]
    public void An_aliased_topology_expands_to_the_same_hardware_under_each_host_name()
    {
        var lab = LabReader.Default();
        Assert.Equal(lab.Hosts[0].Topology with { Hostname = null }, lab.Hosts[1].Topology with { Hostname = null });
        Assert.Equal("compute-1", lab.Hosts[1].Topology.Hostname);
        Assert.Equal(lab.Hosts[0].Conf, lab.Hosts[1].Conf);
    }

    [Fact]
    public void SMT_siblings_are_n_and_n_plus_cells_times_cores()
    {
        var t = LabReader.Default().Hosts[2].Topology;
        Assert.True(t.HasSmt);
        Assert.Equal(CpuSet.Parse("0-7,16-23"), t.Cells[0].Cpus);
        Assert.Equal(CpuSet.Parse("8-15,24-31"), t.Cells[1].Cpus);
        Assert.Equal(CpuSet.Of(3, 19), t.SiblingsOf(3));
        Assert.Equal(CpuSet.Of(9, 25), t.SiblingsOf(25));
        Assert.Equal([CpuSet.Of(0, 16), CpuSet.Of(1, 17)], t.Cells[0].Siblings.Take(2));
        // 32 GiB less 2 GiB of 2 MiB pages and 4 GiB of 1 GiB pages, in 4 KiB pages.
        Assert.Equal([new PagePool(4, 6815744, 6815744), new PagePool(2048, 1024, 1024), new PagePool(1048576, 4, 4)], t.Cells[1].Pages);
        Assert.Equal([0, 1], t.Cpus.Select(c => c.Socket).Distinct());
    }

    [Fact]
    public void A_pf_lists_its_vfs_on_its_bus_from_device_2_and_each_vf_names_its_pf()
    {
        var t = LabReader.Default().Hosts[3].Topology;
        var pf = t.PciDevices.Single(d => d.Address == "0000:5e:00.0");
        Assert.Equal(8, pf.SriovTotalVfs);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"0000:5e:02.{i}"), pf.VirtualFunctions);
        var vfs = t.PciDevices.Where(d => d.PhysicalFunction == "0000:d8:00.0").ToList();
        Assert.Equal(8, vfs.Count);
        Assert.All(vfs, vf => Assert.Equal((1, "154c"), (vf.NumaNode ?? -1, vf.ProductId)));
        Assert.Equal(18, t.PciDevices.Length);
    }

    [Fact]
    public void Sockets_split_the_cells_evenly_and_vfs_past_eight_take_the_next_device()
    {
        var lab = Read("""
            version: 1
            hosts:
              - name: h
                topology:
                  sockets: 2
                  cells: 4
                  cores_per_cell: 2
                  memory_per_cell: 1024MiB
                  pci: [{ address: "0000:af:00.0", cell: 3, vendor_id: "15b3", product_id: "1017", kind: pf, vfs: 10, vf_product_id: "1018" }]
            """);
        var t = lab.Hosts[0].Topology;
        Assert.Equal([0, 0, 1, 1], t.Cells.Select(c => t.Cpus.First(x => x.Cell == c.Id).Socket));
        Assert.Equal(CpuSet.Of(6, 7), t.Cells[3].Cpus);
        Assert.Equal(1024, t.Cells[0].MemoryMiB);
        Assert.Equal("0000:af:03.1", t.PciDevices.Single(d => d.Address == "0000:af:00.0").VirtualFunctions[^1]);
        Assert.Equal(LabDefaults.DiskGiB, lab.Hosts[0].DiskGiB);
    }

    [Fact]
    public void Aggregates_and_membership_are_read()
    {
        var lab = Read("""
            version: 1
            aggregates:
              - { name: fast, availability_zone: az1, metadata: { ssd: "true" } }
            hosts:
              - name: h
                disk_gb: 200
                aggregates: [fast]
                topology: { cells: 1, cores_per_cell: 4, memory_per_cell: 8G }
            """);
        Assert.Equal("az1", lab.Aggregates[0].AvailabilityZone);
        Assert.Equal("true", lab.Aggregates[0].Metadata["ssd"]);
        Assert.Equal(["fast"], lab.Hosts[0].Aggregates);
        Assert.Equal(200, lab.Hosts[0].DiskGiB);
    }

    [Fact]
    public void A_topology_file_is_read_with_the_discover_json_reader_relative_to_the_lab()
    {
        var dir = Directory.CreateTempSubdirectory("smog-lab-");
        try
        {
            var json = System.Text.Json.JsonSerializer.Serialize(LabReader.Default().Hosts[2].Topology with { Hostname = "elsewhere" }, TopologyJsonContext.Default.HostTopology);
            File.WriteAllText(Path.Combine(dir.FullName, "smt.json"), json);
            var path = Path.Combine(dir.FullName, "lab.yml");
            File.WriteAllText(path, "version: 1\nhosts:\n  - name: from-file\n    topology: { file: smt.json }\n");
            var parsed = LabReader.Load(path);
            Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
            var t = parsed.Value.Hosts[0].Topology;
            Assert.Equal("from-file", t.Hostname);
            Assert.Equal(CpuSet.Of(3, 19), t.SiblingsOf(3));
            Assert.Equal(2, t.Cells.Length);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("version: 2\nhosts: []\n", "lab.yml:1: version: expected 1, found '2'")]
    [InlineData("version: 1\n", "lab.yml:1: hosts: missing; expected a list of hosts")]
    [InlineData("version: 1\nhost: []\n", "lab.yml:2: host: unknown field (expected one of version, controller, hosts, aggregates)")]
    [InlineData("version: 1\nhosts:\n  - name: h\n    topology: { cells: 2, cores_per_cell: 4, memory_per_cell: lots }\n",
        "lab.yml:4: hosts[0].topology.memory_per_cell: expected a size like 32GiB, 16384MiB or 2M, found 'lots'")]
    [InlineData("version: 1\nhosts:\n  - name: h\n    topology: { cells: 3, sockets: 2, cores_per_cell: 4, memory_per_cell: 1G }\n",
        "lab.yml:4: hosts[0].topology.sockets: 2 sockets cannot share 3 cells evenly")]
    [InlineData("version: 1\nhosts:\n  - name: h\n    topology: { cells: 1, cores_per_cell: 4, memory_per_cell: 1G, numa: 2 }\n",
        "lab.yml:4: hosts[0].topology.numa: unknown field (expected one of sockets, cells, cores_per_cell, threads_per_core, memory_per_cell, pages_per_cell, pci)")]
    [InlineData("version: 1\nhosts:\n  - name: h\n    topology: { cells: 1, cores_per_cell: 4, memory_per_cell: 1G, pages_per_cell: { 2M: 1024 } }\n",
        "lab.yml:4: hosts[0].topology.pages_per_cell: huge pages hold 2048 MiB, more than memory_per_cell (1024 MiB)")]
    [InlineData("version: 1\nhosts:\n  - name: h\n    topology: { cells: 1, cores_per_cell: 4, memory_per_cell: 1G, pages_per_cell: { 3K: 1 } }\n",
        "lab.yml:4: hosts[0].topology.pages_per_cell.3K: expected a huge page size (a power of two above 4 KiB, like 2M or 1G)")]
    public void Faults_name_file_line_and_field(string yaml, string expected) => Assert.Equal(expected, Error(yaml));

    [Fact]
    public void Duplicate_host_names_are_refused_at_the_second() =>
        Assert.Equal("lab.yml:5: hosts[1].name: duplicate host name 'h'", Error(Minimal + "\n  - name: h\n    topology: { cells: 1, cores_per_cell: 1, memory_per_cell: 1G }\n"));

    [Fact]
    public void An_unknown_aggregate_is_refused() =>
        Assert.Equal("lab.yml:5: hosts[0].aggregates[0]: unknown aggregate 'gpu' (aggregates[] names none)",
            Error("version: 1\nhosts:\n  - name: h\n    aggregates:\n      - gpu\n    topology: { cells: 1, cores_per_cell: 1, memory_per_cell: 1G }\n"));

    [Fact]
    public void A_cpu_set_naming_absent_cpus_is_refused_at_its_line_in_the_block()
    {
        var yaml = Minimal + """

                nova_conf: |
                  [DEFAULT]
                  reserved_host_memory_mb = 512
                  [compute]
                  cpu_dedicated_set = 1-20
            """;
        Assert.Equal("lab.yml:9: hosts[0].nova_conf: [compute] cpu_dedicated_set names CPUs 16-20 the host does not have (it has 0-15)", Error(yaml));
    }

    [Fact]
    public void A_bad_nova_conf_value_is_reported_at_its_yaml_line()
    {
        var yaml = Minimal + """

                nova_conf: |
                  [DEFAULT]
                  cpu_allocation_ratio = many
            """;
        Assert.Equal("lab.yml:7: hosts[0].nova_conf: [DEFAULT] cpu_allocation_ratio: expected a number ≥ 0, found 'many'", Error(yaml));
    }

    [Theory]
    [InlineData("{ address: \"0000:18:00.0\", cell: 2, vendor_id: \"8086\", product_id: \"1572\" }", "lab.yml:5: hosts[0].topology.pci[0].cell: no cell 2: the host has cells 0-0")]
    [InlineData("{ address: \"18:00\", cell: 0, vendor_id: \"8086\", product_id: \"1572\" }", "lab.yml:5: hosts[0].topology.pci[0].address: expected a PCI address dddd:bb:ss.f, found '18:00'")]
    [InlineData("{ address: \"0000:18:00.0\", cell: 0, vendor_id: \"8086\", product_id: \"1572\", kind: vf }", "lab.yml:5: hosts[0].topology.pci[0].kind: expected pci or pf, found 'vf'")]
    [InlineData("{ address: \"0000:18:00.0\", cell: 0, vendor_id: \"8086\", product_id: \"1572\", kind: pf }", "lab.yml:5: hosts[0].topology.pci[0].vfs: missing; a pf needs its VF count")]
    public void Pci_faults_name_the_entry(string entry, string expected) =>
        Assert.Equal(expected, Error($"version: 1\nhosts:\n  - name: h\n    topology:\n      {{ cells: 1, cores_per_cell: 1, memory_per_cell: 1G, pci: [{entry}] }}\n"));

    [Fact]
    public void Broken_yaml_is_one_line()
    {
        var error = Error("version: 1\nhosts: [\n");
        Assert.StartsWith("lab.yml:", error);
        Assert.DoesNotContain('\n', error);
    }
}
