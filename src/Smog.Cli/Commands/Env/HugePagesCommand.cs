using System.ComponentModel;
using System.Globalization;
using Smog.Hosts;
using Smog.Hosts.Editing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// <c>smog env hugepages</c>: asks the kernel for huge pages through sysfs (one node's
/// <c>nr_hugepages</c>, or the global one that the kernel spreads over the nodes), journaled so
/// <c>smog env restore</c> gives the old counts back; then re-reads what each node actually got
/// and says whether libvirt and Nova will see the pages (<see cref="HugePageVisibility"/>).
/// </summary>
internal sealed class HugePagesCommand(IAnsiConsole console) : AsyncCommand<HugePagesCommand.Settings>
{
    internal sealed class Settings : EnvSettings
    {
        [CommandOption("--host <NAME>")]
        [Description("The inventory host to give huge pages")]
        public string? Host { get; init; }

        [CommandOption("--size <SIZE>")]
        [Description("Page size: 2M or 1G")]
        public string? Size { get; init; }

        [CommandOption("--count <N>")]
        [Description("Pages wanted: on --node, else in total (the kernel spreads them over the nodes)")]
        public int? Count { get; init; }

        [CommandOption("--node <ID>")]
        [Description("Allocate on this NUMA node only")]
        public int? Node { get; init; }

        [CommandOption("--dry-run")]
        [Description("Show the current counts and what would be written; change nothing")]
        public bool DryRun { get; init; }

        public override ValidationResult Validate()
        {
            if (Host is null) return ValidationResult.Error("--host NAME is required");
            if (SizeKiB(Size) is null) return ValidationResult.Error(Size is null ? "--size 2M|1G is required" : $"--size must be 2M or 1G, not '{Size}'");
            if (Count is null) return ValidationResult.Error("--count N is required");
            if (Count < 0) return ValidationResult.Error($"--count must be at least 0, not '{Count}'");
            if (Node < 0) return ValidationResult.Error($"--node must be at least 0, not '{Node}'");
            return ValidationResult.Success();
        }
    }

    internal static long? SizeKiB(string? size) => size?.ToUpperInvariant() switch
    {
        "2M" or "2MB" or "2048K" or "2048" => 2048,
        "1G" or "1GB" or "1048576K" or "1048576" => 1024 * 1024,
        _ => null,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var kib = SizeKiB(settings.Size)!.Value;
        var count = settings.Count!.Value;
        var host = EnvHosts.Find(EnvHosts.Inventory(settings.Inventory), settings.Host!);
        using var runner = await EnvHosts.ConnectAsync(host, cancellationToken);
        var path = settings.Node is { } node
            ? $"/sys/devices/system/node/node{node}/hugepages/hugepages-{kib}kB/nr_hugepages"
            : $"/sys/kernel/mm/hugepages/hugepages-{kib}kB/nr_hugepages";
        if (await runner.ReadFileAsync(path, cancellationToken) is not { } current)
            throw new InputException($"{host.Name}:{path}: no such file ({(settings.Node is null ? "" : $"no node {settings.Node}, or ")}the kernel does not offer {settings.Size} pages)");
        var before = await HugePageCounts.ReadAsync(runner, kib, cancellationToken);
        console.WriteLine($"{host.Name}: {path}: {current.Trim()} -> {count}");
        if (settings.DryRun)
        {
            Print(before);
            console.WriteLine("dry run: nothing written");
            return ExitCodes.Ok;
        }
        try
        {
            await EnvHosts.Editor(settings.StateDir, Console.Error).EditInPlaceAsync(runner, path, $"{count}\n", cancellationToken);
        }
        catch (HostAccessException e)
        {
            // Writing fails outright without root, or when the kernel refuses the value.
            throw new CheckFailedException($"{e.Message} (writing nr_hugepages needs root: sudo in the inventory)");
        }
        var after = await HugePageCounts.ReadAsync(runner, kib, cancellationToken);
        Print(after);
        var granted = settings.Node is { } n ? after.FirstOrDefault(c => c.Node == n)?.Total ?? 0 : after.Sum(c => c.Total);
        var visibility = await HugePageVisibility.CheckAsync(runner, kib, cancellationToken);
        foreach (var line in visibility.Lines) console.WriteLine(line);
        console.WriteLine($"journal {EnvHosts.JournalPath(settings.StateDir)} (smog env restore --host {host.Name} gives the old counts back)");
        if (granted < count)
        {
            Console.Error.WriteLine($"smog: {host.Name}: the kernel granted {granted} of {count} {settings.Size} pages{(settings.Node is { } x ? $" on node {x}" : "")} (memory too fragmented; {(kib > 2048 ? "1G pages are best reserved at boot: hugepagesz=1G hugepages=N on the kernel command line" : "try again after dropping caches, or reserve at boot")})");
            return ExitCodes.CheckFailed;
        }
        return visibility.Usable ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private void Print(IReadOnlyList<HugePageCounts> counts)
    {
        foreach (var c in counts) console.WriteLine($"  node {c.Node}: {c.Total} pages, {c.Free} free");
    }
}

/// <summary>One node's pages of one size, as sysfs reports them now.</summary>
internal sealed record HugePageCounts(int Node, long Total, long Free)
{
    public static async Task<IReadOnlyList<HugePageCounts>> ReadAsync(ICommandRunner runner, long kib, CancellationToken ct)
    {
        var result = new List<HugePageCounts>();
        foreach (var entry in await runner.ListDirectoryAsync("/sys/devices/system/node", ct))
        {
            if (!entry.Name.StartsWith("node", StringComparison.Ordinal) || !int.TryParse(entry.Name[4..], CultureInfo.InvariantCulture, out var node)) continue;
            var dir = $"/sys/devices/system/node/{entry.Name}/hugepages/hugepages-{kib}kB";
            result.Add(new HugePageCounts(node, await NumberAsync($"{dir}/nr_hugepages"), await NumberAsync($"{dir}/free_hugepages")));
        }
        return [.. result.OrderBy(c => c.Node)];

        async Task<long> NumberAsync(string path) =>
            long.TryParse((await runner.ReadFileAsync(path, ct))?.Trim(), CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
