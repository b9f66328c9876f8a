using System.Collections.Immutable;
using System.Text.Json;
using CsCheck;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology;

public class TopologyJsonTests
{
    /// <summary>Random hosts in normal form: 1–4 cells, 0–3 cores each, 1–4 threads, pages, distances, PCI.</summary>
    private static readonly Gen<HostTopology> Hosts =
        Gen.Select(Gen.Int[1, 4], Gen.Int[0, 3], Gen.Int[1, 4], Gen.Bool, Gen.Long[0, 1 << 20], Gen.Int[0, 3], Gen.String[Gen.Char.AlphaNumeric, 1, 8])
            .Select(p =>
            {
                var (cells, cores, threads, interleave, memory, pci, name) = p;
                var total = cells * cores;
                var cpus = new List<RawCpu>();
                for (var core = 0; core < total; core++)
                    for (var t = 0; t < threads; t++)
                    {
                        var id = interleave ? t * total + core : core * threads + t; // Linux vs sequential numbering
                        cpus.Add(new RawCpu(id, core / Math.Max(cores, 1), core / Math.Max(cores, 1), 0, core));
                    }
                var rawCells = Enumerable.Range(0, cells).Select(c => new RawCell(c)
                {
                    MemoryMiB = memory + c,
                    FreeMemoryMiB = c % 2 == 0 ? memory / 2 : null,
                    Pages = [new PagePool(4, memory * 256), new PagePool(2048, c, c == 0 ? 0 : null)],
                    Distances = Enumerable.Range(0, cells).ToImmutableSortedDictionary(o => o, o => o == c ? 10 : 21),
                });
                var devices = Enumerable.Range(0, pci).Select(i => new PciDevice
                {
                    Address = $"0000:0{i}:00.0",
                    VendorId = "8086",
                    NumaNode = i % 2 == 0 ? i % cells : null,
                    NetDev = i == 1 ? "ens1" : null,
                    VirtualFunctions = i == 2 ? ["0000:0a:02.0", "0000:0a:02.1"] : [],
                    SriovTotalVfs = i == 2 ? 8 : null,
                });
                return TopologyAssembler.Build(name, rawCells, cpus, devices);
            });

    [Fact]
    public void Json_round_trip_gives_the_same_topology()
    {
        Property.ForAll(Hosts, t =>
        {
            var json = JsonSerializer.Serialize(t, TopologyJsonContext.Default.HostTopology);
            Assert.Equal(t, JsonSerializer.Deserialize(json, TopologyJsonContext.Default.HostTopology));
            Assert.Equal(t, TopologyJsonParser.Parse(json).Value);
        }, iter: 500);
    }

    [Fact]
    public void Json_contract_uses_snake_case_and_memory_mb()
    {
        var t = Fixtures.Parse("caps/synth-2n-2s-10c-2t-linux.xml", TopologyFormat.Capabilities);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(t, TopologyJsonContext.Default.HostTopology));
        var cell = doc.RootElement.GetProperty("cells")[0];
        Assert.Equal(65536, cell.GetProperty("memory_mb").GetInt64()); // topology-expected: memory_mib 65536
        Assert.Equal("0-9,20-29", cell.GetProperty("cpus").GetString());
        Assert.Equal("0,20", cell.GetProperty("siblings")[0].GetString());
        Assert.Equal(2048, cell.GetProperty("pages")[1].GetProperty("size_kb").GetInt64());
        Assert.Equal(21, cell.GetProperty("distances").GetProperty("1").GetInt32());
        Assert.False(doc.RootElement.TryGetProperty("has_smt", out _)); // derived views stay out of the contract
    }

    [Fact]
    public void Json_without_a_cpu_table_takes_cpus_from_the_cells()
    {
        const string json = """{"cells":[{"id":0,"cpus":"0-3","siblings":["0,2","1,3"],"memory_mb":1024}]}""";
        var t = TopologyJsonParser.Parse(json).Value;
        Assert.Equal(CpuSet.Parse("0,2"), t.SiblingsOf(2));
        Assert.Equal(1024, t.Cells[0].MemoryMiB);
    }
}
