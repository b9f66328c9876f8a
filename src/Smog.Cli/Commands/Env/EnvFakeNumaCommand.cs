using System.ComponentModel;
using Smog.Cli.Commands.Xml;
using Smog.Hosts;
using Smog.Hosts.Env;
using Smog.Hosts.Libvirt;
using Smog.Libvirt.FakeNuma;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env fake-numa</c>: gives a real L1 hypervisor a fake NUMA layout on its parent —
/// checks, backup, graceful shutdown, the fake-NUMA editor, define, start, confirm from inside —
/// or puts the backup back with <c>--restore</c>.
/// </summary>
internal sealed class EnvFakeNumaCommand(IAnsiConsole console) : AsyncCommand<EnvFakeNumaCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--host <L1>")]
        [Description("The L1 of the inventory (an entry with parent: and domain:)")]
        public string? Host { get; init; }

        [CommandOption("--inventory|--file <FILE>")]
        [Description("Inventory (default: $SMOG_INVENTORY, else ./hosts.yml)")]
        public string? Inventory { get; init; }

        [CommandOption("--cells <N>")]
        [Description("Number of guest NUMA cells (an even split of the vCPUs and memory)")]
        public int? Cells { get; init; }

        [CommandOption("--cpus-per-cell <N>")]
        [Description("vCPUs per cell (default: the domain's vCPUs divided by --cells)")]
        public int? CpusPerCell { get; init; }

        [CommandOption("--memory-per-cell <SIZE>")]
        [Description("Memory per cell: MiB, or with a libvirt unit (512, 1G); default: the domain's memory divided by --cells")]
        public string? MemoryPerCell { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Threads per core in the guest topology")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        [CommandOption("--resize")]
        [Description("Allow a layout whose vCPU or memory totals differ from the domain's")]
        public bool Resize { get; init; }

        [CommandOption("--restore")]
        [Description("Put the domain XML backed up by the first change back, the same way")]
        public bool Restore { get; init; }

        [CommandOption("--force")]
        [Description("Destroy the L1 when it ignores the graceful shutdown for --shutdown-timeout")]
        public bool Force { get; init; }

        [CommandOption("--dry-run")]
        [Description("Print the plan and change nothing")]
        public bool DryRun { get; init; }

        [CommandOption("--shutdown-timeout <SECONDS>")]
        [Description("How long the L1 may take to power off after an ACPI shutdown")]
        [DefaultValue(120)]
        public int ShutdownTimeout { get; init; } = 120;

        [CommandOption("--boot-timeout <SECONDS>")]
        [Description("How long to wait for the started L1's NUMA report")]
        [DefaultValue(300)]
        public int BootTimeout { get; init; } = 300;

        [CommandOption("--backup-dir <DIR>")]
        [Description("Directory on the parent for domain XML backups (default: /var/lib/smog/domain-backups)")]
        public string BackupDir { get; init; } = DomainBackups.DefaultDirectory;

        public override ValidationResult Validate()
        {
            if (Host is null) return ValidationResult.Error("--host L1 is required");
            if (Restore && (Cells ?? CpusPerCell) is not null || Restore && MemoryPerCell is not null)
                return ValidationResult.Error("--restore takes no layout (--cells, --cpus-per-cell, --memory-per-cell)");
            if (!Restore && Cells is null) return ValidationResult.Error("--cells N is required (or --restore)");
            if (Cells < 1) return ValidationResult.Error($"--cells must be at least 1, not '{Cells}'");
            if (CpusPerCell < 1) return ValidationResult.Error($"--cpus-per-cell must be at least 1, not '{CpusPerCell}'");
            if (Threads < 1) return ValidationResult.Error($"--threads must be at least 1, not '{Threads}'");
            if (ShutdownTimeout < 1) return ValidationResult.Error($"--shutdown-timeout must be at least 1 second, not '{ShutdownTimeout}'");
            if (BootTimeout < 1) return ValidationResult.Error($"--boot-timeout must be at least 1 second, not '{BootTimeout}'");
            if (!BackupDir.StartsWith('/')) return ValidationResult.Error($"--backup-dir must be an absolute path on the parent, not '{BackupDir}'");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var request = settings.Restore ? null : new FakeNumaRequest
        {
            Cells = settings.Cells ?? 0,
            CpusPerCell = settings.CpusPerCell,
            MemoryPerCell = settings.MemoryPerCell is null ? null : FakeNumaCommand.Size(settings.MemoryPerCell, "--memory-per-cell"),
            ThreadsPerCore = settings.Threads,
        };
        var options = new FakeNumaOptions(settings.BackupDir, new ShutdownPolicy(TimeSpan.FromSeconds(settings.ShutdownTimeout), settings.Force),
            TimeSpan.FromSeconds(settings.BootTimeout), settings.DryRun, settings.Resize);
        var outcome = await EnvTargets.WithParentAsync(settings.Inventory, settings.Host!, async (virsh, l1, guest) =>
        {
            var apply = new FakeNumaApply(virsh, l1, guest.Domain, options, Say);
            return request is null ? await apply.RestoreAsync(cancellationToken) : await apply.ApplyAsync(request, cancellationToken);
        }, cancellationToken);
        if (!outcome.Confirmed)
            throw new CheckFailedException($"{settings.Host}: the L1 does not show the requested layout: {string.Join("; ", outcome.Problems)}");
        return ExitCodes.Ok;

        void Say(string line) => console.Profile.Out.Writer.WriteLine(line);
    }
}
