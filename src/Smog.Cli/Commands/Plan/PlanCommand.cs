using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Smog.Libvirt.Generation;
using Smog.Nova.Cases;
using Smog.Nova.Host;
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

        [CommandOption("--cpu-dedicated-set <LIST>")]
        [Description("nova.conf [compute] cpu_dedicated_set for --host-topology, e.g. 2-15.")]
        public string? CpuDedicatedSet { get; init; }

        [CommandOption("--cpu-shared-set <LIST>")]
        [Description("nova.conf [compute] cpu_shared_set for --host-topology.")]
        public string? CpuSharedSet { get; init; }

        [CommandOption("--vcpu-pin-set <LIST>")]
        [Description("nova.conf [DEFAULT] vcpu_pin_set (legacy) for --host-topology.")]
        public string? VcpuPinSet { get; init; }

        [CommandOption("--xml")]
        [Description("Print the NUMA-relevant domain XML (memory, vcpu, memoryBacking, numatune, cputune, cpu) Nova 26's libvirt driver would write (--case only).")]
        public bool Xml { get; init; }

        [CommandOption("-o|--output <FORMAT>")]
        [Description("human (default) or json.")]
        [DefaultValue("human")]
        public string Output { get; init; } = "human";

        public override ValidationResult Validate() =>
            (Case is null) == (Batch is null) ? ValidationResult.Error("give exactly one of --case or --batch")
            : Output is not ("human" or "json") ? ValidationResult.Error("--output must be human or json")
            : Xml && Batch is not null ? ValidationResult.Error("--xml works with --case only")
            : Xml && Output == "json" ? ValidationResult.Error("--xml prints domain XML; it does not go with --output json")
            : HostTopology is null && (CpuDedicatedSet ?? CpuSharedSet ?? VcpuPinSet) is not null
                ? ValidationResult.Error("--cpu-dedicated-set, --cpu-shared-set and --vcpu-pin-set need --host-topology")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var cpuConfig = settings.HostTopology is null ? null : DiscoveredHost.CpuConfig(settings);
        var host = settings.HostTopology is { } topo ? DiscoveredHost.Load(topo, cpuConfig!) : null;
        if (settings.Batch is { } batch) return RunBatch(batch, settings.Recorded, host, console.Profile.Out.Writer);
        var root = CaseFiles.ReadJson(settings.Case!);
        var resolver = settings.Recorded is { } rec ? new RecordedRequestResolver(CaseFiles.ReadJson(rec)) : RequestResolvers.Default;
        var planCase = CaseFiles.ParseCase(root, settings.Case!, host);
        var (result, us) = Timed(planCase, resolver);
        if (settings.Xml) return WriteXml(result, planCase, settings.Case!, cpuConfig);
        if (settings.Output == "json") console.Profile.Out.Writer.WriteLine(PlanResultJson.Write(result, us, indented: true));
        else PlacementView.Render(console, result, us);
        return ExitCodes.Ok;
    }

    /// <param name="cpuConfig">With a discovered host, the nova.conf CPU sets its model was built with.</param>
    private int WriteXml(PlanResult result, PlanCase planCase, string casePath, ComputeCpuConfig? cpuConfig)
    {
        var configOverride = cpuConfig is null ? null
            : new NovaComputeConfig { CpuDedicatedSet = cpuConfig.CpuDedicatedSet, CpuSharedSet = cpuConfig.CpuSharedSet, VcpuPinSet = cpuConfig.VcpuPinSet };
        var (xml, refusal) = PlanXml.Render(result, planCase, configOverride);
        // No domain is a prediction, not a failure: exit 0, stdout stays empty, stderr says why.
        if (xml is null) stderr.Writer.WriteLine($"smog: {casePath}: {refusal}");
        else console.Profile.Out.Writer.WriteLine(xml);
        return ExitCodes.Ok;
    }

    private static int RunBatch(string path, string? recordedPath, NovaHost? host, TextWriter output)
    {
        var lines = CaseFiles.ReadLines(path);
        var recorded = recordedPath is null ? null : CaseFiles.ReadLines(recordedPath);
        if (recorded is not null && recorded.Count != lines.Count)
            throw new InputException($"{recordedPath}: {recorded.Count} results for {lines.Count} cases in {path}");
        for (var i = 0; i < lines.Count; i++)
        {
            var where = $"{path} line {lines[i].Line}";
            var resolver = recorded is null ? RequestResolvers.Default : new RecordedRequestResolver(recorded[i].Json);
            var (result, us) = Timed(CaseFiles.ParseCase(lines[i].Json, where, host), resolver);
            output.WriteLine(PlanResultJson.Write(result, us));
        }
        return ExitCodes.Ok;
    }

    private static bool _warm;

    /// <summary>Plans once untimed on first use so elapsed_us measures the engine, not the JIT.</summary>
    internal static (PlanResult Result, double ElapsedUs) Timed(PlanCase c, IRequestResolver resolver)
    {
        if (!_warm)
        {
            NovaPlanner.Plan(c, resolver);
            _warm = true;
        }
        var start = Stopwatch.GetTimestamp();
        var result = NovaPlanner.Plan(c, resolver);
        return (result, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
}

/// <summary>Reads case files and turns format problems into one-line input errors.</summary>
internal static class CaseFiles
{
    public static JsonElement ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(InputFiles.ReadText(path));
            return doc.RootElement.Clone();
        }
        catch (IOException e) { throw new InputException($"{path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new InputException($"{path}: {e.Message}"); }
        catch (JsonException e) { throw new InputException($"{path}: not valid JSON ({JsonErrors.Plain(e)})"); }
    }

    public static List<(int Line, JsonElement Json)> ReadLines(string path)
    {
        string[] text;
        try { text = InputFiles.ReadText(path).Split('\n'); }
        catch (IOException e) { throw new InputException($"{path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new InputException($"{path}: {e.Message}"); }
        var result = new List<(int, JsonElement)>();
        for (var i = 0; i < text.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(text[i])) continue;
            try
            {
                using var doc = JsonDocument.Parse(text[i]);
                result.Add((i + 1, doc.RootElement.Clone()));
            }
            catch (JsonException e) { throw new InputException($"{path} line {i + 1}: not valid JSON ({JsonErrors.Plain(e)})"); }
        }
        return result;
    }

    public static PlanCase ParseCase(JsonElement root, string where, NovaHost? host = null)
    {
        try { return PlanCase.Parse(root, host); }
        catch (CaseFormatException e) { throw new InputException($"{where}: {e.Message}"); }
        catch (OverflowException) { throw new InputException($"{where}: a number is out of range"); }
    }
}
