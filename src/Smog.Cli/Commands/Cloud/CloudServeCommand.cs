using System.ComponentModel;
using System.Runtime.InteropServices;
using Smog.Cloud.Api.Faults;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation.Defects;
using Smog.Hosts.Files;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Cloud;

/// <summary>
/// <c>smog cloud serve</c>: the embedded OpenStack cloud on 127.0.0.1 until Ctrl-C or SIGTERM.
/// Writes clouds.yaml (+ secure.yaml with the passwords) and an inventory for host access
/// into the state directory and prints how to use them; never prints a secret.
/// </summary>
internal sealed class CloudServeCommand(IAnsiConsole console) : AsyncCommand<CloudServeCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--lab <FILE>")]
        [Description("Lab YAML describing the simulated hosts (default: the lab shipped with smog)")]
        public string? Lab { get; init; }

        [CommandOption("--port <N>")]
        [Description("Port on 127.0.0.1 (default 0: any free port)")]
        [DefaultValue(0)]
        public int Port { get; init; }

        [CommandOption("--fault <SPEC>")]
        [Description("Inject a fault (repeatable): error-rate=SERVICE:METHOD PATH:RATE[:STATUS], latency=[SERVICE:]DURATION, retry-after=DURATION, build-failure=RATE, service-down=HOST, token-expiry=DURATION, seed=N")]
        public string[] Faults { get; init; } = [];

        [CommandOption("--defect <NAME>")]
        [Description("Behave like a Nova with this bug (trip-wire names: see the README)")]
        public string? Defect { get; init; }

        [CommandOption("--build-time <DURATION>")]
        [Description("How long a server build (and any other server transition) takes, e.g. 50ms or 2s")]
        [DefaultValue("50ms")]
        public string BuildTime { get; init; } = "50ms";

        [CommandOption("--for <DURATION>")]
        [Description("Stop after this long (e.g. 10m; 0s starts, writes the files and stops) instead of waiting for Ctrl-C")]
        public string? For { get; init; }

        [CommandOption("--state-dir <DIR>")]
        [Description("Where clouds.yaml, secure.yaml and inventory.yml are written (default: a fresh temporary directory)")]
        public string? StateDir { get; init; }

        public override ValidationResult Validate() =>
            Port is < 0 or > 65535 ? ValidationResult.Error("--port must be 0-65535") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var lab = ReadLab(settings.Lab);
        FaultPlan faults;
        TimeSpan buildTime, lifetime;
        try
        {
            faults = FaultPlan.Parse(settings.Faults);
            buildTime = FaultPlan.Duration("--build-time", settings.BuildTime);
            lifetime = settings.For is { } f ? FaultPlan.Duration("--for", f) : Timeout.InfiniteTimeSpan;
        }
        catch (FormatException e)
        {
            throw new InputException(e.Message.Replace("--fault '--build-time'", "--build-time", StringComparison.Ordinal).Replace("--fault '--for'", "--for", StringComparison.Ordinal));
        }
        if (settings.Defect is { } defect && DefectCatalog.Find(defect) is null)
            throw new InputException($"--defect: unknown defect '{defect}' (known: {string.Join(", ", DefectCatalog.All.Select(d => d.Name))})");
        var stateDir = settings.StateDir ?? Directory.CreateTempSubdirectory("smog-cloud-").FullName;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        RunningCloud cloud;
        try
        {
            cloud = await EmbeddedCloud.StartAsync(lab, new EmbeddedCloudOptions
            {
                Port = settings.Port,
                Faults = faults,
                Defect = settings.Defect,
                BuildTime = buildTime,
            }, stop.Token);
        }
        catch (CloudStartException e)
        {
            throw new InputException(e.Message);
        }
        await using (cloud)
        {
            StateFiles files;
            try
            {
                files = cloud.WriteFiles(stateDir);
            }
            catch (CloudStartException e)
            {
                throw new InputException(e.Message);
            }
            Describe(cloud, lab, files, faults, settings);
            try
            {
                await Task.Delay(lifetime, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: a normal end.
            }
        }
        console.MarkupLine("[dim]stopped[/]");
        return ExitCodes.Ok;
    }

    private static LabDefinition ReadLab(string? path)
    {
        if (path is null) return LabReader.Default();
        var text = LocalFiles.ReadText(path);
        if (!text.Success) throw new InputException(text.Errors[0].ToString());
        var lab = LabReader.Parse(text.Value, path);
        return lab.Success ? lab.Value : throw new InputException(lab.Errors[0].ToString());
    }

    private void Describe(RunningCloud cloud, LabDefinition lab, StateFiles files, FaultPlan faults, Settings settings)
    {
        var hosts = cloud.Simulation.HostNames;
        var w = console.Profile.Out.Writer;
        w.WriteLine($"Embedded cloud on {cloud.BaseUrl.AbsoluteUri.TrimEnd('/')} ({lab.Source}: {hosts.Length} hosts{(settings.Defect is { } d ? $", defect {d}" : "")}{(faults.IsEmpty ? "" : $", {settings.Faults.Length} fault(s)")})");
        w.WriteLine($"State directory: {Path.GetDirectoryName(files.CloudsYaml)}");
        w.WriteLine($"  {files.CloudsYaml}   clouds smog-admin (admin) and smog-member (member)");
        w.WriteLine($"  {files.SecureYaml}   their passwords");
        w.WriteLine($"  {files.Inventory}   host access: {string.Join(", ", hosts)}");
        w.WriteLine("Use it:");
        w.WriteLine($"  export OS_CLIENT_CONFIG_FILE={files.CloudsYaml} OS_CLIENT_SECURE_FILE={files.SecureYaml}");
        w.WriteLine("  openstack --os-cloud smog-admin hypervisor list");
        w.WriteLine($"  smog discover --host {(hosts.IsEmpty ? "HOST" : hosts[0])} --inventory {files.Inventory}");
        w.WriteLine("Ctrl-C stops it.");
        w.Flush();
    }
}
