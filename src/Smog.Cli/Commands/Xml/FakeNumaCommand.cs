using System.ComponentModel;
using System.Globalization;
using Smog.Cli.Input;
using Smog.Cli.Commands.Verify;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;
using Smog.Units;
using Spectre.Console.Cli;
using Spectre.Console;

namespace Smog.Cli.Commands.Xml;

/// <summary>
/// <c>smog xml fake-numa</c>: gives an L1 hypervisor's domain XML a NUMA layout (cells, threads,
/// distances, CPU mode) and writes it atomically; everything else in the document is kept.
/// </summary>
internal sealed class FakeNumaCommand(IAnsiConsole console) : Command<FakeNumaCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--in <FILE>")]
        [Description("The L1 guest's domain XML")]
        public string? In { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Where to write the result (written to a temporary file, then renamed); may equal --in")]
        public string? Out { get; init; }

        [CommandOption("--cells <N>")]
        [Description("Number of guest NUMA cells for an even split of the vCPUs and memory")]
        public int? Cells { get; init; }

        [CommandOption("--cpus-per-cell <N>")]
        [Description("vCPUs per cell (default: the domain's vCPUs divided by --cells)")]
        public int? CpusPerCell { get; init; }

        [CommandOption("--memory <SIZE>")]
        [Description("Memory per cell: MiB, or a number with a libvirt unit (4G, 4096MiB); default: the domain's memory divided by --cells")]
        public string? Memory { get; init; }

        [CommandOption("--layout <CELLS>")]
        [Description("Explicit cells as CPUS:MiB items, e.g. \"0-3:4096,4-7:4096\" (instead of --cells)")]
        public string? Layout { get; init; }

        [CommandOption("--resize")]
        [Description("Allow a layout whose vCPUs or memory differ from the domain's: the domain is resized to match and pins of removed vCPUs are dropped")]
        public bool Resize { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Threads per core in the guest topology")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        [CommandOption("--distances <MATRIX>")]
        [Description("Distance matrix, rows separated by ';', e.g. \"10,21;21,10\"")]
        public string? Distances { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("CPU mode: host-passthrough, host-model or custom (default: keep the domain's)")]
        public string? Mode { get; init; }

        [CommandOption("--capabilities <FILE>")]
        [Description("virsh capabilities XML: the CPU model for --mode custom")]
        public string? Capabilities { get; init; }

        public override ValidationResult Validate()
        {
            if (In is null) return ValidationResult.Error("--in FILE is required");
            if (Out is null) return ValidationResult.Error("--out FILE is required");
            if ((Cells is null) == (Layout is null)) return ValidationResult.Error("give exactly one of --cells N or --layout CELLS");
            // Counts are the option's fault, not the domain file's: say so before the file is read.
            if (Cells < 1) return ValidationResult.Error($"--cells must be at least 1, not '{Cells}'");
            if (CpusPerCell < 1) return ValidationResult.Error($"--cpus-per-cell must be at least 1, not '{CpusPerCell}'");
            if (Threads < 1) return ValidationResult.Error($"--threads must be at least 1, not '{Threads}'");
            if (Layout is not null && (CpusPerCell is not null || Memory is not null))
                return ValidationResult.Error("--cpus-per-cell and --memory go with --cells, not --layout");
            if (Mode is not (null or "host-passthrough" or "host-model" or "custom"))
                return ValidationResult.Error($"--mode must be host-passthrough, host-model or custom, not '{Mode}'");
            if (Mode == "custom" && Capabilities is null) return ValidationResult.Error("--mode custom needs --capabilities FILE");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var domain = DomainReader.Parse(InputFiles.Text(settings.In!), settings.In!);
        if (!domain.Success) throw new InputException(domain.Errors[0].ToString());
        var edited = FakeNumaEditor.Apply(domain.Value, Request(settings), settings.In!);
        if (!edited.Success) throw new InputException(edited.Errors[0].ToString());
        // A layout that does not add up to the domain's vCPUs and memory resizes the guest: only on request.
        var changes = FakeNumaChanges.Between(domain.Value, edited.Value);
        if (changes.Resizes && !settings.Resize)
            throw new InputException($"{SizeOption(settings)}: would change the domain ({string.Join(", ", changes.Describe())}); give --resize to write it");
        InputFiles.WriteAtomically(settings.Out!, DomainWriter.ToText(edited.Value) + "\n");
        var cells = edited.Value.Cpu!.Numa!.Cells;
        var changed = changes.IsEmpty ? "" : "; changed: " + string.Join(", ", changes.Describe());
        console.Profile.Out.Writer.WriteLine($"wrote {settings.Out}: {cells.Length} cell(s) {string.Join(" ", cells.Select(c => $"[{c.Cpus}: {CellSize(c)}]"))}{changed}");
        return ExitCodes.Ok;
    }

    // Binary units, like every size smog prints and the "changed:" list on the same line.
    private static string CellSize(DomainCpuNumaCell c) =>
        ByteSize.TryParse(c.Memory, c.Unit, ByteSize.KiBytes, out _, out var size) ? size.ToString() : $"{c.Memory} {c.Unit ?? "KiB"}";

    private static string SizeOption(Settings s) => s.Layout is not null ? "--layout" : s.CpusPerCell is not null ? "--cpus-per-cell" : "--memory";

    private static FakeNumaRequest Request(Settings s)
    {
        var request = new FakeNumaRequest
        {
            Cells = s.Cells ?? 0,
            CpusPerCell = s.CpusPerCell,
            MemoryPerCell = s.Memory is null ? null : Size(s.Memory),
            ThreadsPerCore = s.Threads,
            Mode = s.Mode,
        };
        if (s.Layout is not null)
        {
            var layout = FakeNumaRequest.ParseLayout(s.Layout, "--layout");
            request = request with { Layout = layout.Success ? layout.Value : throw new InputException(layout.Errors[0].ToString()) };
        }
        if (s.Distances is not null)
        {
            var distances = FakeNumaRequest.ParseDistances(s.Distances, "--distances");
            request = request with { Distances = distances.Success ? distances.Value : throw new InputException(distances.Errors[0].ToString()) };
        }
        if (s.Capabilities is not null)
        {
            var model = HostCpuModel.FromCapabilities(InputFiles.Text(s.Capabilities), s.Capabilities);
            request = request with { CustomModel = model.Success ? model.Value : throw new InputException(model.Errors[0].ToString()) };
        }
        return request;
    }

    /// <summary>MiB by default; otherwise a number followed by a libvirt unit.</summary>
    internal static ByteSize Size(string text, string option = "--memory")
    {
        var t = text.Trim();
        var digits = new string([.. t.TakeWhile(char.IsDigit)]);
        return ByteSize.TryParse(digits, t[digits.Length..].Trim(), ByteSize.MiBytes, out _, out var size) && size.Bytes > 0
            ? size
            : throw new InputException($"{option} must be a size above 0 in MiB or with a libvirt unit (4096, 4G, 4096MiB), not '{text}'");
    }
}
