using System.ComponentModel;
using System.Text.Json;
using Smog.Hosts;
using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

using Smog.Cli.Input;

namespace Smog.Cli.Commands.Discover;

/// <summary>
/// <c>smog discover</c>: reads a host's NUMA topology from this machine's tools (<c>--local</c>),
/// an inventory host's tools (<c>--host</c>, over SSH) or saved outputs (<c>--from</c>),
/// merges the sources and prints a table per NUMA node
/// or the HostTopology JSON.
/// </summary>
internal sealed class DiscoverCommand(IAnsiConsole console) : AsyncCommand<DiscoverCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--local")]
        [Description("Discover this machine: numactl -H, lstopo-no-graphics --of xml, virsh capabilities and /sys, whichever are available")]
        public bool Local { get; init; }

        [CommandOption("--host <NAME>")]
        [Description("Discover a host of the inventory (over SSH, or locally for access: local)")]
        public string? Host { get; init; }

        [CommandOption("--inventory <FILE>")]
        [Description("Inventory for --host (default: $SMOG_INVENTORY, else ./hosts.yml)")]
        public string? Inventory { get; init; }

        [CommandOption("--from <FILE>")]
        [Description("Read saved outputs: numactl -H text, lstopo console, hwloc XML, virsh capabilities XML, discover JSON, or a sysfs directory")]
        public string[] From { get; init; } = [];

        [CommandArgument(0, "[FILES]")]
        [Description("More files for --from")]
        public string[] MoreFiles { get; init; } = [];

        [CommandOption("-o|--output <FORMAT>")]
        [Description("table (default) or json (the HostTopology contract)")]
        [DefaultValue(OutputFormat.Table)]
        public string Output { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            var modes = (Local ? 1 : 0) + (Host is null ? 0 : 1) + (From.Length > 0 ? 1 : 0);
            if (modes != 1) return ValidationResult.Error("give exactly one of --local, --host NAME or --from FILE...");
            if (Inventory is not null && Host is null) return ValidationResult.Error("--inventory goes with --host NAME");
            if (MoreFiles.Length > 0 && From.Length == 0) return ValidationResult.Error($"unexpected argument '{MoreFiles[0]}' (files go after --from)");
            return OutputFormat.Validate(Output);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        IReadOnlyList<SourcedTopology> sources;
        if (settings.Local)
        {
            var inputs = await HostDiscovery.CollectAsync(new LocalCommandRunner(), "/sys", cancellationToken);
            sources = Sources(inputs, "this machine");
        }
        else if (settings.Host is { } name)
        {
            var inputs = await CollectFromInventoryAsync(settings.Inventory ?? HostInventory.DefaultPath, name, cancellationToken);
            sources = Sources(inputs, name);
        }
        else
        {
            sources = await InputFiles.TopologySourcesAsync([.. settings.From, .. settings.MoreFiles], cancellationToken);
        }

        var report = TopologyMerger.Merge(sources);
        if (settings.Output == OutputFormat.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report.Topology, TopologyJsonContext.Default.HostTopology));
            foreach (var line in notes.Concat(report.Warnings)) Console.Error.WriteLine($"smog: warning: {line}");
        }
        else
        {
            TopologyRenderer.Render(console, report, notes);
        }
        return ExitCodes.Ok;

        IReadOnlyList<SourcedTopology> Sources(DiscoveryInputs inputs, string where)
        {
            notes.AddRange(inputs.Notes);
            return inputs.Sources.Length > 0 ? inputs.Sources
                : throw new InputException($"no discovery source worked on {where}: " + string.Join("; ", notes));
        }
    }

    private static async Task<DiscoveryInputs> CollectFromInventoryAsync(string inventoryPath, string name, CancellationToken cancellationToken)
    {
        try
        {
            var host = InventoryParser.Load(inventoryPath).Find(name);
            var runner = await HostInventory.ConnectAsync(host, cancellationToken);
            try
            {
                return await HostDiscovery.CollectAsync(runner, "/sys", host.LibvirtUri, cancellationToken);
            }
            finally
            {
                (runner as IDisposable)?.Dispose();
            }
        }
        catch (Exception e) when (e is InventoryException or HostAccessException)
        {
            throw new InputException(e.Message);
        }
    }
}
