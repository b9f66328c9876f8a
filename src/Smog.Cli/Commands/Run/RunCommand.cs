using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Smog.Cli.Input;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation.Defects;
using Smog.Hosts;
using Smog.Hosts.Files;
using Smog.OpenStack;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.Suite.Config;
using Smog.Suite.Ledger;
using Smog.Suite.Reports;
using Smog.Suite.Results;
using Smog.Suite.Runner;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Run;

/// <summary>
/// <c>smog run</c>: the NUMA feature suite against a cloud. Exit 0 when every selected scenario
/// passed or was skipped, 1 when one failed or errored (or the run was interrupted), 2 on bad input.
/// </summary>
internal sealed class RunCommand(IAnsiConsole console, StandardError stderr) : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        if (settings.ListDefects)
        {
            foreach (var d in DefectCatalog.All) console.Profile.Out.Writer.WriteLine(d.Name);
            return ExitCodes.Ok;
        }
        if (settings.Defect is { } named && DefectCatalog.Find(named) is null)
            throw new InputException($"--defect: unknown defect '{named}' (known: {string.Join(", ", DefectCatalog.All.Select(d => d.Name))})");
        var config = settings.Config is { } file ? ReadConfig(file) : RunConfig.Empty;
        var inventoryPath = settings.Inventory ?? config.Inventory;
        var inventory = inventoryPath is null ? null : ReadInventory(inventoryPath);
        foreach (var output in new[] { settings.Junit, settings.Json, settings.Html }.OfType<string>())
        {
            if (LocalFiles.CheckWritable(output) is { } error) throw new InputException(error.ToString());
        }
        var ids = Catalogue.All.Select(s => s.Id).ToList();
        ImmutableArray<string> selected;
        try
        {
            selected = ScenarioSelector.Select(ids, settings.Scenario.Length > 0 ? settings.Scenario : [.. config.Scenarios], [.. config.Skip, .. settings.Skip]);
        }
        catch (ArgumentException e)
        {
            throw new InputException((settings.Scenario.Length > 0 || settings.Skip.Length > 0 ? "--scenario/--skip: " : $"{settings.Config}: scenarios/skip: ") + e.Message);
        }
        if (settings.List)
        {
            CatalogueView.Write(console, Catalogue.All);
            return ExitCodes.Ok;
        }

        var env = ConfigEnvironment.FromMachine();
        var adminName = settings.OsCloud ?? config.Cloud ?? env.Get("OS_CLOUD");
        var memberName = settings.MemberCloud ?? config.MemberCloud;
        var toEmbedded = adminName is null && env.Get("OS_AUTH_URL") is null;
        if (settings.Defect is not null && !toEmbedded)
            throw new InputException($"--defect: defects exist only in the embedded cloud; drop it or the target ({(settings.OsCloud is not null ? "--os-cloud" : config.Cloud is not null ? $"{settings.Config}: cloud" : "OS_CLOUD/OS_AUTH_URL")})");
        // No target: the embedded cloud on loopback with its default lab, and its own clouds.yaml and inventory.
        await using var embedded = toEmbedded ? await StartEmbeddedAsync(settings.Defect, cancellationToken) : null;
        if (embedded is { } started)
        {
            env = env with { Variables = env.Variables.SetItem("OS_CLIENT_CONFIG_FILE", started.Files.CloudsYaml).SetItem("OS_CLIENT_SECURE_FILE", started.Files.SecureYaml) };
            (adminName, memberName) = (CloudFiles.AdminCloud, memberName ?? CloudFiles.MemberCloud);
            inventoryPath ??= started.Files.Inventory;
            inventory ??= ReadInventory(started.Files.Inventory);
            console.MarkupLine(Markup.Escape($"no cloud given: testing the embedded cloud at {started.Cloud.BaseUrl} (default lab{(settings.Defect is { } d ? $", defect {d} switched on" : "")})"));
        }
        var resolver = new CloudConfigResolver(env);
        var adminConfig = resolver.Resolve(adminName is null ? CloudSelection.None : CloudSelection.Named(adminName));
        var memberConfig = memberName is null ? null : resolver.Resolve(CloudSelection.Named(memberName));
        var options = new SuiteOptions
        {
            Parallel = settings.Parallel ?? config.Parallel,
            Timeouts = Timeouts(settings, config),
            Image = config.Image,
            Network = config.Network ?? "none",
            ExpectedVirtType = config.VirtType,
        };
        var stateDir = settings.StateDir ?? config.StateDir ?? RunLedger.DefaultStateDirectory;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            stderr.Writer.WriteLine("smog: interrupted: no new scenarios start; cleaning up (Ctrl-C again to leave the rest to smog cleanup)");
            if (stop.IsCancellationRequested) Environment.Exit(130);
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            using var admin = new OpenStackCloud(adminConfig);
            using var member = memberConfig is null ? null : new OpenStackCloud(memberConfig);
            var clients = await ConnectAsync(admin, member, stop.Token);
            await using var access = new HostAccessPool(inventory);
            var run = RunId.New(DateTimeOffset.UtcNow);
            RunLedger ledger;
            try
            {
                ledger = RunLedger.Create(stateDir, run, adminConfig.Name, (memberConfig ?? adminConfig).Name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"{stateDir}: cannot write the run ledger ({LocalFiles.Describe(e)})");
            }
            using (ledger)
            {
                console.MarkupLine(Markup.Escape($"run {run} against {adminConfig.Name}" + (member is null ? " (servers as admin)" : $" (servers as {memberConfig!.Name})") + $"; ledger {ledger.Path}"));
                var target = new RunTarget
                {
                    Kind = embedded is null ? "openstack" : "embedded",
                    AdminCloud = adminConfig.Name,
                    BootCloud = (memberConfig ?? adminConfig).Name,
                    BootsAsMember = member is not null,
                    AuthUrl = adminConfig.Auth.AuthUrl,
                    Inventory = inventoryPath,
                    Defect = embedded is null ? null : settings.Defect,
                };
                var scenarios = Catalogue.All.Where(s => selected.Contains(s.Id)).ToList();
                RunReport report;
                await using (var progress = RunConsole.Start(console))
                {
                    try
                    {
                        report = await new SuiteRunner(clients, access, ledger, options, progress).RunAsync(scenarios, target, stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        throw new CheckFailedException($"interrupted before any scenario ran; nothing was created (ledger {ledger.Path})");
                    }
                }
                RunSummary.Write(console, report);
                WriteReports(settings, report);
                return report.ExitCode;
            }
        }
        catch (RunAbortedException e)
        {
            throw new CheckFailedException(e.Message);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>A running embedded cloud and the files it wrote (in a temporary directory removed with it); smog env check starts one too.</summary>
    internal sealed record Embedded(RunningCloud Cloud, StateFiles Files, string Directory) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Cloud.DisposeAsync();
            try { System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { }
        }
    }

    internal static async Task<Embedded> StartEmbeddedAsync(string? defect, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("smog-embedded-").FullName;
        try
        {
            var cloud = await EmbeddedCloud.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { Defect = defect }, ct);
            return new Embedded(cloud, cloud.WriteFiles(directory), directory);
        }
        catch (CloudStartException e)
        {
            throw new InputException(e.Message);
        }
    }

    private static async Task<SuiteClients> ConnectAsync(OpenStackCloud admin, OpenStackCloud? member, CancellationToken ct)
    {
        try
        {
            return await SuiteClients.ConnectAsync(admin, member, ct);
        }
        catch (Exception e) when (e is OpenStackApiException or OpenStackClientException or OpenStackResponseException or HttpRequestException)
        {
            throw new InputException($"cannot use cloud {admin.Config.Name}{(member is null ? "" : $"/{member.Config.Name}")}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static SuiteTimeouts Timeouts(RunSettings settings, RunConfig config)
    {
        var d = SuiteTimeouts.Default;
        var action = settings.Timeout is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        return new SuiteTimeouts(action ?? config.BootTimeout ?? d.Boot, action ?? config.ActionTimeout ?? d.Action, config.DeleteTimeout ?? d.Delete);
    }

    private static RunConfig ReadConfig(string path)
    {
        try
        {
            return RunConfigReader.Load(path);
        }
        catch (RunConfigException e)
        {
            throw new InputException(e.Message);
        }
    }

    private static HostInventory ReadInventory(string path)
    {
        try
        {
            return InventoryParser.Load(path);
        }
        catch (InventoryException e)
        {
            throw new InputException(e.Message);
        }
    }

    private void WriteReports(RunSettings settings, RunReport report)
    {
        foreach (var (path, render) in new (string?, Func<RunReport, string>)[] { (settings.Junit, JunitReport.Render), (settings.Json, JsonReport.Render), (settings.Html, HtmlReport.Render) })
        {
            if (path is null) continue;
            InputFiles.WriteAtomically(path, render(report));
            console.MarkupLine(Markup.Escape($"wrote {path}"));
        }
    }
}
