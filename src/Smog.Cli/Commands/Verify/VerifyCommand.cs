using System.ComponentModel;
using Smog.Cli.Input;
using Smog.Nova.Config;
using Smog.Libvirt.Verification;
using Smog.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// <c>smog verify</c>: judges a guest's domain XML against what Nova 26 promises for its flavor
/// and image on this host. Exit 0 when no finding is an error, 1 otherwise, 2 on bad input.
/// </summary>
internal sealed class VerifyCommand(IAnsiConsole console) : AsyncCommand<VerifyCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--domain <FILE>")]
        [Description("The guest's domain XML (virsh dumpxml)")]
        public string? Domain { get; init; }

        [CommandOption("--host <FILE>")]
        [Description("The host: anything discover --from reads (discover JSON, capabilities XML, numactl -H, hwloc, a sysfs tree) or a host_numa_topology list")]
        public string? Host { get; init; }

        [CommandOption("--flavor <FILE>")]
        [Description("Flavor JSON (vcpus, memory_mb, extra_specs) or a whole case file")]
        public string? Flavor { get; init; }

        [CommandOption("--image <FILE>")]
        [Description("Image properties JSON (hw_* names)")]
        public string? Image { get; init; }

        [CommandOption("--others <FILES>")]
        [Description("Other guests' domain XML on the same host")]
        public string[] Others { get; init; } = [];

        [CommandOption("--topology-api <FILE>")]
        [Description("The server's GET /servers/{id}/topology answer (microversion 2.78)")]
        public string? TopologyApi { get; init; }

        [CommandOption("--nova-conf <FILE>")]
        [Description("The host's nova.conf (INI); replaces a case file's config")]
        public string? NovaConf { get; init; }

        [CommandOption("--cpu-dedicated-set <CPUS>")]
        [Description("nova.conf [compute] cpu_dedicated_set of the host")]
        public string? CpuDedicatedSet { get; init; }

        [CommandOption("--cpu-shared-set <CPUS>")]
        [Description("nova.conf [compute] cpu_shared_set of the host")]
        public string? CpuSharedSet { get; init; }

        [CommandOption("--vcpu-pin-set <CPUS>")]
        [Description("nova.conf [DEFAULT] vcpu_pin_set of the host (deprecated option)")]
        public string? VcpuPinSet { get; init; }

        [CommandOption("-o|--output <FORMAT>")]
        [Description("table (default) or json ({\"ok\", \"findings\"})")]
        [DefaultValue(OutputFormat.Table)]
        public string Output { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            if (Domain is null) return ValidationResult.Error("--domain FILE is required");
            if (Host is null) return ValidationResult.Error("--host FILE is required");
            if (Flavor is null) return ValidationResult.Error("--flavor FILE is required");
            return OutputFormat.Validate(Output);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var flavor = InputFiles.Flavor(settings.Flavor!);
        var input = new VerificationInput
        {
            Host = await InputFiles.HostAsync(settings.Host!, cancellationToken),
            Config = InputFiles.Conf(flavor.Conf ?? NovaConf.Default, settings.NovaConf, settings.CpuDedicatedSet, settings.CpuSharedSet, settings.VcpuPinSet),
            Flavor = flavor.Flavor,
            Image = settings.Image is { } image ? InputFiles.Image(image) : flavor.Image ?? Nova.ImageProperties.None,
            Domain = InputFiles.Domain(settings.Domain!),
            Others = [.. settings.Others.Select(InputFiles.Domain)],
            TopologyApi = settings.TopologyApi is { } api ? TopologyApiFile.Read(api) : null,
        };
        var findings = DomainVerifier.Verify(input);
        if (settings.Output == OutputFormat.Json) console.Profile.Out.Writer.WriteLine(FindingsRenderer.Json(findings));
        else FindingsRenderer.Table(console, findings, settings.Domain!);
        return DomainVerifier.IsOk(findings) ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
