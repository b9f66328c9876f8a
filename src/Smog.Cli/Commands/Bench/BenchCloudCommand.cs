using System.ComponentModel;
using System.Diagnostics;
using Smog.Cli.Rendering;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Bench;

/// <summary>
/// <c>smog bench cloud</c>: the embedded cloud's simulation at scale. Generates an N-host lab (the
/// default lab's hosts repeated), times reading it and building the simulation, places M instances
/// of a mixed flavor set, then times further scheduling decisions (schedule, claim, domain XML) with
/// those M in place, and reports memory. Each figure is printed against issue 11's target. A
/// measurement, not a test: the figures depend on the machine and its load.
/// </summary>
public sealed class BenchCloudCommand(IAnsiConsole console) : Command<BenchCloudCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--hosts <N>")]
        [Description("Hosts in the generated lab (the default lab's four kinds, repeated).")]
        [DefaultValue(1000)]
        public int Hosts { get; init; } = 1000;

        [CommandOption("--instances <M>")]
        [Description("Instances placed before decisions are timed.")]
        [DefaultValue(10000)]
        public int Instances { get; init; } = 10000;

        [CommandOption("--decisions <K>")]
        [Description("Scheduling decisions timed after the instances are placed.")]
        [DefaultValue(2000)]
        public int Decisions { get; init; } = 2000;

        public override ValidationResult Validate() =>
            Hosts < 1 ? ValidationResult.Error("--hosts must be at least 1")
            : Instances < 0 ? ValidationResult.Error("--instances must be 0 or more")
            : Decisions < 1 ? ValidationResult.Error("--decisions must be at least 1")
            : ValidationResult.Success();
    }

    /// <summary>The mix: plain, pinned, two-cell pinned, huge-page and PCI guests, in proportion to a busy NFV cloud.</summary>
    private static readonly (string Name, int Vcpus, long RamMiB, (string, string)[] Specs, int Weight)[] Mix =
    [
        ("m1.small", 1, 2048, [], 4),
        ("m1.medium", 2, 4096, [], 3),
        ("pinned.small", 2, 2048, [("hw:cpu_policy", "dedicated")], 3),
        ("pinned.numa2", 4, 4096, [("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")], 2),
        ("hugepages", 2, 1024, [("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB")], 1),
        ("shared.numa1", 1, 1024, [("hw:numa_nodes", "1")], 1),
    ];

    private const double LoadTarget = 2.0, DecisionTarget = 1000, MemoryTargetMiB = 1024;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var yaml = LabGenerator.Yaml(settings.Hosts);
        var load = Stopwatch.StartNew();
        var lab = LabReader.Parse(yaml, "generated-lab.yml", ".");
        if (!lab.Success) throw new InvalidOperationException($"the generated lab does not read: {lab.Errors[0]}");
        // Builds complete at once on the thread pool, competing for the simulation's lock as API calls would.
        var cloud = new CloudSimulation(lab.Value, new SimulationOptions { BuildTime = TimeSpan.Zero });
        load.Stop();

        var flavors = Mix.Select(m => (Flavor: Create(cloud, m.Name, m.Vcpus, m.RamMiB, m.Specs), m.Weight)).ToList();
        var deck = flavors.SelectMany(f => Enumerable.Repeat(f.Flavor, f.Weight)).ToArray();
        var placing = Stopwatch.StartNew();
        var (placed, refused) = Boot(cloud, deck, settings.Instances, 0, cancellationToken);
        placing.Stop();

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var timing = Stopwatch.StartNew();
        var (decided, refusedLater) = Boot(cloud, deck, settings.Decisions, settings.Instances, cancellationToken);
        timing.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var rate = decided / timing.Elapsed.TotalSeconds;
        var perCpuSecond = decided / Math.Max(cpu, 1e-6);

        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        process.Refresh();
        var workingSet = process.WorkingSet64 / 1048576.0;
        // Domain XML is written when first read; read them all for the worst case.
        var xml = Stopwatch.StartNew();
        var domains = cloud.Servers().Sum(s => s.DomainXml?.Length ?? 0);
        xml.Stop();
        var managedWithXml = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        process.Refresh();
        var peak = process.PeakWorkingSet64 / 1048576.0;

        var table = new FittedTable(new Column("measure"), new Column("value"), new Column("target"), new Column("met"))
        {
            Title = $"embedded cloud: {settings.Hosts:N0} hosts, {settings.Instances:N0} instances placed, {Environment.ProcessorCount} CPUs{LoadAverage()}",
        };
        table.AddRow("lab load (read YAML, build simulation)", CellText.Whole($"{load.Elapsed.TotalSeconds:0.000} s"), CellText.Whole($"< {LoadTarget} s"), Met(load.Elapsed.TotalSeconds < LoadTarget));
        table.AddRow($"placing {settings.Instances:N0} instances", CellText.Whole($"{placing.Elapsed.TotalSeconds:0.00} s"),
            $"{placed:N0} placed, {refused:N0} NoValidHost", "");
        table.AddRow($"decisions/s with {settings.Instances:N0} placed ({decided:N0} timed)", CellText.Whole($"{rate:N0}/s"),
            CellText.Whole($">= {DecisionTarget:N0}/s"), Met(rate >= DecisionTarget));
        table.AddRow("decisions per CPU second (all threads)", CellText.Whole($"{perCpuSecond:N0}/s"), "", "");
        table.AddRow("managed heap after a full GC", CellText.Whole($"{managed:N0} MiB"), CellText.Whole($"<= {MemoryTargetMiB:N0} MiB"), Met(managed <= MemoryTargetMiB));
        table.AddRow("managed heap with every domain XML written", CellText.Whole($"{managedWithXml:N0} MiB"),
            $"{domains / 1048576.0:N0} MiB of XML in {xml.Elapsed.TotalSeconds:0.0} s", Met(managedWithXml <= MemoryTargetMiB));
        table.AddRow("working set (peak)", CellText.Whole($"{workingSet:N0} MiB ({peak:N0} MiB)"), CellText.Whole($"<= {MemoryTargetMiB:N0} MiB"), Met(peak <= MemoryTargetMiB));
        table.Write(console);
        if (refusedLater > 0) console.MarkupLineInterpolated($"{refusedLater:N0} of the timed decisions were NoValidHost (the lab is full).");
        return ExitCodes.Ok;
    }

    private static FlavorRecord Create(CloudSimulation cloud, string name, int vcpus, long ram, (string, string)[] specs)
    {
        var flavor = cloud.CreateFlavor(new FlavorSpec(name, vcpus, ram, 10));
        return specs.Length == 0 ? flavor : cloud.SetExtraSpecs(flavor.Id, specs.ToDictionary(s => s.Item1, s => s.Item2));
    }

    private static (int Placed, int Refused) Boot(CloudSimulation cloud, FlavorRecord[] deck, int count, int offset, CancellationToken cancellationToken)
    {
        var (placed, refused) = (0, 0);
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var server = cloud.Boot(new BootRequest
            {
                Name = $"bench-{offset + i}",
                FlavorId = deck[(offset + i) % deck.Length].Id,
                ProjectId = "bench",
                UserId = "bench",
                ImageId = "bench-image",
            });
            if (server.Host is null) refused++; else placed++;
        }
        return (placed, refused);
    }

    private static string Met(bool met) => met ? "yes" : "NO";

    /// <summary>The machine's 1-minute load, when Linux says: wall-clock figures mean little on a busy machine.</summary>
    private static string LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ');
            return text.Length > 0 ? $", load {text[0]}" : "";
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
