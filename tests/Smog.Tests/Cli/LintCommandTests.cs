using System.Text.Json;
using Smog.Cli;
using Spectre.Console;

namespace Smog.Tests.Cli;

public sealed class LintCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-lint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliRunner.Run(args, width: 400);

    private (int Exit, JsonElement Report) RunJson(string flavorJson, params string[] more)
    {
        var (exit, json, err) = Run(["lint", "--flavor", Write("flavor.json", flavorJson), "--output", "json", .. more]);
        Assert.True(err.Length == 0, err);
        using var document = JsonDocument.Parse(json);
        return (exit, document.RootElement.Clone());
    }

    private static List<(string Key, string Severity, string Rule)> Findings(JsonElement report) =>
        [.. report.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("key").GetString()!, f.GetProperty("severity").GetString()!, f.GetProperty("rule").GetString()!))];

    private static string Flavor(int vcpus, string extraSpecs) => $$$"""{"vcpus": {{{vcpus}}}, "memory_mb": 4096, "extra_specs": {{{{extraSpecs}}}}}""";

    [Fact]
    public void A_clean_dedicated_flavor_has_no_findings_and_one_pinned_cell()
    {
        var (exit, report) = RunJson(Flavor(8, "\"hw:cpu_policy\": \"dedicated\""));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.Empty(Findings(report));
        var constraints = report.GetProperty("constraints");
        Assert.Equal("dedicated", constraints.GetProperty("cpu_policy").GetString());
        Assert.Equal("0-7", constraints.GetProperty("pinned_cpus").GetString());
        var cell = Assert.Single(constraints.GetProperty("numa_cells").EnumerateArray().ToList());
        Assert.Equal("0-7", cell.GetProperty("pcpus").GetString());
        Assert.Equal("", cell.GetProperty("cpus").GetString());
        Assert.Equal(4096, cell.GetProperty("memory_mb").GetInt64());
        // Nova prefers sockets when nothing says otherwise (the oracle's 02_dedicated_8vcpu answers 8:1:1).
        var cpu = constraints.GetProperty("cpu_topology");
        Assert.Equal((8, 1, 1), (cpu.GetProperty("sockets").GetInt32(), cpu.GetProperty("cores").GetInt32(), cpu.GetProperty("threads").GetInt32()));
    }

    [Fact]
    public void A_whole_case_file_is_read_for_its_flavor_and_image_properties()
    {
        // The image asks for two nodes; the flavor alone would have no NUMA topology.
        var path = Write("case.json", """
            {"description": "case", "host": {"numa_nodes": 2},
             "flavor": {"vcpus": 4, "memory_mb": 2048, "extra_specs": {}},
             "image_properties": {"hw_numa_nodes": 2}}
            """);
        var (exit, json, err) = Run("lint", "--flavor", path, "--output", "json");

        Assert.True(exit == ExitCodes.Ok, err);
        using var report = JsonDocument.Parse(json);
        var cells = report.RootElement.GetProperty("constraints").GetProperty("numa_cells").EnumerateArray().ToList();
        Assert.Equal(["0-1", "2-3"], cells.Select(c => c.GetProperty("cpus").GetString()));
        Assert.Equal([1024L, 1024L], cells.Select(c => c.GetProperty("memory_mb").GetInt64()));
    }

    [Fact]
    public void Image_option_supplies_the_image_properties()
    {
        var image = Write("image.json", """{"hw_cpu_policy": "dedicated"}""");
        var (exit, report) = RunJson(Flavor(2, ""), "--image", image);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("0-1", report.GetProperty("constraints").GetProperty("pinned_cpus").GetString());
    }

    [Fact]
    public void A_flavor_without_numa_requests_resolves_to_no_topology()
    {
        var (exit, report) = RunJson(Flavor(4, ""));

        Assert.Equal(ExitCodes.Ok, exit);
        var constraints = report.GetProperty("constraints");
        Assert.Equal(JsonValueKind.Null, constraints.GetProperty("numa_cells").ValueKind);
        Assert.Equal("0-3", constraints.GetProperty("floating_cpus").GetString());
    }

    [Fact]
    public void Numa_policy_is_a_key_nova_does_not_have_and_the_api_refuses_it()
    {
        var (exit, report) = RunJson(Flavor(2, "\"hw:numa_policy\": \"strict\""));

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Equal([("hw:numa_policy", "error", "no-such-key")], Findings(report));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("constraints").ValueKind);
    }

    [Fact]
    public void Below_microversion_2_86_a_key_the_api_would_refuse_is_stored_and_only_warned_about()
    {
        var (exit, report) = RunJson(Flavor(2, "\"hw:numa_policy\": \"strict\""), "--microversion", "2.85");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal([("hw:numa_policy", "warning", "no-such-key")], Findings(report));
        Assert.Equal(JsonValueKind.Object, report.GetProperty("constraints").ValueKind);
    }

    [Fact]
    public void Below_microversion_2_86_a_bad_policy_value_is_stored_but_server_create_refuses_it()
    {
        var (exit, report) = RunJson(Flavor(2, "\"hw:cpu_policy\": \"bogus\""), "--microversion", "2.85");

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Equal([("hw:cpu_policy", "warning", "api-rejects"), ("hw:cpu_policy", "error", "InvalidCPUAllocationPolicy")], Findings(report));
    }

    [Fact]
    public void Below_microversion_2_86_a_non_integer_socket_count_is_stored_but_server_create_refuses_it()
    {
        var (exit, report) = RunJson(Flavor(4, "\"hw:cpu_sockets\": \"abc\""), "--microversion", "2.85");

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains(("hw:cpu_sockets", "warning", "api-rejects"), Findings(report));
        Assert.Contains(Findings(report), f => f is { Severity: "error", Rule: "InvalidRequest" });
    }

    [Fact]
    public void A_thread_policy_without_a_dedicated_cpu_policy_fails_server_create()
    {
        var (exit, text, _) = Run("lint", "--flavor", Write("f.json", Flavor(4, "\"hw:cpu_thread_policy\": \"isolate\"")));

        Assert.Equal(ExitCodes.CheckFailed, exit);
        var row = Assert.Single(text.Split('\n'), l => l.Contains("hw:cpu_thread_policy"));
        Assert.Contains("error", row);
        Assert.Contains("CPUThreadPolicyConfigurationInvalid", row);
        Assert.Contains("constraints not evaluated", text);
    }

    [Fact]
    public void An_unknown_key_in_the_hw_namespace_is_refused_with_a_suggestion()
    {
        var (exit, report) = RunJson(Flavor(2, "\"hw:cpu_polcy\": \"dedicated\""));

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains(("hw:cpu_polcy", "error", "api-rejects"), Findings(report));
        Assert.Contains("did you mean hw:cpu_policy?", report.GetProperty("findings")[0].GetProperty("message").GetString());
    }

    [Fact]
    public void Table_output_lists_findings_and_the_requested_topology()
    {
        var path = Write("f.json", Flavor(4, "\"hw:cpu_policy\": \"dedicated\", \"hw:numa_nodes\": \"2\", \"aggregate_key\": \"x\""));
        var (exit, text, _) = Run("lint", "--flavor", path);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("aggregate-filter", Assert.Single(text.Split('\n'), l => l.Contains("aggregate_key")));
        Assert.Contains("guest NUMA topology: 2 cell(s)", text);
        Assert.Contains("cell 0: pinned vCPUs 0-1, 2 GiB", text);
        Assert.Contains("cell 1: pinned vCPUs 2-3, 2 GiB", text);
        Assert.Contains("guest CPU topology: 4 socket(s) × 1 core(s) × 1 thread(s)", text);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "broken JSON", """{"vcpus": 4,""", "flavor.json:" },
        { "a field of the wrong type", """{"vcpus": "four", "memory_mb": 1}""", "vcpus must be an integer, found \"four\"" },
        { "a missing required field", """{"memory_mb": 1024}""", "flavor.vcpus is missing" },
        { "a case file whose flavor lacks memory", """{"flavor": {"vcpus": 2}}""", "flavor.memory_mb is missing" },
        { "a JSON array", "[1, 2]", "found an array" },
        { "a case file with a broken flavor", """{"flavor": {"vcpus": 1, "memory_mb": 1, "extra_specs": {"hw:x": [1]}}}""", "flavor.extra_specs.hw:x must be a string, number or boolean" },
        { "zero vCPUs", """{"vcpus": 0, "memory_mb": 1024}""", "vcpus must be at least 1, found 0" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_naming_the_file_and_field_with_exit_2(string description, string json, string named)
    {
        var path = Write("flavor.json", json);
        var (exit, _, err) = Run("lint", "--flavor", path);

        Assert.True(exit == ExitCodes.BadInput, description);
        var line = Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith($"smog: {path}", line);
        Assert.Contains(named, line);
    }

    [Fact]
    public void A_missing_flavor_file_is_one_line_with_exit_2()
    {
        var path = Path.Combine(_dir, "absent.json");
        var (exit, _, err) = Run("lint", "--flavor", path);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal($"smog: {path}: no such file", err.TrimEnd());
    }

    [Fact]
    public void A_bad_image_file_names_the_image_file()
    {
        var image = Write("image.json", """{"hw_numa_nodes": {"nested": 1}}""");
        var (exit, _, err) = Run("lint", "--flavor", Write("f.json", Flavor(2, "")), "--image", image);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.StartsWith($"smog: {image}", Assert.Single(err.TrimEnd().Split('\n')));
    }

    [Theory]
    [InlineData("no --flavor", new[] { "lint" })]
    [InlineData("a microversion that is not major.minor", new[] { "lint", "--flavor", "f.json", "--microversion", "two" })]
    [InlineData("an unknown output format", new[] { "lint", "--flavor", "f.json", "--output", "yaml" })]
    public void Usage_errors_exit_2_with_one_line(string description, string[] args)
    {
        var (exit, _, err) = Run(args);

        Assert.True(exit == ExitCodes.BadInput, description);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}
