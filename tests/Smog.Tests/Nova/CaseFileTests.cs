using Smog.Nova.Cases;

namespace Smog.Tests.Nova;

public class CaseFileTests
{
    [Fact]
    public void Reads_the_oracle_case_schema_and_ignores_unknown_fields()
    {
        const string json = """
            {"name": "n1", "description": "d", "host": {"numa_nodes": 2}, "limits": null,
             "flavor": {"vcpus": 4, "memory_mb": 2048, "disk_gb": 1, "extra_specs": {"hw:numa_nodes": "2", "hw:cpu_realtime": true, "x": 2}},
             "image_properties": {"hw_cpu_max_sockets": 1, "hw_mem_page_size": "2MB", "hw_locked_memory": false, "gone": null}}
            """;
        var parsed = CaseFile.Parse(json, "case.json");
        Assert.True(parsed.Success);
        var flavor = parsed.Value.Flavor.ToFlavor();
        Assert.Equal((4, 2048L), (flavor.Vcpus, flavor.MemoryMiB));
        Assert.Equal("2", flavor.Spec("hw:numa_nodes"));
        Assert.Equal("True", flavor.Spec("hw:cpu_realtime"));
        Assert.Equal("2", flavor.Spec("x"));
        var image = parsed.Value.ToImageProperties();
        Assert.Equal("1", image.Get("hw_cpu_max_sockets"));
        Assert.Equal("False", image.Get("hw_locked_memory"));
        Assert.Null(image.Get("gone"));
        Assert.Equal("n1", parsed.Value.Name);
    }

    [Theory]
    [InlineData("{\"flavor\": {\"vcpus\": \"four\", \"memory_mb\": 1}}", "$.flavor.vcpus")]
    [InlineData("{\"flavor\": {\"vcpus\": 4, \"memory_mb\": 1, \"extra_specs\": {\"a\": [1]}}}", "$.flavor.extra_specs")]
    [InlineData("{\"name\": \"no flavor\"}", "case")]
    [InlineData("not json", "case")]
    public void Bad_input_gives_one_line_naming_the_file_and_field(string json, string field)
    {
        var parsed = CaseFile.Parse(json, "cases.jsonl", 7);
        Assert.False(parsed.Success);
        var message = parsed.Errors[0].ToString();
        Assert.StartsWith("cases.jsonl:7:", message);
        Assert.Contains(field, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Json_lines_are_read_one_case_per_line_with_line_numbers()
    {
        var results = CaseFile.ParseLines("{\"flavor\": {\"vcpus\": 1, \"memory_mb\": 512}}\n\n{\"flavor\": 3}\n", "batch.jsonl").ToList();
        Assert.Equal(2, results.Count);
        Assert.True(results[0].Success);
        Assert.Equal(3, results[1].Errors[0].Line);
    }
}
