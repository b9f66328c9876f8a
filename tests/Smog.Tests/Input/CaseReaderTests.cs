using Smog.Input;
using Smog.Nova.Config;

namespace Smog.Tests.Input;

public class CaseReaderTests
{
    [Fact]
    public void Reads_the_oracle_case_schema_once_and_ignores_unknown_fields()
    {
        const string json = """
            {"name": "n1", "description": "d", "host": {"numa_nodes": 2, "cores_per_node": 2}, "limits": null,
             "flavor": {"vcpus": 4, "memory_mb": 2048, "disk_gb": 1, "extra_specs": {"hw:numa_nodes": "2", "hw:cpu_realtime": true, "x": 2}},
             "image_properties": {"hw_cpu_max_sockets": 1, "hw_mem_page_size": "2MB", "hw_locked_memory": false, "gone": null},
             "config": {"packing_host_numa_cells_allocation_strategy": true, "libvirt": {"cpu_mode": "host-passthrough"}}}
            """;
        var parsed = CaseReader.Read(json, "case.json");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        var c = parsed.Value;
        Assert.Equal((4, 2048L), (c.Flavor.Vcpus, c.Flavor.MemoryMiB));
        Assert.Equal("2", c.Flavor.Spec("hw:numa_nodes"));
        Assert.Equal("True", c.Flavor.Spec("hw:cpu_realtime"));
        Assert.Equal("2", c.Flavor.Spec("x"));
        Assert.Equal("1", c.Image.Get("hw_cpu_max_sockets"));
        Assert.Equal("False", c.Image.Get("hw_locked_memory"));
        Assert.Null(c.Image.Get("gone"));
        Assert.Equal("n1", c.Name);
        Assert.Null(c.Limits);
        Assert.Equal(2, c.Host!.Cells.Length);
        Assert.True(c.Conf.PackHostNumaCells);
        Assert.Equal("host-passthrough", c.Conf.CpuMode);
        Assert.True(c.Node().Conf.PackHostNumaCells);
    }

    [Theory]
    [InlineData("{\"flavor\": {\"vcpus\": \"four\", \"memory_mb\": 1}, \"host\": {\"numa_nodes\": 1, \"cores_per_node\": 1}}", "flavor.vcpus")]
    [InlineData("{\"flavor\": {\"vcpus\": 4, \"memory_mb\": 1, \"extra_specs\": {\"a\": [1]}}, \"host\": {\"numa_nodes\": 1, \"cores_per_node\": 1}}", "flavor.extra_specs.a")]
    [InlineData("{\"name\": \"no flavor\"}", "case.flavor")]
    [InlineData("{\"flavor\": {\"vcpus\": 1, \"memory_mb\": 1}}", "case.host")]
    [InlineData("{\"flavor\": {\"vcpus\": 1, \"memory_mb\": 1}, \"host\": {\"numa_nodes\": 1, \"cores_per_node\": 1}, \"config\": {\"compute\": {\"cpu_dedicated_set\": \"x\"}}}", "[compute] cpu_dedicated_set")]
    public void Bad_input_gives_one_line_naming_the_file_line_and_field(string json, string field)
    {
        var parsed = CaseReader.Read(System.Text.Json.JsonDocument.Parse(json).RootElement, "cases.jsonl", 7);
        Assert.False(parsed.Success);
        var message = parsed.Errors[0].ToString();
        Assert.StartsWith("cases.jsonl:7:", message);
        Assert.Contains(field, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Text_that_is_not_json_names_the_file_and_line()
    {
        var parsed = CaseReader.Read("{\n  not json", "case.json");
        Assert.False(parsed.Success);
        Assert.StartsWith("case.json:2: not valid JSON", parsed.Errors[0].ToString());
    }

    [Fact]
    public void Json_lines_are_read_one_case_per_line_and_the_first_bad_line_is_named()
    {
        const string host = "\"host\": {\"numa_nodes\": 1, \"cores_per_node\": 1}";
        var good = CaseReader.ReadLines($"{{\"flavor\": {{\"vcpus\": 1, \"memory_mb\": 512}}, {host}}}\n\n{{\"flavor\": {{\"vcpus\": 2, \"memory_mb\": 512}}, {host}}}\n", "batch.jsonl");
        Assert.Equal([1, 2], good.Value.Select(c => c.Flavor.Vcpus));
        var bad = CaseReader.ReadLines($"{{\"flavor\": {{\"vcpus\": 1, \"memory_mb\": 512}}, {host}}}\n\n{{\"flavor\": 3}}\n", "batch.jsonl");
        Assert.Equal(3, bad.Errors[0].Line);
        Assert.Contains("no JSON lines", CaseReader.ReadLines("\n  \n", "empty.jsonl").Errors[0].ToString());
    }

    [Fact]
    public void A_discovered_host_replaces_the_case_host_unread()
    {
        var parsed = CaseReader.Read("{\"flavor\": {\"vcpus\": 1, \"memory_mb\": 512}, \"host\": {\"cpu_nodes\": 2}}", "f.json", ignoreHost: true);
        Assert.True(parsed.Success);
        Assert.Null(parsed.Value.Host);
        Assert.Equal(NovaConf.Default, parsed.Value.Conf);
    }
}
