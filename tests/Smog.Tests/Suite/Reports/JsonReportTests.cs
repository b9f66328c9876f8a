using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Smog.Suite.Reports;
using Smog.Suite.Results;
using Smog.Topology;

namespace Smog.Tests.Suite.Reports;

public class JsonReportTests
{
    private static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    internal static string RepoPath(string relative) => Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", relative));

    private static readonly JsonNode Schema = JsonNode.Parse(File.ReadAllText(RepoPath("src/Smog.Suite/Reports/report.schema.json")))!;

    private static void AssertValid(string json)
    {
        var errors = JsonSchemaCheck.Validate(Schema, JsonNode.Parse(json));
        Assert.True(errors.Count == 0, "report.schema.json rejects the report:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void The_realistic_report_matches_its_golden_file()
    {
        var actual = JsonReport.Render(SampleReports.Realistic());
        var path = Path.Combine(GoldenDir(), "report-realistic.json");
        if (Environment.GetEnvironmentVariable("SMOG_APPROVE") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), "no golden file report-realistic.json; run with SMOG_APPROVE=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    public static TheoryData<string> Samples => ["realistic", "hostile", "empty"];

    private static RunReport Sample(string name) => name switch
    {
        "realistic" => SampleReports.Realistic(),
        "hostile" => SampleReports.HostileReport(),
        _ => SampleReports.Realistic() with { Scenarios = [], Hosts = [], Cleanup = CleanupSummary.Nothing },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_report_follows_the_committed_schema(string sample) => AssertValid(JsonReport.Render(Sample(sample)));

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_report_read_back_renders_the_same_bytes(string sample)
    {
        var json = JsonReport.Render(Sample(sample));

        Assert.Equal(json, JsonReport.Render(JsonReport.Parse(json)));
    }

    [Fact]
    public void Reading_back_keeps_the_evidence_a_report_is_read_for()
    {
        var original = SampleReports.Realistic();

        var back = JsonReport.Parse(JsonReport.Render(original));

        Assert.Equal((original.RunId, original.StartedAt, original.FinishedAt), (back.RunId, back.StartedAt, back.FinishedAt));
        Assert.Equal(original.Target, back.Target);
        Assert.Equal(original.Hosts[0].Topology, back.Hosts[0].Topology);
        Assert.Equal(original.Hosts[0].DedicatedSet, back.Hosts[0].DedicatedSet);
        Assert.Equal(original.Scenarios.Select(s => (s.Id, s.Verdict, s.Duration, s.Skip)), back.Scenarios.Select(s => (s.Id, s.Verdict, s.Duration, s.Skip)));
        var isolate = back.Scenarios[1];
        Assert.Equal([12, 13], isolate.Findings[0].XmlLines);
        Assert.Equal(FindingSeverity.Warning, isolate.Findings[2].Severity);
        Assert.Equal(original.Scenarios[1].Guests[0].DomainXml, isolate.Guests[0].DomainXml);
        var actual = isolate.Guests[0].Actual!;
        Assert.Equal([(0, 12), (1, 28)], actual.Cells[0].Pins.Select(p => (p.Key, p.Value)));
        Assert.Equal(CpuSet.Of(12, 28), actual.EmulatorCpus);
        Assert.Equal(2048, back.Scenarios[0].Guests[0].Actual!.Cells[1].PageSizeKiB);
        Assert.Equal(CpuSet.Parse("0-3,16-19"), back.Scenarios[2].Guests[1].Actual!.FloatingCpus);
        Assert.Equal("no-valid-host", back.Scenarios[3].Guests[0].Predicted!.Outcome);
        Assert.Equal(original.Scenarios[2].Guests[0].Flavor.ExtraSpecs, back.Scenarios[2].Guests[0].Flavor.ExtraSpecs);
        Assert.Equal(original.Cleanup.Leftovers, back.Cleanup.Leftovers);
    }

    [Fact]
    public void Names_are_snake_case_with_a_schema_version_verdict_words_and_derived_totals()
    {
        var json = JsonNode.Parse(JsonReport.Render(SampleReports.Realistic()))!;

        Assert.Equal(1, (int)json["schema_version"]!);
        Assert.Equal(1, (int)json["exit_code"]!);
        Assert.Equal("member", (string?)json["target"]!["boots_as"]);
        Assert.Equal([6, 3, 1, 1, 1], new[] { "total", "passed", "failed", "skipped", "errored" }.Select(k => (int)json["summary"]![k]!));
        Assert.Equal(["passed", "failed", "passed", "passed", "skipped", "errored"], json["scenarios"]!.AsArray().Select(s => (string)s!["verdict"]!));
        Assert.Equal("no-1g-pages", (string?)json["scenarios"]![4]!["skip"]!["code"]);
        Assert.Equal("12,28", (string?)json["scenarios"]![1]!["guests"]![0]!["actual"]!["emulator_cpus"]);
    }

    [Fact]
    public void The_coverage_matrix_says_who_offers_each_capability_and_where_scenarios_ran()
    {
        var coverage = JsonNode.Parse(JsonReport.Render(SampleReports.Realistic()))!["coverage"]!;

        Assert.Equal(["compute-0", "compute-1"], coverage["hosts"]!.AsArray().Select(h => (string)h!));
        var smt = coverage["capabilities"]!.AsArray().Single(c => (string?)c!["code"] == "smt")!;
        Assert.Equal(["compute-0"], smt["offered_by"]!.AsArray().Select(h => (string)h!));
        var migrate = coverage["rows"]!.AsArray().Single(r => (string?)r!["scenario"] == "lifecycle.live-migrate")!;
        Assert.Equal(["compute-1"], migrate["hosts_used"]!.AsArray().Select(h => (string)h!));
        var withUnmet = SampleReports.Realistic() with { Scenarios = [SampleReports.Realistic().Scenarios[4] with { Needs = ["pages-1g", "sriov"] }] };
        var row = JsonNode.Parse(JsonReport.Render(withUnmet))!["coverage"]!["rows"]![0]!;
        Assert.Equal(["sriov"], row["unmet"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void Secrets_in_an_auth_url_never_reach_the_file()
    {
        var json = JsonReport.Render(SampleReports.HostileReport());

        Assert.DoesNotContain("s3cr3t", json, StringComparison.Ordinal);
        Assert.Equal("https://keystone.example:5000/v3", (string?)JsonNode.Parse(json)!["target"]!["auth_url"]);
    }

    [Fact]
    public void Every_field_the_schema_documents_appears_in_the_sample_reports()
    {
        // The schema forbids undocumented fields (additionalProperties: false); this is the other
        // direction: no documented field is dead, so the samples exercise the whole contract.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in new[] { SampleReports.Realistic(), SampleReports.HostileReport() })
            Collect(JsonNode.Parse(JsonReport.Render(sample)), "", seen);
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, definition) in Schema["$defs"]!.AsObject().Append(KeyValuePair.Create("", (JsonNode?)Schema)))
            foreach (var (field, _) in definition!["properties"]?.AsObject() ?? [])
                documented.Add(field);
        Assert.Empty(documented.Except(seen).Order());
    }

    private static void Collect(JsonNode? node, string name, HashSet<string> seen)
    {
        if (name.Length > 0) seen.Add(name);
        if (node is JsonObject obj) foreach (var (key, value) in obj) Collect(value, key, seen);
        if (node is JsonArray array) foreach (var item in array) Collect(item, "", seen);
    }

    [Fact]
    public void The_checker_catches_a_missing_field_a_wrong_type_and_an_undocumented_field()
    {
        var json = JsonNode.Parse(JsonReport.Render(SampleReports.Realistic()))!;
        json.AsObject().Remove("run_id");
        json["scenarios"]![0]!["verdict"] = 3;
        json["scenarios"]![1]!["guests"]![0]!["actual"]!["cells"]![0]!["pins"]!["x"] = 1;
        json["target"]!["password"] = "hunter2";

        var errors = JsonSchemaCheck.Validate(Schema, json);

        Assert.Contains("$ lacks required 'run_id'", errors);
        Assert.Contains(errors, e => e.StartsWith("$.scenarios[0].verdict 3 is not one of", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.scenarios[1].guests[0].actual.cells[0].pins[name x] 'x' does not match", StringComparison.Ordinal));
        Assert.Contains("$.target has undocumented 'password'", errors);
    }

    [Fact]
    public void Reading_a_report_of_another_schema_version_or_an_unknown_verdict_says_so()
    {
        var json = JsonNode.Parse(JsonReport.Render(SampleReports.Realistic()))!;
        json["schema_version"] = 2;
        var version = Assert.Throws<JsonException>(() => JsonReport.Parse(json.ToJsonString()));
        Assert.Equal("schema_version 2 is not supported (this smog reads 1)", version.Message);

        json["schema_version"] = 1;
        json["scenarios"]![0]!["verdict"] = "green";
        var verdict = Assert.Throws<JsonException>(() => JsonReport.Parse(json.ToJsonString()));
        Assert.Equal("scenario numa.two-nodes: verdict 'green' is not passed, failed, skipped or errored", verdict.Message);
    }
}
