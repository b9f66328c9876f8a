using System.ComponentModel;
using System.Globalization;
using Smog.Cli.Rendering;
using Smog.OpenStack;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.Suite.Ledger;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Cleanup;

/// <summary>
/// <c>smog cleanup</c>: removes what a run left behind (a killed <c>smog run</c>), from its
/// ledger only: servers, hosts out of aggregates, aggregates, flavors, each only when the ledger
/// names it and its name carries the run id. Exit 0 when nothing is left, 1 when something could
/// not be removed, 2 on bad input.
/// </summary>
internal sealed class CleanupCommand(IAnsiConsole console) : AsyncCommand<CleanupCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--run <ID>")]
        [Description("The run id (smog-YYYYMMDD-HHMM-xxxx) whose leftovers to remove")]
        public string? Run { get; init; }

        [CommandOption("--list")]
        [Description("List the runs whose ledgers still name resources")]
        public bool List { get; init; }

        [CommandOption("--dry-run")]
        [Description("Say what would be removed; change nothing")]
        public bool DryRun { get; init; }

        [CommandOption("--os-cloud <NAME>")]
        [Description("clouds.yaml entry (admin); default: the admin cloud the ledger records")]
        public string? OsCloud { get; init; }

        [CommandOption("--state-dir <DIR>")]
        [Description("Where run ledgers live (default $XDG_STATE_HOME/smog/runs)")]
        public string? StateDir { get; init; }

        public override ValidationResult Validate()
        {
            if (List == (Run is not null)) return ValidationResult.Error("give exactly one of --run ID or --list");
            if (Run is not null && !RunId.TryParse(Run, out _)) return ValidationResult.Error($"--run: '{Run}' is not a run id (smog-YYYYMMDD-HHMM-xxxx)");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var stateDir = settings.StateDir ?? RunLedger.DefaultStateDirectory;
        if (settings.List) return ListRuns(stateDir);

        RunId.TryParse(settings.Run, out var run);
        var path = RunLedger.PathOf(stateDir, run);
        if (!File.Exists(path)) throw new InputException($"{path}: no ledger for run {run} (see smog cleanup --list, or give --state-dir)");
        LedgerState state;
        try
        {
            state = LedgerReader.Read(path);
        }
        catch (LedgerException e)
        {
            throw new InputException(e.Message);
        }
        if (state.Leftovers.IsEmpty)
        {
            console.MarkupLine(Markup.Escape($"run {run}: nothing left (ledger {path})"));
            return ExitCodes.Ok;
        }
        var env = ConfigEnvironment.FromMachine();
        var cloudName = settings.OsCloud ?? state.AdminCloud ?? env.Get("OS_CLOUD");
        var config = new CloudConfigResolver(env).Resolve(cloudName is null ? CloudSelection.None : CloudSelection.Named(cloudName));
        using var cloud = new OpenStackCloud(config);
        Smog.OpenStack.Compute.NovaClient nova;
        Smog.OpenStack.Image.ImagesClient? images = null;
        Smog.OpenStack.Network.NetworkClient? network = null;
        try
        {
            nova = await cloud.ComputeAsync(cancellationToken);
            // Only a run that uploaded images needs Glance; only one that made ports or networks needs Neutron.
            if (state.Leftovers.Any(l => l.Kind == ResourceKind.Image)) images = await cloud.ImagesAsync(cancellationToken);
            if (state.Leftovers.Any(l => l.Kind is ResourceKind.Port or ResourceKind.Subnet or ResourceKind.Network)) network = await cloud.NetworkAsync(cancellationToken);
        }
        catch (Exception e) when (e is OpenStackApiException or OpenStackClientException or OpenStackResponseException or HttpRequestException)
        {
            throw new InputException($"cannot use cloud {config.Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        using var ledger = settings.DryRun ? null : RunLedger.Append(path, run);
        var outcome = await new RunCleaner(nova, cloud.ServerWaiter(nova), run, ledger, images: images, network: network).CleanAsync(state.Leftovers, settings.DryRun, cancellationToken);
        foreach (var action in outcome.Actions)
            console.MarkupLine((action.Ok ? "" : "[red]") + Markup.Escape(action.ToString()) + (action.Ok ? "" : "[/]"));
        var verb = settings.DryRun ? "would remove" : "removed";
        console.MarkupLine(Markup.Escape($"run {run} on {config.Name}: {verb} {outcome.Actions.Count(a => a.Ok)} of {outcome.Actions.Length}, {outcome.Failures.Length} failed"));
        return outcome.Failures.IsEmpty ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private int ListRuns(string stateDir)
    {
        var runs = LedgerReader.ReadAll(stateDir);
        var withLeftovers = runs.Where(r => r.Error is not null || r.State!.Leftovers.Length > 0).ToList();
        if (withLeftovers.Count == 0)
        {
            console.MarkupLine(Markup.Escape($"no run in {stateDir} has leftovers"));
            return ExitCodes.Ok;
        }
        var table = new FittedTable(new Column("run"), new Column("started"), new Column("cloud"),
            new Column("leftovers") { WhenNarrow = WhenNarrow.MoveToDetails, Priority = 1, MinWidth = 20 });
        foreach (var (path, state, error) in withLeftovers)
        {
            if (state is null)
            {
                table.AddRow(Path.GetFileNameWithoutExtension(path), "", "", $"unreadable: {error}");
                continue;
            }
            table.AddRow(state.Run.Value, state.StartedAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "", state.AdminCloud ?? "",
                $"{state.Leftovers.Length}: " + string.Join(", ", state.Leftovers.GroupBy(l => l.Kind).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
        }
        table.Write(console);
        return ExitCodes.Ok;
    }
}
