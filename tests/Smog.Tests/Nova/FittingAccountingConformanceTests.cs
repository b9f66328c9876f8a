using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Accounting;
using Smog.Input;
using Smog.Nova.Scheduling;
using Smog.Nova.Fitting;
using Smog.Nova.Host;

namespace Smog.Tests.Nova;

/// <summary>
/// Claim and release against Nova 26's numa_usage_from_instance_numa (tools/oracle/accounting_probe.py):
/// usage after a claim, the error of a second claim, usage after freeing, the error of a second free.
/// </summary>
public sealed class FittingAccountingConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Claims_and_releases_agree_with_nova()
    {
        var lines = FittingConformance.ReadLines(Fixtures.Require("nova-fit/accounting.jsonl")).ToList();
        var disagreements = new List<string>();
        var claimed = 0;
        foreach (var line in lines)
        {
            var expected = line.GetProperty("out");
            var c = CaseReader.Read(line.GetProperty("case"), "case").Value;
            var request = NovaPlanner.Resolve(c.Flavor, c.Image).Topology!;
            var node = c.Node();
            var fitted = node.Fit(request, c.Request.PciRequests).Topology;
            var name = expected.GetProperty("name").GetString();
            if ((fitted is not null) != expected.GetProperty("fits").GetBoolean()) { disagreements.Add($"{name}: fits"); continue; }
            if (fitted is null) continue;
            var diffs = Compare(node, fitted, expected).ToList();
            if (diffs.Count > 0) disagreements.Add($"{name}: {string.Join("; ", diffs)}");
            else claimed++;
        }
        output.WriteLine($"{lines.Count} cases, {claimed} claimed instances agree, {disagreements.Count} disagree");
        Assert.True(lines.Count >= 300);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
    }

    // Through the engine's entry point: the compute node claims and releases.
    private static IEnumerable<string> Compare(ComputeNode node, FittedTopology fitted, JsonElement expected)
    {
        var claim = node.Claim(fitted);
        if (Error(claim.Error) != Str(expected, "claim_error")) { yield return $"claim error {Error(claim.Error)} vs {Str(expected, "claim_error")}"; yield break; }
        if (claim.Node is null) yield break;
        foreach (var d in Usage(claim.Node.Host, expected.GetProperty("after_claim"), "after claim")) yield return d;
        if (Error(claim.Node.Claim(fitted).Error) != Str(expected, "second_claim_error")) yield return "second claim error";
        var freed = claim.Node.Release(fitted);
        if (Error(freed.Error) != Str(expected, "free_error")) { yield return "free error"; yield break; }
        if (freed.Node is null) yield break;
        foreach (var d in Usage(freed.Node.Host, expected.GetProperty("after_free"), "after free")) yield return d;
        if (Error(freed.Node.Release(fitted).Error) != Str(expected, "second_free_error")) yield return "second free error";
    }

    private static IEnumerable<string> Usage(NovaHost host, JsonElement cells, string when)
    {
        foreach (var cell in cells.EnumerateArray())
        {
            var mine = host.Cell(cell.GetProperty("id").GetInt32())!;
            var pinned = cell.GetProperty("pinned_cpus").EnumerateArray().Select(x => x.GetInt32());
            if (!mine.PinnedCpus.SequenceEqual(pinned)) yield return $"{when} cell {mine.Id} pinned {mine.PinnedCpus}";
            if (mine.CpuUsage != cell.GetProperty("cpu_usage").GetInt32()) yield return $"{when} cell {mine.Id} cpu_usage {mine.CpuUsage}";
            if (mine.MemoryUsageMiB != cell.GetProperty("memory_usage_mb").GetInt64()) yield return $"{when} cell {mine.Id} memory_usage {mine.MemoryUsageMiB}";
            var pages = cell.GetProperty("pages_used").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetInt64()));
            if (!mine.Mempages.Select(p => (p.SizeKiB, p.Used)).SequenceEqual(pages)) yield return $"{when} cell {mine.Id} pages";
        }
    }

    private static string? Error(NovaError? e) => e?.ExceptionClass;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
