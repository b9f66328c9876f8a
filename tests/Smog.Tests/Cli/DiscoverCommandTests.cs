using System.Text.Json;
using Smog.Cli;
using Spectre.Console;

namespace Smog.Tests.Cli;

public class DiscoverCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void From_a_four_node_hwloc_xml_prints_four_nodes_as_json()
    {
        const string name = "synth-4n-2s-4c-2t-linux";
        var (exit, json, err) = Run("discover", "--from", Fixtures.Require($"hwloc/{name}.xml"), "--output", "json");
        Assert.True(exit == 0, err);

        using var actual = JsonDocument.Parse(json);
        using var expected = JsonDocument.Parse(Fixtures.Read($"topology-expected/{name}.json"));
        var cells = actual.RootElement.GetProperty("cells").EnumerateArray().ToList();
        var nodes = expected.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(4, cells.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(nodes[i].GetProperty("id").GetInt32(), cells[i].GetProperty("id").GetInt32());
            Assert.Equal(nodes[i].GetProperty("cpus").GetString(), cells[i].GetProperty("cpus").GetString());
            Assert.Equal(nodes[i].GetProperty("siblings").EnumerateArray().Select(s => s.GetString()),
                cells[i].GetProperty("siblings").EnumerateArray().Select(s => s.GetString()));
            Assert.Equal(nodes[i].GetProperty("memory_mib").GetInt64(), cells[i].GetProperty("memory_mb").GetInt64());
        }
    }

    [Fact]
    public void Table_output_shows_each_node_with_smt_and_memory()
    {
        var (exit, text, _) = Run("discover", "--from", Fixtures.Require("caps/synth-2n-2s-10c-2t-linux.xml"), Fixtures.Require("numactl/synth-2n-2s-10c-2t-linux.txt"));
        Assert.Equal(0, exit);
        Assert.Contains("NUMA node 0", text);
        Assert.Contains("NUMA node 1", text);
        Assert.Contains("SMT yes (2 threads per core)", text);
        Assert.Contains("[0,20] [1,21]", text);
        Assert.Contains("64 GiB", text);
    }

    [Fact]
    public void A_file_in_no_known_format_is_one_line_naming_it_and_exit_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smog-not-a-topology-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "hello, I am not a topology\n");
        try
        {
            var (exit, _, err) = Run("discover", "--from", path);
            Assert.Equal(ExitCodes.BadInput, exit);
            var line = Assert.Single(err.TrimEnd().Split('\n'));
            Assert.Contains(path, line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_damaged_file_reports_its_line_and_exit_2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smog-bad-numactl-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "available: 1 nodes (0)\nnode 0 cpus: 0\nnode 7 size: 1 MB\n");
        try
        {
            var (exit, _, err) = Run("discover", "--from", path);
            Assert.Equal(ExitCodes.BadInput, exit);
            Assert.StartsWith($"smog: {path}:3: expected", Assert.Single(err.TrimEnd().Split('\n')));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("discover")]
    [InlineData("discover", "--local", "--from", "x")]
    [InlineData("discover", "--from", "/nonexistent/smog.xml")]
    [InlineData("discover", "--local", "--output", "yaml")]
    public void Bad_usage_exits_2_with_one_line(params string[] args)
    {
        var (exit, _, err) = Run(args);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Local_discovery_describes_this_machine()
    {
        // Real component: this machine's /sys and whichever of numactl, lstopo and virsh exist.
        if (!Directory.Exists("/sys/devices/system/cpu")) Assert.Skip("no sysfs on this machine");
        var (exit, text, err) = Run("discover", "--local");
        Assert.True(exit == 0, err);
        Assert.Contains("NUMA node 0", text);
        Assert.Contains("/sys (sysfs)", text);
    }

    [Fact]
    public void Discover_json_reads_back_into_the_same_json()
    {
        var (_, first, _) = Run("discover", "--from", Fixtures.Require("sysfs/synth-2n-2s-10c-2t-linux"), Fixtures.Require("hwloc/synth-2n-2s-10c-2t-linux.xml"), "-o", "json");
        var path = Path.Combine(Path.GetTempPath(), $"smog-discover-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, first);
        try
        {
            var (exit, second, err) = Run("discover", "--from", path, "-o", "json");
            Assert.True(exit == 0, err);
            Assert.Equal(first, second);
            Assert.Contains("\"sriov_total_vfs\"", second);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_directory_holding_sys_is_read_as_that_tree()
    {
        var dir = Directory.CreateTempSubdirectory("smog-sys-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(dir, "sys"), Fixtures.Require("sysfs/synth-2n-2s-4c-2t-seq-sparse"));
            var (exit, json, err) = Run("discover", "--from", dir, "-o", "json");
            Assert.True(exit == 0, err);
            using var doc = JsonDocument.Parse(json);
            Assert.Equal([0, 2], doc.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_directory_that_is_not_sysfs_is_one_line_and_exit_2()
    {
        var (exit, _, err) = Run("discover", "--from", Fixtures.Require("numactl"));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("not a sysfs tree", Assert.Single(err.TrimEnd().Split('\n')));
    }

    [Fact]
    public void A_sysfs_directory_is_read_as_a_tree()
    {
        var (exit, json, err) = Run("discover", "--from", Fixtures.Require("sysfs/synth-4n-2s-4c-2t-linux-cpuless"), "-o", "json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["0-3,8-11", "4-7,12-15", "", ""],
            doc.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("cpus").GetString()));
    }
}
