using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace Smog.Tests.Cli;

/// <summary>
/// Golden files for every verb's table output at 80 and 160 columns (approve a reviewed change
/// with <c>SMOG_APPROVE=1 dotnet test</c>). Every line must fit the width, and what the
/// renderers keep whole (rule ids, XPaths, CPU lists, cores) must appear whole.
/// </summary>
public sealed partial class TableGoldenTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-tables-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    // Fixture paths are passed relative to the working directory (the test output folder), so
    // lines that name files fold the same in every checkout; the golden text drops the prefix.
    private static readonly string RelativeRoot = Path.GetRelativePath(Environment.CurrentDirectory, Fixtures.Root) + Path.DirectorySeparatorChar;

    private static string Fixture(string relative) => RelativeRoot + relative;

    public static TheoryData<string, int> Scenarios()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Args.Keys)
            foreach (var width in new[] { 80, 160 }) data.Add(name, width);
        return data;
    }

    private static readonly Dictionary<string, Func<TableGoldenTests, string[]>> Args = new()
    {
        ["discover-sriov-host"] = _ => ["discover", "--from", Fixture("sysfs/synth-2n-2s-10c-2t-linux"), Fixture("numactl/synth-2n-2s-10c-2t-linux.txt")],
        ["discover-disagreeing-sources"] = _ => ["discover", "--from", Fixture("numactl/synth-4n-2s-4c-2t-linux.txt"), Fixture("caps/synth-2n-2s-4c-2t-seq-memless.xml")],
        ["verify-broken"] = _ => ["verify", "--domain", Fixture("verify/b5-broken.xml"), "--host", Fixture("verify/b5-host.json"), "--flavor", Fixture("verify/b5-flavor.json")],
        ["verify-correct"] = _ => ["verify", "--domain", Fixture("verify/b5-correct.xml"), "--host", Fixture("verify/b5-host.json"), "--flavor", Fixture("verify/b5-flavor.json")],
        ["lint-refused"] = t => ["lint", "--flavor", t.Write("""{"vcpus": 4, "memory_mb": 4096, "extra_specs": {"hw:cpu_thread_policy": "isolate", "hw:cpu_polcy": "dedicated", "aggregate_key": "x"}}""")],
        ["lint-1g-pages"] = t => ["lint", "--flavor", t.Write("""{"vcpus": 4, "memory_mb": 4096, "extra_specs": {"hw:cpu_policy": "dedicated", "hw:mem_page_size": "1GB", "hw:numa_nodes": "2", "aggregate_key": "x"}}""")],
        ["plan-emulator-and-pinned"] = t => ["plan", "--case", t.Case("r1-fit-00042")],
        ["plan-why-not"] = t => ["plan", "--case", t.Case("r1-fit-00035")],
        ["plan-1g-pages"] = t => ["plan", "--case", t.Case("04_hugepages_1g")],
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Table_output_matches_its_golden_file_and_fits_the_width(string scenario, int width)
    {
        var (_, stdout, err) = CliRunner.Run(Args[scenario](this), width);
        Assert.True(err.Length == 0, err);

        var tooWide = stdout.Split('\n').Where(l => l.GetCellWidth() > width).ToList();
        Assert.True(tooWide.Count == 0, $"lines wider than {width}:\n{string.Join("\n", tooWide)}");
        var actual = Elapsed().Replace(stdout.Replace(RelativeRoot, "", StringComparison.Ordinal), "(… µs)").ReplaceLineEndings("\n");
        var path = Path.Combine(GoldenDir(), $"{scenario}-{width}.txt");
        if (Environment.GetEnvironmentVariable("SMOG_APPROVE") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"no golden file {Path.GetFileName(path)}; run with SMOG_APPROVE=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Theory]
    [InlineData("verify-broken", "/domain/numatune/memnode[@cellid='1']")]
    [InlineData("verify-broken", "emulator.isolate")]
    [InlineData("lint-refused", "CPUThreadPolicyConfigurationInvalid")]
    [InlineData("lint-refused", "AggregateInstanceExtraSpecsFilter")]
    [InlineData("plan-emulator-and-pinned", "(46←v0 14←v1)")]
    [InlineData("plan-emulator-and-pinned", "(9←emu 41)")]
    [InlineData("discover-sriov-host", "[17,37]")]
    public void Tokens_stay_whole_at_80_columns(string scenario, string token)
    {
        var (_, stdout, _) = CliRunner.Run(Args[scenario](this), 80);

        Assert.Contains(token, stdout, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "flavor.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string Case(string name)
    {
        var path = Path.Combine(_dir, "case.json");
        File.WriteAllText(path, File.ReadLines(Fixtures.PathOf("nova-fit/cases.jsonl")).Single(l => l.Contains($"\"name\":\"{name}\"", StringComparison.Ordinal)));
        return path;
    }

    [GeneratedRegex(@"\(\d+(\.\d+)? µs\)")]
    private static partial Regex Elapsed();
}
