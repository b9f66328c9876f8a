using System.Text.Json;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

/// <summary>
/// The same synthetic host, read through every format that describes it (hwloc XML, lstopo
/// console plus its --distances matrix, derived capabilities, numactl, sysfs), yields the facts
/// stated independently in topology-expected/X.json.
/// </summary>
public class CrossFormatTests
{
    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var expected in Fixtures.Files("topology-expected", "*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(expected);
            foreach (var format in FormatsOf(name)) data.Add(name, format);
        }
        return data;
    }

    /// <summary>
    /// Every synthetic host has all four text formats (a missing one fails); only four have a
    /// sysfs tree, and Fixtures.Committed counts those.
    /// </summary>
    private static IEnumerable<string> FormatsOf(string name)
    {
        foreach (var format in new[] { "hwloc", "lstopo", "caps", "numactl" })
        {
            Fixtures.Require(InputPath(format, name));
            yield return format;
        }
        if (Directory.Exists(Fixtures.PathOf(InputPath("sysfs", name)))) yield return "sysfs";
    }

    private static string InputPath(string format, string name) => format switch
    {
        "hwloc" => $"hwloc/{name}.xml",
        "lstopo" => $"lstopo/{name}.txt",
        "caps" => $"caps/{name}.xml",
        "numactl" => $"numactl/{name}.txt",
        _ => $"sysfs/{name}",
    };

    private static HostTopology Read(string format, string name)
    {
        var path = InputPath(format, name);
        if (format != "lstopo") return Fixtures.Parse(path, FormatOf(format));
        // `lstopo; lstopo --distances` in one file: the tree, then the latency matrix.
        var text = Fixtures.Read(path);
        if (File.Exists(Fixtures.PathOf($"lstopo/distances/{name}.txt"))) text += Fixtures.Read($"lstopo/distances/{name}.txt");
        var parsed = LstopoConsoleParser.Parse(text, path);
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Format_yields_the_expected_host(string name, string format)
    {
        using var doc = JsonDocument.Parse(Fixtures.Read($"topology-expected/{name}.json"));
        var expected = doc.RootElement;
        var t = Read(format, name);

        var nodes = expected.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(nodes.Select(n => n.GetProperty("id").GetInt32()), t.Cells.Select(c => c.Id));
        var ids = nodes.Select(n => n.GetProperty("id").GetInt32()).ToList();
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var cell = t.Cells[i];
            Assert.Equal(node.GetProperty("cpus").GetString(), cell.Cpus.ToString());
            if (format != "numactl") // numactl reports no cores
                Assert.Equal(node.GetProperty("siblings").EnumerateArray().Select(s => CpuSet.Parse(s.GetString()!).ToString()),
                    cell.Siblings.Select(s => s.ToString()));
            AssertMemory(format, node.GetProperty("memory_mib").GetInt64(), cell);
            if (format is "hwloc" or "caps" or "sysfs")
            {
                Assert.Equal(node.GetProperty("hugepages_2m").GetInt64(), cell.PagesOfSize(2048)?.Total ?? 0);
                Assert.Equal(node.GetProperty("hugepages_1g").GetInt64(), cell.PagesOfSize(1024 * 1024)?.Total ?? 0);
            }
            var matrix = format is "hwloc" or "lstopo" ? expected.GetProperty("distances") : expected.GetProperty("kernel_distances");
            if (matrix.ValueKind == JsonValueKind.Null) Assert.Empty(cell.Distances);
            else
                Assert.Equal(matrix[i].EnumerateArray().Select((d, j) => (ids[j], d.GetInt32())),
                    cell.Distances.Select(kv => (kv.Key, kv.Value)));
        }

        if (format == "numactl") return;
        // cpu_map rows: [cpu, node, package, die, core] with os ids.
        var rows = expected.GetProperty("cpu_map").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        Assert.Equal(rows.Select(r => (r[0], r[1], r[2])), t.Cpus.Select(c => (c.Id, c.Cell, c.Socket)));
        if (format is "hwloc" or "caps" or "sysfs")
            Assert.Equal(rows.Select(r => r[3]), t.Cpus.Select(c => c.Die));
    }

    private static void AssertMemory(string format, long expectedMiB, NumaCell cell)
    {
        Assert.NotNull(cell.MemoryMiB);
        // lstopo's console rounds to the unit it prints: MB below 10 GB, GB above.
        var allowed = format == "lstopo" && expectedMiB >= 10 * 1024 ? 512 : format == "lstopo" ? 1 : 0;
        Assert.InRange(cell.MemoryMiB.Value, expectedMiB - allowed, expectedMiB + allowed);
    }

    public static TheoryData<string> Hosts()
    {
        var data = new TheoryData<string>();
        foreach (var expected in Fixtures.Files("topology-expected", "*.json")) data.Add(Path.GetFileNameWithoutExtension(expected));
        return data;
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void All_formats_of_one_host_merge_without_a_disagreement(string name)
    {
        var sources = FormatsOf(name).Select(f => new Smog.Topology.Merge.SourcedTopology(f, FormatOf(f), Read(f, name))).ToList();
        Assert.True(sources.Count >= 4);
        var report = Smog.Topology.Merge.TopologyMerger.Merge(sources);
        Assert.Empty(report.Warnings);
    }

    private static TopologyFormat FormatOf(string folder) => folder switch
    {
        "hwloc" => TopologyFormat.HwlocXml,
        "lstopo" => TopologyFormat.LstopoConsole,
        "caps" => TopologyFormat.Capabilities,
        "numactl" => TopologyFormat.Numactl,
        _ => TopologyFormat.Sysfs,
    };

    [Fact]
    public void Sample_console_and_xml_of_one_synthetic_host_agree()
    {
        foreach (var name in new[] { "lstopo-synthetic-2pack-2numa-8core-2pu", "lstopo-synthetic-4numa", "lstopo-synthetic-linuxlike-2s10c2t" })
        {
            var console = Fixtures.Parse($"lstopo/{name}.txt", TopologyFormat.LstopoConsole);
            var xml = Fixtures.Parse($"hwloc/{name}.xml", TopologyFormat.HwlocXml);
            Assert.Equal(xml.Cpus, console.Cpus);
            Assert.Equal(xml.Cells.Select(c => (c.Id, c.Cpus.ToString(), string.Join(" ", c.Siblings), c.MemoryMiB)),
                console.Cells.Select(c => (c.Id, c.Cpus.ToString(), string.Join(" ", c.Siblings), c.MemoryMiB)));
        }
    }
}
