using System.ComponentModel;
using Smog.Cli.Input;
using Smog.Cli.Rendering;
using Smog.Nova.Specs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Lint;

/// <summary>
/// <c>smog lint</c>: checks a flavor's extra specs (and an image's properties) against what
/// Nova 26 accepts and does, without a cloud. Exit 1 when the API or server create would refuse.
/// </summary>
internal sealed class LintCommand(IAnsiConsole console) : Command<LintCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--flavor <FILE>")]
        [Description("A flavor as in the oracle case schema ({vcpus, memory_mb, extra_specs}) or a whole case file (flavor, image_properties)")]
        public string? Flavor { get; init; }

        [CommandOption("--image <FILE>")]
        [Description("Glance image properties as a JSON object (replaces a case file's image_properties)")]
        public string? Image { get; init; }

        [CommandOption("--microversion <VERSION>")]
        [Description("Compute API microversion the extra specs are set with; the API checks them from 2.86 on")]
        [DefaultValue("2.86")]
        public string Microversion { get; init; } = "2.86";

        [CommandOption("-o|--output <FORMAT>")]
        [Description("table (default) or json")]
        [DefaultValue(OutputFormat.Table)]
        public string Output { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            if (Flavor is null) return ValidationResult.Error("--flavor FILE is required");
            if (!Smog.Nova.Microversion.TryParse(Microversion, out var version) || version.Major < 2) return ValidationResult.Error($"--microversion must look like 2.86, not '{Microversion}'");
            // Nova 26 (Zed) serves compute 2.1-2.93 and answers any other version 406 Not Acceptable.
            if (version < new Smog.Nova.Microversion(2, 1) || version > new Smog.Nova.Microversion(2, 93))
                return ValidationResult.Error($"--microversion must be between 2.1 and 2.93 (Nova 26), not '{Microversion}'");
            return OutputFormat.Validate(Output);
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var input = InputFiles.Flavor(settings.Flavor!);
        var (flavor, image) = (input.Flavor, settings.Image is { } path ? InputFiles.Image(path) : input.Image ?? Nova.ImageProperties.None);
        var report = LintReport.Build(flavor, image, Smog.Nova.Microversion.Parse(settings.Microversion));
        if (settings.Output == OutputFormat.Json) console.Profile.Out.Writer.WriteLine(report.ToJson());
        else LintRenderer.Render(console, report);
        return report.Ok ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
