using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Smog.Cli.Input;
using Smog.Cli.Rendering;
using Smog.Nova;
using Smog.Input;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Topology;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Bench;

/// <summary>
/// <c>smog bench fit</c>: times the fitter on oracle vectors (against the oracle's own
/// elapsed_ms for the same cases) and on the no-fit blow-up hosts of the oracle's bench_fit.py.
/// A measurement tool, not a test: figures depend on the machine.
/// </summary>
public sealed class BenchFitCommand(IAnsiConsole console) : Command<BenchFitCommand.Settings>
{
    private const double MaxWarmupSeconds = 60;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--cases <FILE>")]
        [Description("Oracle cases (JSON Lines).")]
        public string? Cases { get; init; }

        [CommandOption("--expected <FILE>")]
        [Description("The oracle's outputs for --cases (JSON Lines, same order); their elapsed_ms is the reference.")]
        public string? Expected { get; init; }

        [CommandOption("--reps <N>")]
        [Description("Timed samples per case, each about 5 µs of back-to-back calls (median reported).")]
        [DefaultValue(9)]
        public int Reps { get; init; } = 9;

        [CommandOption("--warmup <SECONDS>")]
        [Description("Untimed passes over all cases (and blow-up rows) before timing, until the JIT compiled no method for this long (at most 60 s in all; 0: one pass).")]
        [DefaultValue(1.0)]
        public double Warmup { get; init; } = 1.0;

        [CommandOption("--blowup-nodes <LIST>")]
        [Description("Host cell counts for the no-fit blow-up table; empty to skip.")]
        [DefaultValue("8,16")]
        public string BlowupNodes { get; init; } = "8,16";

        public override ValidationResult Validate() =>
            (Cases is null) != (Expected is null) ? ValidationResult.Error("--cases and --expected go together")
            : Reps < 1 ? ValidationResult.Error("--reps must be at least 1")
            : Warmup is < 0 or > 60 || double.IsNaN(Warmup) ? ValidationResult.Error("--warmup must be 0-60 seconds")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Cases is not null) VectorTable(settings.Cases, settings.Expected!, settings.Reps, settings.Warmup);
        var nodes = settings.BlowupNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => int.TryParse(n, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 64 ? v
                : throw new InputException($"--blowup-nodes: '{n}' is not a host cell count (1-64)"))
            .ToList();
        if (nodes.Count > 0) BlowupTable(nodes, settings.Reps, settings.Warmup);
        return ExitCodes.Ok;
    }

    private void VectorTable(string casesPath, string expectedPath, int reps, double warmupSeconds)
    {
        var cases = InputFiles.Cases(casesPath, ignoreHost: false);
        var expected = InputFiles.JsonLines(expectedPath);
        if (cases.Length != expected.Length) throw new InputException($"{expectedPath}: {expected.Length} results for {cases.Length} cases");
        var timed = new List<(Action Fit, double NovaMicroseconds)>();
        for (var i = 0; i < cases.Length; i++)
        {
            var resolution = InputFiles.Recorded(expected[i].Json, cases[i], expectedPath, expected[i].Line);
            if (resolution.Topology is not { } topology || !expected[i].Json.TryGetProperty("elapsed_ms", out var ms)
                || ms.ValueKind != System.Text.Json.JsonValueKind.Number) continue;
            var node = cases[i].Node();
            var pci = cases[i].Request.PciRequests;
            timed.Add((() => node.Fit(topology, pci), ms.GetDouble() * 1000));
        }
        if (timed.Count == 0) throw new InputException($"{expectedPath}: no case with a requested topology and elapsed_ms");
        var (passes, warmed) = WarmUp(timed.Select(t => t.Fit).ToList(), warmupSeconds);
        var ours = timed.Select(t => MedianMicroseconds(t.Fit, reps)).ToList();
        var theirs = timed.Select(t => t.NovaMicroseconds).ToList();
        var ratios = ours.Zip(theirs, (us, nova) => nova / Math.Max(us, 0.01)).ToList();
        var table = new FittedTable(new Column(""), new Column("smog"), new Column("Nova 26.2.2 (oracle elapsed_ms)"))
        {
            Title = $"numa_fit_instance_to_host on {ours.Count} oracle cases",
        };
        table.AddRow("median per case", CellText.Whole($"{Median(ours):0.000} µs"), CellText.Whole($"{Median(theirs):0.0} µs"));
        table.AddRow("total", CellText.Whole($"{ours.Sum() / 1000:0.00} ms"), CellText.Whole($"{theirs.Sum() / 1000:0.00} ms"));
        table.AddRow("speed-up (Nova/smog)", $"median {Median(ratios):0.0}×", $"geometric mean {Math.Exp(ratios.Average(Math.Log)):0.0}×");
        table.Legend($"smog: {WarmUpText(passes, warmed, warmupSeconds, "cases")}, which also derives each host's per-cell data; "
            + $"then per case the median of {reps} samples (--reps), each about {SampleMicroseconds:0} µs of back-to-back calls. "
            + "Nova: the oracle's single timed call per case (elapsed_ms).");
        table.Write(console);
    }

    private static string WarmUpText(int passes, double seconds, double quietSeconds, string what) => quietSeconds == 0
        ? $"one untimed pass over all {what} first (--warmup 0)"
        : $"warm: {passes} untimed passes over all {what} first ({seconds:0.0} s, until the JIT had compiled nothing for {quietSeconds:0.#} s; --warmup)";

    /// <summary>
    /// Untimed passes over every case until the JIT has gone quiet: no method compiled for
    /// <paramref name="quietSeconds"/> (at most <see cref="MaxWarmupSeconds"/>; 0 = one pass).
    /// .NET first runs unoptimised code and recompiles hot methods in the background, which on a
    /// busy machine takes seconds; timing before that would time the JIT's early tiers.
    /// </summary>
    private static (int Passes, double Seconds) WarmUp(List<Action> runs, double quietSeconds)
    {
        var start = Stopwatch.GetTimestamp();
        var passes = 0;
        var compiled = JitInfo.GetCompiledMethodCount();
        var quietSince = 0.0;
        while (true)
        {
            foreach (var run in runs) run();
            passes++;
            var now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (JitInfo.GetCompiledMethodCount() is var count && count != compiled) (compiled, quietSince) = (count, now);
            if (now - quietSince >= quietSeconds || now >= MaxWarmupSeconds) return (passes, now);
        }
    }

    private void BlowupTable(List<int> nodeCounts, int reps, double warmupSeconds)
    {
        var table = new FittedTable(new Column("host cells"), new Column("k"), new Column("request"), new Column("P(N,k)"),
            new Column("smog median"), new Column("walks"), new Column("cell checks"), new Column("fits"))
        {
            Title = "no-fit blow-up: N cells × 16 cores × 2 threads, k guest cells of 4 vCPUs, only k−1 cells with room",
        };
        var rows = new List<(int N, int K, string Label, NovaHost Host, RequestedTopology Request)>();
        foreach (var n in nodeCounts)
            for (var k = 1; k <= Math.Min(n, 8); k++)
            {
                foreach (var dedicated in new[] { false, true })
                    rows.Add((n, k, dedicated ? "dedicated" : "shared", BlowupHost(n, n - k + 1, dedicated), BlowupRequest(k, dedicated)));
                // Every cell can take the small guest cell 0, so no cell is dead; only k−2 cells take the big ones.
                if (k >= 2) rows.Add((n, k, "dedicated, cell 0 small", BlowupHost(n, n - k + 2, true, partlyFree: true), BlowupRequest(k, true, smallFirst: true)));
            }
        var (passes, warmed) = WarmUp([.. rows.Select(r => (Action)(() => NumaFitter.Fit(r.Host, r.Request)))], warmupSeconds);
        foreach (var (n, k, label, host, request) in rows)
        {
            var result = NumaFitter.Fit(host, request);
            var us = MedianMicroseconds(() => NumaFitter.Fit(host, request), reps);
            table.AddRow($"{n}", $"{k}", label, Permutations(n, k).ToString("N0", CultureInfo.InvariantCulture),
                CellText.Whole(us >= 1000 ? $"{us / 1000:0.00} ms" : $"{us:0.0} µs"), $"{result.Stats.PermutationsWalked:N0}",
                $"{result.Stats.CellEvaluations:N0}", result.Fits ? "yes" : "no");
        }
        table.Legend($"smog: {WarmUpText(passes, warmed, warmupSeconds, "rows")}; then per row the median of {reps} samples (--reps).");
        table.Write(console);
    }

    /// <summary>bench_fit.py's host: the last <paramref name="full"/> cells are exhausted (all pCPUs pinned, or memory over the ratio).</summary>
    internal static NovaHost BlowupHost(int nodes, int full, bool dedicated, bool partlyFree = false)
    {
        const int cores = 16, threads = 2;
        var total = nodes * cores;
        return NovaHostBuilder.Build(Enumerable.Range(0, nodes).Select(node =>
        {
            var siblings = Enumerable.Range(0, cores)
                .Select(core => Enumerable.Range(0, threads).Select(t => t * total + node * cores + core).ToImmutableArray())
                .ToImmutableArray();
            var cpus = CpuSet.Of(siblings.SelectMany(s => s));
            var exhausted = node >= nodes - full;
            return new HostCellSpec
            {
                Id = node,
                Cpus = cpus,
                Siblings = siblings,
                MemoryMiB = 65536,
                // partlyFree leaves one free pCPU on the exhausted cells.
                PinnedCpus = exhausted && dedicated ? (partlyFree ? cpus - CpuSet.Of(siblings[0][0]) : cpus) : CpuSet.Empty,
                MemoryUsageMiB = exhausted && !dedicated ? 2 * 65536 : 0,
            };
        }));
    }

    /// <summary>numa_get_constraints' result for hw:numa_nodes=k, 4·k vCPUs, 2 GiB per guest cell.</summary>
    /// <remarks>With <paramref name="smallFirst"/> guest cell 0 has a single vCPU (a manual hw:numa_cpus layout).</remarks>
    internal static RequestedTopology BlowupRequest(int k, bool dedicated, bool smallFirst = false) => new(
        [.. Enumerable.Range(0, k).Select(i => new RequestedCell
        {
            Id = i,
            Cpus = dedicated ? CpuSet.Empty : CpuSet.Range(4 * i, 4 * i + 3),
            Pcpus = !dedicated ? CpuSet.Empty : smallFirst && i == 0 ? CpuSet.Of(0) : CpuSet.Range(4 * i, 4 * i + 3),
            MemoryMiB = 2048,
            CpuPolicy = dedicated ? CpuPolicy.Dedicated : null,
        })],
        null);

    /// <summary>
    /// The median of <paramref name="reps"/> samples, in µs per call. A sample times
    /// <see cref="BatchSize"/> back-to-back calls, so that sub-µs calls are not lost in the
    /// timer's own cost; raw timestamps, because TimeSpan would round to 0.1 µs.
    /// </summary>
    private static double MedianMicroseconds(Action run, int reps)
    {
        var calls = BatchSize(run);
        var samples = new double[reps];
        for (var i = 0; i < reps; i++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var c = 0; c < calls; c++) run();
            samples[i] = Microseconds(Stopwatch.GetTimestamp() - start) / calls;
        }
        return Median(samples);
    }

    private const double SampleMicroseconds = 5;

    /// <summary>Calls per sample: enough for <see cref="SampleMicroseconds"/>, from one untimed and one timed call.</summary>
    private static int BatchSize(Action run)
    {
        run(); // warm-up: caches
        var start = Stopwatch.GetTimestamp();
        run();
        var once = Microseconds(Stopwatch.GetTimestamp() - start);
        return (int)Math.Clamp(Math.Ceiling(SampleMicroseconds / Math.Max(once, 0.001)), 1, 1000);
    }

    private static double Microseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static long Permutations(int n, int k)
    {
        var p = 1L;
        for (var i = 0; i < k; i++) p *= n - i;
        return p;
    }
}
