using System.ComponentModel;
using System.Diagnostics;
using Smog.Cli.Input;
using Smog.Input;
using Smog.Cli.Rendering;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Nova.Scheduling;
using Smog.Topology;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Plan;

/// <summary>
/// <c>smog plan</c>: runs oracle-schema cases through Nova 26's constraints, NUMATopologyFilter
/// and fitter, and prints what Nova would place where.
/// </summary>
public sealed class PlanCommand(IAnsiConsole console, StandardError stderr) : Command<PlanCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--case <FILE>")]
        [Description("One case in the oracle's JSON schema (host, flavor, image_properties, limits, config).")]
        public string? Case { get; init; }

        [CommandOption("--batch <FILE>")]
        [Description("JSON Lines of cases; writes one JSON result per line, copying each case's name.")]
        public string? Batch { get; init; }

        [CommandOption("--recorded <FILE>")]
        [Description("Oracle output(s) to take requested_topology/cpu_topology from instead of computing constraints (JSON for --case, JSON Lines for --batch).")]
        public string? Recorded { get; init; }

        [CommandOption("--host-topology <FILE>")]
        [Description("A discovered host (smog discover --output json) to plan on instead of each case's host.")]
        public string? HostTopology { get; init; }

        [CommandOption("--nova-conf <FILE>")]
        [Description("The host's nova.conf (INI); replaces each case's config.")]
        public string? NovaConf { get; init; }

        [CommandOption("--cpu-dedicated-set <CPUS>")]
        [Description("nova.conf [compute] cpu_dedicated_set for --host-topology, e.g. 2-15.")]
        public string? CpuDedicatedSet { get; init; }

        [CommandOption("--cpu-shared-set <CPUS>")]
        [Description("nova.conf [compute] cpu_shared_set for --host-topology.")]
        public string? CpuSharedSet { get; init; }

        [CommandOption("--vcpu-pin-set <CPUS>")]
        [Description("nova.conf [DEFAULT] vcpu_pin_set (legacy) for --host-topology.")]
        public string? VcpuPinSet { get; init; }

        [CommandOption("--xml")]
        [Description("Print the NUMA-relevant domain XML (memory, vcpu, memoryBacking, numatune, cputune, cpu) Nova 26's libvirt driver would write (--case only).")]
        public bool Xml { get; init; }

        [CommandOption("-o|--output <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue(OutputFormat.Table)]
        public string Output { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate() =>
            (Case is null) == (Batch is null) ? ValidationResult.Error("give exactly one of --case or --batch")
            : OutputFormat.Validate(Output) is { Successful: false } badOutput ? badOutput
            : Xml && Batch is not null ? ValidationResult.Error("--xml works with --case only")
            : Xml && Output == "json" ? ValidationResult.Error("--xml prints domain XML; it does not go with --output json")
            : HostTopology is null && (CpuDedicatedSet ?? CpuSharedSet ?? VcpuPinSet) is not null
                ? ValidationResult.Error("--cpu-dedicated-set, --cpu-shared-set and --vcpu-pin-set need --host-topology")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var discovered = settings.HostTopology is { } topo ? InputFiles.DiscoveredTopology(topo) : null;
        var timer = new PlanTimer();
        if (settings.Batch is { } batch) return RunBatch(batch, settings, discovered, timer, console.Profile.Out.Writer);
        var planCase = WithConf(InputFiles.Case(settings.Case!, ignoreHost: discovered is not null), settings);
        var resolution = settings.Recorded is { } rec ? InputFiles.Recorded(InputFiles.Json(rec), planCase, rec) : null;
        var (plan, us) = timer.Plan(NodeOf(planCase, discovered), planCase, resolution);
        if (settings.Xml) return WriteXml(plan, settings.Case!);
        if (settings.Output == OutputFormat.Json) console.Profile.Out.Writer.WriteLine(PlanJson.Write(plan, us, indented: true));
        else PlacementView.Render(console, plan, us);
        return ExitCodes.Ok;
    }

    private int WriteXml(PlanResult plan, string casePath)
    {
        var (domain, refusal) = DomainGenerator.Generate(plan);
        // No domain is a prediction, not a failure: exit 0, stdout stays empty, stderr says why.
        if (domain is null) stderr.Writer.WriteLine($"smog: {casePath}: no domain: {refusal}");
        else console.Profile.Out.Writer.WriteLine(DomainWriter.ToText(domain));
        return ExitCodes.Ok;
    }

    private static int RunBatch(string path, Settings settings, HostTopology? discovered, PlanTimer timer, TextWriter output)
    {
        var cases = InputFiles.Cases(path, ignoreHost: discovered is not null);
        var recorded = settings.Recorded is { } rec ? InputFiles.JsonLines(rec) : default;
        if (!recorded.IsDefault && recorded.Length != cases.Length)
            throw new InputException($"{settings.Recorded}: {recorded.Length} results for {cases.Length} cases in {path}");
        for (var i = 0; i < cases.Length; i++)
        {
            var c = WithConf(cases[i], settings);
            var resolution = recorded.IsDefault ? null : InputFiles.Recorded(recorded[i].Json, c, settings.Recorded!, recorded[i].Line);
            var (plan, us) = timer.Plan(NodeOf(c, discovered), c, resolution);
            output.WriteLine(PlanJson.Write(plan, us));
        }
        return ExitCodes.Ok;
    }

    private static ComputeNode NodeOf(NovaCase c, HostTopology? discovered) => discovered is null ? c.Node() : c.Node(discovered);

    /// <summary>The case's nova.conf, replaced by <c>--nova-conf</c> and the CPU-set flags when given.</summary>
    private static NovaCase WithConf(NovaCase c, Settings settings) =>
        settings.NovaConf is null && (settings.CpuDedicatedSet ?? settings.CpuSharedSet ?? settings.VcpuPinSet) is null ? c
        : c with { Conf = InputFiles.Conf(c.Conf, settings.NovaConf, settings.CpuDedicatedSet, settings.CpuSharedSet, settings.VcpuPinSet) };
}

/// <summary>
/// Times plans for <c>elapsed_us</c>: the first plan of a run is made once untimed, so the figure
/// measures the engine rather than the JIT. One timer per command run.
/// </summary>
internal sealed class PlanTimer
{
    private bool _warm;

    public (PlanResult Plan, double ElapsedUs) Plan(ComputeNode node, NovaCase c, Resolution? recorded)
    {
        PlanResult Run() => recorded is null ? NovaPlanner.Plan(node, c.Request, c.Name) : NovaPlanner.Plan(node, c.Request, recorded, c.Name);
        if (!_warm)
        {
            Run();
            _warm = true;
        }
        var start = Stopwatch.GetTimestamp();
        var plan = Run();
        return (plan, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
}
