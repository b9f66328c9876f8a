using System.ComponentModel;
using Smog.Hosts;
using Smog.Hosts.Editing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env restore</c>: replays the journal of <c>smog env</c> edits backwards, newest first,
/// putting each file (nova.conf, sysfs huge page counts) back byte for byte; also after a crash
/// mid-change. A file someone else changed since is refused (exit 1) unless <c>--force</c>.
/// </summary>
internal sealed class RestoreCommand(IAnsiConsole console) : AsyncCommand<RestoreCommand.Settings>
{
    internal sealed class Settings : EnvSettings
    {
        [CommandOption("--host <NAME>")]
        [Description("Restore this host only (default: every host with edits not yet restored)")]
        public string? Host { get; init; }

        [CommandOption("--force")]
        [Description("Also put back files changed by someone else since smog edited them")]
        public bool Force { get; init; }

        [CommandOption("--restart")]
        [Description("Run each restored host's restart command (inventory 'restart') afterwards")]
        public bool Restart { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // An inventory named on the command line is read first, so a bad one is reported even with nothing to restore.
        var given = settings.Inventory is null ? null : EnvHosts.Inventory(settings.Inventory);
        var journalPath = EnvHosts.JournalPath(settings.StateDir);
        var editor = new JournaledEditor(new FileJournal(journalPath));
        IReadOnlyList<string> hosts;
        try
        {
            hosts = settings.Host is { } one ? [one] : editor.HostsToRestore();
        }
        catch (JournalException e)
        {
            throw new InputException(e.Message);
        }
        if (hosts.Count == 0)
        {
            console.WriteLine($"nothing to restore ({journalPath})");
            return ExitCodes.Ok;
        }
        var inventory = given ?? EnvHosts.Inventory(null);
        var refused = 0;
        foreach (var name in hosts)
        {
            var host = EnvHosts.Find(inventory, name);
            using var runner = await EnvHosts.ConnectAsync(host, cancellationToken);
            RestoreResult result;
            try
            {
                result = await editor.RestoreAsync(runner, settings.Force, cancellationToken);
            }
            catch (Exception e) when (e is HostAccessException or JournalException)
            {
                throw new CheckFailedException($"{e.Message} (run smog env restore again once the host is reachable)");
            }
            foreach (var file in result.Restored) console.WriteLine($"restored {file}");
            foreach (var line in result.Refused) console.WriteLine($"refused {line}");
            if (result.Restored.IsEmpty && result.Refused.IsEmpty) console.WriteLine($"{name}: nothing to restore");
            refused += result.Refused.Length;
            if (settings.Restart && !result.Restored.IsEmpty && host.RestartCommand is { } restart)
            {
                var ran = await runner.RunAsync("sh", ["-c", restart], cancellationToken);
                if (ran is not { Succeeded: true }) throw new CheckFailedException($"{name}: the restart command failed: {ran?.FirstErrorLine ?? "sh is not installed"}");
                console.WriteLine($"{name}: restarted ({restart})");
            }
        }
        return refused == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
