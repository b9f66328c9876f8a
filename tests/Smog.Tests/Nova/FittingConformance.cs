using System.Text.Json;
using Smog.Input;
using Smog.Nova.Scheduling;

namespace Smog.Tests.Nova;

/// <summary>
/// Compares the engine's plan for an oracle case with the oracle's recorded output on the
/// contract fields: fits, filter_passes, host cell, page size, reserved CPUs and pinning.
/// Pinning must match exactly where Nova's thread order is stable; inside cores whose thread
/// ids collide in CPython's 8-slot set (ids congruent mod 8) Nova's order flips on copies
/// (nova-26-numa-semantics.md §3.2), so there only the core each vCPU lands on must match.
/// </summary>
internal static class FittingConformance
{
    public sealed record Outcome(int Cases, int Agreed, int ExactPinning, List<string> Disagreements);

    public static IEnumerable<JsonElement> ReadLines(string path) =>
        File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    /// <summary>
    /// Runs every case and compares. By default the fitter is fed the oracle's requested topology;
    /// with <paramref name="engineConstraints"/> the engine computes it (and the guest CPU
    /// topology) itself, and the refusal's exception class must match too.
    /// </summary>
    public static Outcome Run(string casesPath, string expectedPath, bool engineConstraints = false)
    {
        var cases = ReadLines(casesPath).ToList();
        var expected = ReadLines(expectedPath).ToList();
        Assert.Equal(cases.Count, expected.Count);
        var disagreements = new List<string>();
        var exact = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            var name = cases[i].TryGetProperty("name", out var n) ? n.ToString() : $"line {i + 1}";
            if (expected[i].TryGetProperty("oracle_error", out _)) continue;
            var c = CaseReader.Read(cases[i], casesPath, i + 1).Value;
            var plan = engineConstraints ? NovaPlanner.Plan(c.Node(), c.Request)
                : NovaPlanner.Plan(c.Node(), c.Request, OracleOutputReader.RecordedResolution(expected[i], NovaPlanner.Resolve(c.Flavor, c.Image), expectedPath, i + 1).Value);
            using var mine = JsonDocument.Parse(PlanJson.Write(plan));
            var diffs = Diff(expected[i], mine.RootElement, out var exactPins);
            if (engineConstraints) diffs.AddRange(RequestDiff(expected[i], mine.RootElement));
            if (diffs.Count > 0) disagreements.Add($"{name}: {string.Join("; ", diffs)}");
            else if (exactPins) exact++;
        }
        return new Outcome(cases.Count, cases.Count - disagreements.Count, exact, disagreements);
    }

    public static List<string> Diff(JsonElement expected, JsonElement actual, out bool exactPinning)
    {
        var diffs = new List<string>();
        exactPinning = true;
        foreach (var field in new[] { "fits", "filter_passes" })
            if (expected.GetProperty(field).ToString() != actual.GetProperty(field).ToString())
                diffs.Add($"{field}: oracle {expected.GetProperty(field)}, smog {actual.GetProperty(field)}");
        var coreOf = CoreMap(expected);
        var e = expected.GetProperty("instance_cells").EnumerateArray().ToList();
        var a = actual.GetProperty("instance_cells").EnumerateArray().ToList();
        if (e.Count != a.Count) return [.. diffs, $"instance_cells: oracle {e.Count}, smog {a.Count}"];
        for (var i = 0; i < e.Count; i++)
        {
            foreach (var field in new[] { "host_cell", "pagesize_kb" })
                if (e[i].GetProperty(field).ToString() != a[i].GetProperty(field).ToString())
                    diffs.Add($"cell {i} {field}: oracle {e[i].GetProperty(field)}, smog {a[i].GetProperty(field)}");
            var ePins = Pins(e[i]);
            var aPins = Pins(a[i]);
            var eRes = Ids(e[i].GetProperty("cpuset_reserved"));
            var aRes = Ids(a[i].GetProperty("cpuset_reserved"));
            if (ePins.SequenceEqual(aPins) && eRes.SequenceEqual(aRes)) continue;
            exactPinning = false;
            var unstable = ePins.Values.Concat(eRes).Any(p => coreOf.TryGetValue(p, out var core) && Collides(core));
            var samePerCore = ePins.Keys.SequenceEqual(aPins.Keys)
                && ePins.All(p => Core(coreOf, p.Value) == Core(coreOf, aPins[p.Key]))
                && eRes.Select(x => Core(coreOf, x)).SequenceEqual(aRes.Select(x => Core(coreOf, x)));
            if (!unstable || !samePerCore)
                diffs.Add($"cell {i} pinning: oracle {Show(ePins)} reserved [{string.Join(",", eRes)}], smog {Show(aPins)} reserved [{string.Join(",", aRes)}]");
        }
        return diffs;
    }

    private static IEnumerable<string> RequestDiff(JsonElement expected, JsonElement actual)
    {
        static string Class(JsonElement e, string field) =>
            e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Split(':')[0] : "";
        foreach (var field in new[] { "constraints_error", "cpu_topology_error" })
            if (Class(expected, field) != Class(actual, field))
                yield return $"{field}: oracle {Class(expected, field)}, smog {Class(actual, field)}";
        foreach (var field in new[] { "requested_topology", "cpu_topology" })
            if (!JsonElement.DeepEquals(expected.GetProperty(field), actual.GetProperty(field)))
                yield return $"{field}: oracle {expected.GetProperty(field)}, smog {actual.GetProperty(field)}";
    }

    /// <summary>Two threads of a core congruent mod 8 share a slot in CPython's 8-slot set.</summary>
    private static bool Collides(int[] core) => core.Select(x => x % 8).Distinct().Count() < core.Length;

    private static Dictionary<int, int[]> CoreMap(JsonElement expected)
    {
        var map = new Dictionary<int, int[]>();
        if (!expected.TryGetProperty("host_cells", out var cells)) return map;
        foreach (var cell in cells.EnumerateArray())
            foreach (var sib in cell.GetProperty("siblings").EnumerateArray())
            {
                var core = sib.EnumerateArray().Select(x => x.GetInt32()).Order().ToArray();
                foreach (var cpu in core) map[cpu] = core;
            }
        return map;
    }

    private static string Core(Dictionary<int, int[]> coreOf, int cpu) =>
        coreOf.TryGetValue(cpu, out var core) ? string.Join(",", core) : cpu.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SortedDictionary<int, int> Pins(JsonElement cell) =>
        new(cell.GetProperty("cpu_pinning").EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetInt32()));

    private static List<int> Ids(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetInt32()).Order()];

    private static string Show(SortedDictionary<int, int> pins) => "{" + string.Join(",", pins.Select(p => $"{p.Key}→{p.Value}")) + "}";
}
