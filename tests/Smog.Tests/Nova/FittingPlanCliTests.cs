using System.Text.Json;

namespace Smog.Tests.Nova;

/// <summary><c>smog plan</c> end to end: engine constraints, fitter, JSON and human output, input errors.</summary>
public sealed class FittingPlanCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-plan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => Smog.Tests.Cli.CliRunner.Run(args);

    /// <summary>The fixture case lines with these names, written as files.</summary>
    private string[] CaseFiles(params string[] names)
    {
        var lines = File.ReadLines(Fixtures.Require("nova-fit/cases.jsonl"))
            .Where(l => names.Any(n => l.Contains($"\"name\":\"{n}\"", StringComparison.Ordinal))).ToList();
        Assert.Equal(names.Length, lines.Count);
        return [.. lines.Select((l, i) =>
        {
            var path = Path.Combine(_dir, $"case{i}.json");
            File.WriteAllText(path, l);
            return path;
        })];
    }

    [Fact]
    public void Json_output_matches_the_oracle_on_the_dedicated_example()
    {
        var (exit, json, err) = Run("plan", "--case", CaseFiles("02_dedicated_8vcpu")[0], "--output", "json");
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("fits").GetBoolean());
        Assert.True(root.GetProperty("filter_passes").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("constraints_error").ValueKind);
        Assert.Equal(8, root.GetProperty("cpu_topology").GetProperty("sockets").GetInt32());
        var cell = Assert.Single(root.GetProperty("instance_cells").EnumerateArray());
        Assert.Equal(0, cell.GetProperty("host_cell").GetInt32());
        // oracle: 0→6, 1→2, 2→5, 3→4, 4→1, 5→7, 6→0, 7→3
        Assert.Equal([6, 2, 5, 4, 1, 7, 0, 3], cell.GetProperty("cpu_pinning").EnumerateObject().Select(p => p.Value.GetInt32()));
        Assert.True(root.GetProperty("elapsed_us").GetDouble() > 0);
    }

    [Fact]
    public void Human_output_marks_the_vcpu_of_each_pcpu()
    {
        var (exit, text, err) = Run("plan", "--case", CaseFiles("02_dedicated_8vcpu")[0]);
        Assert.True(exit == 0, err);
        Assert.Contains("fits: yes", text, StringComparison.Ordinal);
        Assert.Contains("(6←v0)", text, StringComparison.Ordinal);
        Assert.Contains("(3←v7)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_writes_one_line_per_case_with_its_name()
    {
        var names = new[] { "01_4node_numa2_shared", "06_cannot_fit", "07_constraints_error" };
        var batch = Path.Combine(_dir, "batch.jsonl");
        File.WriteAllLines(batch, CaseFiles(names).Select(File.ReadAllText));
        var (exit, output, err) = Run("plan", "--batch", batch);
        Assert.True(exit == 0, err);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(names, results.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal([true, false, false], results.Select(r => r.GetProperty("fits").GetBoolean()));
        Assert.StartsWith("CPUThreadPolicyConfigurationInvalid", results[2].GetProperty("constraints_error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing cell field", """{"host":{"cells":[{"id":0}]},"flavor":{"vcpus":1,"memory_mb":512}}""", "host.cells[0].cpus is missing")]
    [InlineData("bad siblings order", """{"host":{"cells":[{"id":0,"cpus":[0],"memory_mb":1,"siblings_order":"x"}]},"flavor":{"vcpus":1,"memory_mb":512}}""", "siblings_order")]
    [InlineData("not JSON", "{", "not valid JSON")]
    public void Bad_cases_give_one_line_and_exit_2(string description, string content, string expected)
    {
        _ = description;
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, content);
        var (exit, _, err) = Run("plan", "--case", path);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
