using System.Text.Json;
using Smog.Nova;
using Smog.Input;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;

namespace Smog.Tests.Nova;

/// <summary>One oracle case and Nova 26.2.2's recorded answer.</summary>
internal sealed record OracleVector(int Line, NovaCase Case, JsonElement Expected)
{
    public string Label => $"line {Line} '{Case.Name}'";

    /// <summary>
    /// Reads cases.jsonl and expected.jsonl of a fixture folder (or an absolute folder), pairing them
    /// by line; when both lines carry a name, the names must agree.
    /// </summary>
    public static IReadOnlyList<OracleVector> Load(string folder)
    {
        // A rooted folder (a fresh batch) stays as it is; Require names whichever file is missing.
        var casesPath = Fixtures.Require(Path.Combine(folder, "cases.jsonl"));
        var expectedPath = Fixtures.Require(Path.Combine(folder, "expected.jsonl"));
        var cases = File.ReadAllLines(casesPath).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var expected = File.ReadAllLines(expectedPath).Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        Assert.Equal(cases.Length, expected.Length);
        var vectors = cases.Select((text, i) =>
            new OracleVector(i + 1, CaseReader.Read(JsonDocument.Parse(text).RootElement, casesPath, i + 1, ignoreHost: true).Value, JsonDocument.Parse(expected[i]).RootElement.Clone())).ToList();
        foreach (var v in vectors)
            if (v.Case.Name is { } name && v.Expected.TryGetProperty("name", out var n) && n.GetString() != name)
                Assert.Fail($"{folder}: line {v.Line} pairs case '{name}' with the answer for '{n.GetString()}'");
        return vectors;
    }

    /// <summary>True when the oracle could not run the case (its own input error); such rows carry no verdict.</summary>
    public bool OracleFailed => Expected.TryGetProperty("oracle_error", out var e) && e.ValueKind != JsonValueKind.Null;
}

/// <summary>
/// Compares the engine's constraints and CPU topology with one oracle answer, field by field,
/// and describes each disagreement. Error messages are not compared, only exception classes.
/// </summary>
internal static class OracleComparison
{
    public static IEnumerable<string> ConstraintDifferences(OracleVector v)
    {
        var result = NumaConstraints.Get(v.Case.Flavor, v.Case.Image);
        var expectedError = ErrorClass(v.Expected, "constraints_error");
        if (expectedError != result.Error?.ExceptionClass)
        {
            yield return $"constraints error: expected {expectedError ?? "none"}, got {result.Error?.ToString() ?? "none"}";
            yield break;
        }
        if (result.IsError) yield break;
        var expected = v.Expected.GetProperty("requested_topology");
        foreach (var d in TopologyDifferences(expected, result.Topology)) yield return d;
    }

    public static IEnumerable<string> CpuTopologyDifferences(OracleVector v)
    {
        var result = CpuTopologyChooser.Best(v.Case.Flavor, v.Case.Image);
        var expectedError = ErrorClass(v.Expected, "cpu_topology_error");
        if (expectedError != result.Error?.ExceptionClass)
            yield return $"cpu topology error: expected {expectedError ?? "none"}, got {result.Error?.ToString() ?? "none"}";
        else if (expectedError is null)
        {
            var t = v.Expected.GetProperty("cpu_topology");
            var expected = new GuestCpuTopology(t.GetProperty("sockets").GetInt32(), t.GetProperty("cores").GetInt32(), t.GetProperty("threads").GetInt32());
            if (expected != result.Topology) yield return $"cpu topology: expected {expected}, got {result.Topology}";
        }
    }

    private static IEnumerable<string> TopologyDifferences(JsonElement expected, RequestedTopology? actual)
    {
        if (expected.ValueKind == JsonValueKind.Null || actual is null)
        {
            if ((expected.ValueKind == JsonValueKind.Null) != (actual is null))
                yield return $"topology: expected {(expected.ValueKind == JsonValueKind.Null ? "none" : "one")}, got {(actual is null ? "none" : "one")}";
            yield break;
        }
        var emulator = Str(expected, "emulator_threads_policy");
        if (emulator != actual.EmulatorThreads?.ToString().ToLowerInvariant())
            yield return $"emulator threads policy: expected {emulator ?? "none"}, got {actual.EmulatorThreads}";
        var cells = expected.GetProperty("cells").EnumerateArray().ToArray();
        if (cells.Length != actual.Cells.Length)
        {
            yield return $"cells: expected {cells.Length}, got {actual.Cells.Length}";
            yield break;
        }
        for (var i = 0; i < cells.Length; i++)
        {
            var e = cells[i];
            var a = actual.Cells[i];
            var expectedCell = $"cpus={Ids(e, "cpus")} pcpus={Ids(e, "pcpus")} mem={e.GetProperty("memory_mb").GetInt64()} page={Num(e, "pagesize_kb")} policy={Str(e, "cpu_policy")} thread={Str(e, "cpu_thread_policy")}";
            var actualCell = $"cpus={a.Cpus} pcpus={a.Pcpus} mem={a.MemoryMiB} page={a.PageSize?.ToNova()} policy={a.CpuPolicy?.ToString().ToLowerInvariant()} thread={a.ThreadPolicy?.ToString().ToLowerInvariant()}";
            if (expectedCell != actualCell) yield return $"cell {i}: expected {expectedCell}, got {actualCell}";
        }
    }

    private static string? ErrorClass(JsonElement expected, string field) =>
        Str(expected, field) is { } text ? text.Split(':', 2)[0] : null;

    private static string? Str(JsonElement e, string field) =>
        e.TryGetProperty(field, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static string? Num(JsonElement e, string field) =>
        e.TryGetProperty(field, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string Ids(JsonElement e, string field) =>
        Smog.Topology.CpuSet.Of(e.GetProperty(field).EnumerateArray().Select(x => x.GetInt32())).ToString();
}
