using System.ComponentModel;
using System.Text;
using Smog.Hosts;
using Smog.Hosts.Editing;
using Smog.Nova.Config;
using Smog.Suite.Selection;
using Smog.Topology;
using Smog.Topology.Merge;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env nova-conf</c>: edits a host's nova.conf through its runner. Shows what changes,
/// journals the old bytes on this machine before writing (so <c>smog env restore</c> undoes
/// it, also after a crash), writes atomically, and with <c>--restart</c> restarts nova-compute
/// and waits until Nova reports it up again.
/// </summary>
internal sealed class NovaConfCommand(IAnsiConsole console) : AsyncCommand<NovaConfCommand.Settings>
{
    internal sealed class Settings : EnvSettings
    {
        [CommandOption("--host <NAME>")]
        [Description("The inventory host whose nova.conf to edit")]
        public string? Host { get; init; }

        [CommandOption("--set <SECTION.OPTION=VALUE>")]
        [Description("Set an option, replacing every value it had (repeat for more)")]
        public string[] Set { get; init; } = [];

        [CommandOption("--add <SECTION.OPTION=VALUE>")]
        [Description("Add one more value to a multi-valued option, e.g. pci.alias or pci.device_spec")]
        public string[] Add { get; init; } = [];

        [CommandOption("--unset <SECTION.OPTION>")]
        [Description("Remove every value of an option (Nova's default applies)")]
        public string[] Unset { get; init; } = [];

        [CommandOption("--add-filter <NAME>")]
        [Description("Append a filter to [filter_scheduler] enabled_filters once (from Zed's default list when unset)")]
        public string[] AddFilter { get; init; } = [];

        [CommandOption("--preset <NAME>")]
        [Description("numa (virt_type=kvm, NUMATopologyFilter, AggregateInstanceExtraSpecsFilter), pinning (numa + CPU sets from the host's topology) or hugepages (numa)")]
        public string[] Preset { get; init; } = [];

        [CommandOption("--restart")]
        [Description("Run the host's restart command (inventory 'restart') and wait until Nova reports nova-compute up")]
        public bool Restart { get; init; }

        [CommandOption("--os-cloud <NAME>")]
        [Description("Cloud (clouds.yaml, admin) to ask whether nova-compute is up after --restart (default: $OS_CLOUD)")]
        public string? OsCloud { get; init; }

        [CommandOption("--wait <SECONDS>")]
        [Description("How long --restart waits for nova-compute to report up ")]
        [DefaultValue(120)]
        public int Wait { get; init; } = 120;

        [CommandOption("--dry-run")]
        [Description("Show the changes; change nothing")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate()
        {
            if (Host is null) return ValidationResult.Error("--host NAME is required");
            if (Set.Length + Add.Length + Unset.Length + AddFilter.Length + Preset.Length == 0)
                return ValidationResult.Error("give at least one of --set, --add, --unset, --add-filter or --preset");
            if (Preset.FirstOrDefault(p => !NovaConfPresets.Names.Contains(p)) is { } bad)
                return ValidationResult.Error($"--preset must be one of {string.Join(", ", NovaConfPresets.Names)}, not '{bad}'");
            if (Wait is < 1 or > 3600) return ValidationResult.Error($"--wait must be between 1 and 3600, not '{Wait}'");
            return ValidationResult.Success();
        }
    }

    /// <summary>One nova.conf file as read: its path, whether it exists, its text.</summary>
    private sealed record ConfFile(string Path, bool Exists, string Text);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var requested = ParseEdits(settings);
        var host = EnvHosts.Find(EnvHosts.Inventory(settings.Inventory), settings.Host!);
        if (settings.Restart && host.RestartCommand is null)
            throw new InputException($"--restart: host {host.Name} has no 'restart' command in the inventory (e.g. restart: systemctl restart nova-compute)");
        using var runner = await EnvHosts.ConnectAsync(host, cancellationToken);
        var paths = host.NovaConfPaths.IsDefaultOrEmpty ? [.. CloudDiscovery.NovaConfFiles] : host.NovaConfPaths.ToList();
        var files = new List<ConfFile>();
        foreach (var path in paths)
        {
            var file = await ReadAsync(runner, path, cancellationToken);
            files.Add(new ConfFile(path, file.Exists, file.Exists ? new UTF8Encoding(false).GetString(file.Content) : ""));
        }
        if (!files[0].Exists) throw new InputException($"{host.Name}:{paths[0]}: no such file (set nova_conf in the inventory if nova.conf lives elsewhere)");

        var topology = settings.Preset.Contains("pinning") ? await TopologyAsync(runner, host, cancellationToken) : null;
        var edits = new List<ConfEdit>();
        try
        {
            foreach (var preset in settings.Preset) edits.AddRange(NovaConfPresets.Edits(preset, topology));
        }
        catch (ArgumentException e)
        {
            throw new InputException($"--preset pinning: {host.Name}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        edits.AddRange(requested);

        var texts = files.Select(f => f.Text).ToList();
        foreach (var edit in edits) Route(files, texts, edit);
        foreach (var filter in settings.Preset.Any() ? NovaConfPresets.Filters.Concat(settings.AddFilter) : settings.AddFilter)
        {
            if (NovaConfEditor.AddFilter(string.Join("\n", texts), filter) is { } edit) Route(files, texts, edit);
        }

        var changed = Enumerable.Range(0, files.Count).Where(i => texts[i] != files[i].Text).ToList();
        var merged = NovaConfReader.ParseIni(string.Join("\n", texts), $"{host.Name}:{paths[0]}");
        if (!merged.Success) throw new InputException($"the edited nova.conf would not be valid: {merged.Errors[0]}");
        if (changed.Count == 0)
        {
            console.WriteLine($"{host.Name}: nova.conf already has these values; nothing to change");
            return await RestartAsync(settings, host, runner, cancellationToken);
        }
        var touched = edits.Select(e => (e.Section, e.Option)).Append((NovaConfEditor.FilterSection, NovaConfEditor.FilterOption)).Distinct().ToList();
        foreach (var i in changed)
        {
            console.WriteLine($"{host.Name}:{files[i].Path}{(files[i].Exists ? "" : " (new file)")}");
            foreach (var (section, option) in touched)
            {
                var (before, after) = (NovaConfEditor.Values(files[i].Text, section, option), NovaConfEditor.Values(texts[i], section, option));
                if (before.SequenceEqual(after)) continue;
                console.WriteLine(option == NovaConfEditor.FilterOption && !after.IsEmpty
                    ? $"  [{section}] {option}: {(before.IsEmpty ? "Zed's default" : "the list")} + {string.Join(", ", Filters(after).Except(before.IsEmpty ? NovaConf.DefaultEnabledFilters : Filters(before)))}"
                    : $"  [{section}] {option}: {Show(before)} -> {Show(after)}");
            }
        }
        if (settings.DryRun)
        {
            console.WriteLine("dry run: nothing written");
            return ExitCodes.Ok;
        }
        var editor = EnvHosts.Editor(settings.StateDir, Console.Error);
        foreach (var i in changed)
        {
            try
            {
                await editor.EditAsync(runner, files[i].Path, texts[i], cancellationToken);
            }
            catch (Exception e) when (e is HostAccessException or JournalException)
            {
                throw new CheckFailedException($"{e.Message} (smog env restore --host {host.Name} undoes what was written)");
            }
        }
        console.WriteLine($"written; journal {EnvHosts.JournalPath(settings.StateDir)} (smog env restore --host {host.Name} undoes it)");
        return await RestartAsync(settings, host, runner, cancellationToken);
    }

    private static IEnumerable<string> Filters(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',')).Select(f => f.Trim()).Where(f => f.Length > 0);

    private static string Show(IReadOnlyCollection<string> values) =>
        values.Count == 0 ? "(unset)" : string.Join(" | ", values.Select(v => v.ReplaceLineEndings(" ")));

    /// <summary>
    /// Sends an edit to the file where it takes effect: nova-compute reads the files in order and
    /// the last value wins, so an option goes where it is last set (else the first file); unset
    /// removes it from every file.
    /// </summary>
    private static void Route(List<ConfFile> files, List<string> texts, ConfEdit edit)
    {
        var holders = Enumerable.Range(0, files.Count).Where(i => !NovaConfEditor.Values(texts[i], edit.Section, edit.Option).IsEmpty).ToList();
        IEnumerable<int> targets = edit.Kind == ConfEditKind.Unset ? holders : [holders.Count > 0 ? holders[^1] : 0];
        foreach (var i in targets)
            texts[i] = NovaConfEditor.Apply(texts[i], [edit]).Text;
    }

    private static List<ConfEdit> ParseEdits(Settings settings)
    {
        var edits = new List<ConfEdit>();
        foreach (var (kind, option, values) in new[] { (ConfEditKind.Set, "--set", settings.Set), (ConfEditKind.Add, "--add", settings.Add), (ConfEditKind.Unset, "--unset", settings.Unset) })
        {
            foreach (var text in values)
            {
                var edit = ConfEdit.Parse(kind, text, out var error);
                edits.Add(error is null ? edit : throw new InputException($"{option}: {error}"));
            }
        }
        foreach (var filter in settings.AddFilter)
        {
            if (filter.Length == 0 || filter.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
                throw new InputException($"--add-filter: expected a filter class name like NUMATopologyFilter, found '{filter}'");
        }
        return edits;
    }

    private static async Task<HostFile> ReadAsync(ICommandRunner runner, string path, CancellationToken ct)
    {
        try
        {
            return await HostFiles.ReadAsync(runner, path, ct);
        }
        catch (HostAccessException e)
        {
            throw new InputException(e.Message);
        }
    }

    private static async Task<HostTopology> TopologyAsync(ICommandRunner runner, InventoryHost host, CancellationToken ct)
    {
        var inputs = await HostDiscovery.CollectAsync(runner, "/sys", host.LibvirtUri, ct);
        if (inputs.Sources.IsEmpty) throw new InputException($"--preset pinning: cannot read {host.Name}'s topology: {string.Join("; ", inputs.Notes)}");
        return TopologyMerger.Merge(inputs.Sources).Topology;
    }

    private async Task<int> RestartAsync(Settings settings, InventoryHost host, ICommandRunner runner, CancellationToken ct)
    {
        if (!settings.Restart) return ExitCodes.Ok;
        var waiter = ServiceWaiter.Create(settings.OsCloud, host.Name);
        var before = waiter is null ? null : await waiter.HeartbeatAsync(ct);
        console.WriteLine($"{host.Name}: {host.RestartCommand}");
        var result = await runner.RunAsync("sh", ["-c", host.RestartCommand!], ct)
            ?? throw new CheckFailedException($"{host.Name}: sh is not installed");
        if (!result.Succeeded)
            throw new CheckFailedException($"{host.Name}: the restart command failed: {result.FirstErrorLine} (smog env restore --host {host.Name} --restart puts the old nova.conf back)");
        if (waiter is null)
        {
            console.WriteLine("restarted; not waiting for Nova (no --os-cloud or OS_CLOUD)");
            return ExitCodes.Ok;
        }
        var up = await waiter.WaitUpAsync(before, TimeSpan.FromSeconds(settings.Wait), ct);
        console.WriteLine($"{host.Name}: nova-compute is up (heartbeat {up:u})");
        return ExitCodes.Ok;
    }
}
