using System.ComponentModel;
using Smog.Hosts;
using Smog.Hosts.Editing;
using Smog.Hosts.Env;
using Smog.Hosts.Libvirt;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env nested</c>: per L0 of the inventory, nested KVM enabled persistently (and the
/// module reloaded when no guest runs); per L1 domain, the CPU mode its <c>passthrough</c> asks
/// for; then vmx/svm confirmed inside each reachable L1. Idempotent; <c>--dry-run</c> plans only.
/// </summary>
internal sealed class EnvNestedCommand(IAnsiConsole console) : AsyncCommand<EnvNestedCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--inventory|--file <FILE>")]
        [Description("Inventory with L1 entries (parent:, domain:, passthrough:); default: $SMOG_INVENTORY, else ./hosts.yml")]
        public string? Inventory { get; init; }

        [CommandOption("--dry-run")]
        [Description("Print the plan and change nothing")]
        public bool DryRun { get; init; }

        [CommandOption("--force")]
        [Description("Destroy an L1 that ignores the graceful shutdown for --shutdown-timeout")]
        public bool Force { get; init; }

        [CommandOption("--shutdown-timeout <SECONDS>")]
        [Description("How long an L1 may take to power off after an ACPI shutdown")]
        [DefaultValue(120)]
        public int ShutdownTimeout { get; init; } = 120;

        [CommandOption("--backup-dir <DIR>")]
        [Description("Directory on each L0 for domain XML backups (default: /var/lib/smog/domain-backups)")]
        public string BackupDir { get; init; } = DomainBackups.DefaultDirectory;

        [CommandOption("--state-dir <DIR>")]
        [Description("Where the journal of host edits lives (default: $XDG_STATE_HOME/smog, else ~/.local/state/smog); undo with smog env restore")]
        public string? StateDir { get; init; }

        public override ValidationResult Validate()
        {
            if (ShutdownTimeout < 1) return ValidationResult.Error($"--shutdown-timeout must be at least 1 second, not '{ShutdownTimeout}'");
            if (!BackupDir.StartsWith('/')) return ValidationResult.Error($"--backup-dir must be an absolute path on the L0, not '{BackupDir}'");
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var inventory = EnvHosts.Inventory(settings.Inventory);
        var targets = NestedApply.Targets(inventory);
        if (targets.IsEmpty) throw new InputException($"{inventory.Path}: no L1 hosts (entries with parent:) to make nested");
        var journal = settings.DryRun ? new JournaledEditor(new FileJournal(EnvHosts.JournalPath(settings.StateDir))) : EnvHosts.Editor(settings.StateDir, Console.Error);
        var apply = new NestedApply(journal, async (host, ct) => await EnvHosts.ConnectAsync(host, ct), settings.BackupDir,
            new ShutdownPolicy(TimeSpan.FromSeconds(settings.ShutdownTimeout), settings.Force), settings.DryRun, Say);
        if (settings.DryRun) Say("dry run: nothing will be changed");
        var problems = 0;
        foreach (var target in targets)
        {
            try
            {
                problems += await apply.RunAsync(target, cancellationToken);
            }
            catch (Exception e) when (e is InventoryException or FakeNumaRefused)
            {
                throw new InputException(e.Message);
            }
            catch (Exception e) when (e is HostAccessException or ShutdownTimeoutException or JournalException)
            {
                throw new CheckFailedException(e.Message);
            }
        }
        if (problems > 0) throw new CheckFailedException($"nested virtualisation is not complete: {problems} problem(s) above (lines with '!')");
        return ExitCodes.Ok;

        void Say(string line) => console.Profile.Out.Writer.WriteLine(line);
    }
}
