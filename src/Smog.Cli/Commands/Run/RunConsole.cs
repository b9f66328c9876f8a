using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Smog.Suite.Results;
using Smog.Suite.Runner;
using Smog.Suite.Selection;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Smog.Cli.Commands.Run;

/// <summary>
/// Live progress: on a terminal a Spectre live table (a line per scenario, elapsed time, a
/// spinner and the step it waits on); when output is redirected, plain lines as things happen
/// (a CI log stays readable).
/// </summary>
internal abstract class RunConsole : IRunProgress, IAsyncDisposable
{
    public static RunConsole Start(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected ? new Live(console) : new Plain(console);

    public abstract void Discovered(CloudState cloud);
    public abstract void Started(string scenario);
    public abstract void Step(string scenario, string step);
    public abstract void Finished(ScenarioResult result);
    public abstract void CleaningUp();
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string Word(Verdict v) => v.ToString().ToLowerInvariant();

    /// <summary>What the line after the verdict says: the skip code, the error, or the first error finding.</summary>
    public static string Note(ScenarioResult r) => r.Verdict switch
    {
        Verdict.Skipped => r.Skip is { } s ? $"{s.Code}: {s.Message}" : "",
        Verdict.Errored => r.Error ?? "",
        Verdict.Failed => r.Findings.FirstOrDefault(f => f.Severity == FindingSeverity.Error) is { } f ? $"{f.Rule}: {f.Message}" : "",
        _ => r.NotChecked.IsEmpty ? "" : $"{r.NotChecked.Length} thing(s) not checked",
    };

    public static string Colour(Verdict v) => v switch
    {
        Verdict.Passed => "green",
        Verdict.Failed => "red",
        Verdict.Errored => "magenta",
        _ => "grey",
    };

    public static void DescribeCloud(IAnsiConsole console, CloudState cloud)
    {
        foreach (var h in cloud.Hosts)
        {
            var cells = h.Topology is { } t ? $"{t.Cells.Length} NUMA node(s), {t.AllCpus.Count} CPUs" : "topology unknown";
            var caps = h.Capabilities.IsEmpty ? "none" : string.Join(" ", h.Capabilities);
            console.MarkupLine(Markup.Escape($"host {h.Name} ({(h.Up ? "up" : "down")}): {cells}; capabilities {caps}"));
            foreach (var note in h.Notes) console.MarkupLine("  [grey]" + Markup.Escape(note) + "[/]");
        }
    }

    private sealed class Plain(IAnsiConsole console) : RunConsole
    {
        private readonly Lock gate = new();

        public override void Discovered(CloudState cloud)
        {
            lock (gate) DescribeCloud(console, cloud);
        }

        public override void Started(string scenario) => Line($"  start    {scenario}");
        public override void Step(string scenario, string step) => Line($"           {scenario}: {step}");

        public override void Finished(ScenarioResult r) =>
            Line($"  {Word(r.Verdict),-8} {r.Id}" + (r.Verdict == Verdict.Skipped ? "" : $" ({Seconds(r.Duration)})") + (Note(r) is { Length: > 0 } n ? $": {n}" : ""));

        public override void CleaningUp() => Line("  cleaning up what the run created");

        private void Line(string text)
        {
            lock (gate) console.Profile.Out.Writer.WriteLine(text);
        }
    }

    private sealed class Live : RunConsole
    {
        private sealed class Row
        {
            public required string Id { get; init; }
            public Stopwatch Watch { get; } = Stopwatch.StartNew();
            public string Step { get; set; } = "starting";
            public ScenarioResult? Result { get; set; }
        }

        private readonly IAnsiConsole console;
        private readonly ConcurrentDictionary<string, Row> rows = new(StringComparer.Ordinal);
        private readonly List<string> order = [];
        private readonly Lock gate = new();
        private readonly CancellationTokenSource done = new();
        private readonly Task loop;
        private string footer = "discovering the cloud";

        public Live(IAnsiConsole console)
        {
            this.console = console;
            loop = Task.Run(() => console.Live(Render()).AutoClear(false).StartAsync(async ctx =>
            {
                while (!done.IsCancellationRequested)
                {
                    ctx.UpdateTarget(Render());
                    try { await Task.Delay(120, done.Token); }
                    catch (OperationCanceledException) { break; }
                }
                ctx.UpdateTarget(Render());
            }));
        }

        public override void Discovered(CloudState cloud) =>
            footer = $"{cloud.UpHosts.Length} compute host(s): " + string.Join("; ", cloud.Hosts.Select(h => $"{h.Name} {string.Join(" ", h.Capabilities)}"));

        public override void Started(string scenario) => Add(scenario);
        public override void Step(string scenario, string step) => Add(scenario).Step = step;
        public override void Finished(ScenarioResult result) => Add(result.Id).Result = result;
        public override void CleaningUp() => footer = "cleaning up what the run created";

        private Row Add(string id)
        {
            var row = rows.GetOrAdd(id, i => new Row { Id = i });
            lock (gate)
            {
                if (!order.Contains(id)) order.Add(id);
            }
            return row;
        }

        private IRenderable Render()
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().NoWrap()).AddColumn(new GridColumn().NoWrap()).AddColumn();
            var frames = Spinner.Known.Dots.Frames;
            var frame = frames[(int)(Environment.TickCount64 / 100 % frames.Count)];
            List<string> ids;
            lock (gate) ids = [.. order];
            foreach (var id in ids)
            {
                var row = rows[id];
                if (row.Result is { } r)
                {
                    grid.AddRow(new Markup($"[{Colour(r.Verdict)}]{Word(r.Verdict)}[/]"), new Text(id),
                        new Text(r.Verdict == Verdict.Skipped ? "" : Seconds(r.Duration)), new Text(Note(r), new Style(Color.Grey)));
                }
                else
                {
                    grid.AddRow(new Markup($"[yellow]{Markup.Escape(frame)}[/]"), new Text(id), new Text(Seconds(row.Watch.Elapsed)), new Text(row.Step, new Style(Color.Grey)));
                }
            }
            return new Rows(grid, new Text(footer, new Style(Color.Grey)));
        }

        public override async ValueTask DisposeAsync()
        {
            await done.CancelAsync();
            await loop;
            done.Dispose();
        }
    }
}
