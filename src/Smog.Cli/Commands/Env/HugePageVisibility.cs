using System.Globalization;
using Smog.Hosts;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// Whether libvirt and Nova will use huge pages of a size. Nova learns each node's pages from
/// libvirt's capabilities (read live from sysfs), but QEMU can back guest memory with them only
/// through a hugetlbfs mount of that page size, and libvirt looks for those mounts when its
/// daemon starts. So: a hugetlbfs mount for the size must be in <c>/proc/mounts</c>, and the
/// daemon (libvirtd or virtqemud) must have started after it was mounted. The mount's time comes
/// from systemd (<c>ActiveEnterTimestampMonotonic</c> of its mount unit, µs since boot) and the
/// daemon's from <c>/proc/PID/stat</c> field 22 (clock ticks since boot, <c>getconf CLK_TCK</c>):
/// both count from boot, so they compare without clock skew. Without systemd the order is unknown
/// and said so.
/// </summary>
internal sealed record HugePageVisibility(IReadOnlyList<string> Lines, bool Usable)
{
    public static async Task<HugePageVisibility> CheckAsync(ICommandRunner runner, long kib, CancellationToken ct)
    {
        var lines = new List<string>();
        var mounts = Mounts(await runner.ReadFileAsync("/proc/mounts", ct) ?? "", DefaultPageKiB(await runner.ReadFileAsync("/proc/meminfo", ct)), kib);
        if (mounts.Count == 0)
        {
            lines.Add($"hugetlbfs: no mount with {Size(kib)} pages in /proc/mounts; QEMU cannot use them (mount -t hugetlbfs -o pagesize={Size(kib)} none /dev/hugepages{(kib > 2048 ? "1G" : "")}, then restart libvirt)");
            return new HugePageVisibility(lines, false);
        }
        lines.Add($"hugetlbfs: {string.Join(", ", mounts)} ({Size(kib)} pages)");
        var daemon = await DaemonStartAsync(runner, ct);
        if (daemon is null)
        {
            lines.Add("libvirt: no libvirtd or virtqemud running; it will see the mount when it starts");
            return new HugePageVisibility(lines, true);
        }
        var mounted = await MountTimeAsync(runner, mounts[0], ct);
        if (mounted is null)
        {
            lines.Add($"libvirt: {daemon.Value.Name} started {daemon.Value.Seconds:0} s after boot; when {mounts[0]} was mounted is unknown (no systemd mount unit): if it was mounted later, restart {daemon.Value.Name}");
            return new HugePageVisibility(lines, true);
        }
        var after = daemon.Value.Seconds >= mounted.Value;
        lines.Add(after
            ? $"libvirt: {daemon.Value.Name} started after {mounts[0]} was mounted ({daemon.Value.Seconds:0} s vs {mounted.Value:0} s after boot): it sees the pages"
            : $"libvirt: {daemon.Value.Name} started before {mounts[0]} was mounted ({daemon.Value.Seconds:0} s vs {mounted.Value:0} s after boot): restart {daemon.Value.Name} so QEMU can use the pages");
        return new HugePageVisibility(lines, after);
    }

    private static string Size(long kib) => kib >= 1024 * 1024 ? $"{kib / 1024 / 1024}G" : $"{kib / 1024}M";

    /// <summary>Mount points of hugetlbfs with <paramref name="kib"/> pages (no pagesize option: the default size).</summary>
    internal static List<string> Mounts(string procMounts, long defaultKiB, long kib)
    {
        var result = new List<string>();
        foreach (var line in procMounts.Split('\n'))
        {
            var f = line.Split(' ');
            if (f.Length < 4 || f[2] != "hugetlbfs") continue;
            var size = f[3].Split(',').FirstOrDefault(o => o.StartsWith("pagesize=", StringComparison.Ordinal)) is { } o
                ? HugePagesCommand.SizeKiB(o["pagesize=".Length..]) : defaultKiB;
            if (size == kib) result.Add(f[1].Replace("\\040", " ", StringComparison.Ordinal));
        }
        return result;
    }

    private static long DefaultPageKiB(string? meminfo) =>
        meminfo?.Split('\n').FirstOrDefault(l => l.StartsWith("Hugepagesize:", StringComparison.Ordinal)) is { } line
        && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture, out var k) ? k : 2048;

    private static async Task<(string Name, double Seconds)?> DaemonStartAsync(ICommandRunner runner, CancellationToken ct)
    {
        foreach (var name in new[] { "virtqemud", "libvirtd" })
        {
            var pids = await runner.RunAsync("pidof", ["-s", name], ct);
            if (pids is not { Succeeded: true } || !int.TryParse(pids.StandardOutput.Trim(), CultureInfo.InvariantCulture, out var pid)) continue;
            var stat = await runner.ReadFileAsync($"/proc/{pid}/stat", ct);
            var ticks = await runner.RunAsync("getconf", ["CLK_TCK"], ct);
            if (stat is null || ticks is not { Succeeded: true } || !double.TryParse(ticks.StandardOutput.Trim(), CultureInfo.InvariantCulture, out var hz)) continue;
            // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 19 && double.TryParse(fields[19], CultureInfo.InvariantCulture, out var start)) return (name, start / hz);
        }
        return null;
    }

    private static async Task<double?> MountTimeAsync(ICommandRunner runner, string mountPoint, CancellationToken ct)
    {
        var unit = await runner.RunAsync("systemd-escape", ["-p", "--suffix=mount", mountPoint], ct);
        if (unit is not { Succeeded: true }) return null;
        var show = await runner.RunAsync("systemctl", ["show", "-p", "ActiveEnterTimestampMonotonic", "--value", unit.StandardOutput.Trim()], ct);
        return show is { Succeeded: true } && long.TryParse(show.StandardOutput.Trim(), CultureInfo.InvariantCulture, out var us) && us > 0 ? us / 1e6 : null;
    }
}
