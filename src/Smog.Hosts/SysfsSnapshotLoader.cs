using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Topology.Parsers;

namespace Smog.Hosts;

/// <summary>
/// Copies the parts of a sysfs tree that <see cref="SysfsParser"/> reads into a
/// <see cref="SysfsSnapshot"/>, through an <see cref="ICommandRunner"/> so it works on any
/// host. It visits named paths only: sysfs is full of symlink cycles (<c>subsystem</c>,
/// <c>driver</c>), so a blind recursive walk never ends.
/// </summary>
public static partial class SysfsSnapshotLoader
{
    // SysfsTreeDump.Script visits the same paths; change both together.
    private static readonly string[] NodeFiles = ["cpulist", "meminfo", "distance"];
    private static readonly string[] CpuTopologyFiles = ["thread_siblings_list", "core_id", "physical_package_id", "die_id"];
    private static readonly string[] PciFiles = ["numa_node", "vendor", "device", "class", "sriov_numvfs", "sriov_totalvfs"];

    [GeneratedRegex(@"^node\d+$")] private static partial Regex NodeName();
    [GeneratedRegex(@"^cpu\d+$")] private static partial Regex CpuName();
    [GeneratedRegex(@"^(physfn|virtfn\d+)$")] private static partial Regex SriovLink();

    /// <summary>
    /// Loads the snapshot of the tree rooted at <paramref name="root"/> (for example <c>/sys</c>).
    /// A remote runner gets the whole tree in one command (<see cref="SysfsTreeDump"/>) instead of
    /// a round trip per file; if that command fails, it falls back to reading path by path.
    /// </summary>
    public static async Task<SysfsSnapshot> LoadAsync(ICommandRunner runner, string root, CancellationToken cancellationToken = default) =>
        runner.IsRemote && await SysfsTreeDump.LoadAsync(runner, root, cancellationToken) is { } batched
            ? batched
            : await LoadPathByPathAsync(runner, root, cancellationToken);

    /// <summary>Loads the snapshot with one runner call per file and directory.</summary>
    public static async Task<SysfsSnapshot> LoadPathByPathAsync(ICommandRunner runner, string root, CancellationToken cancellationToken = default)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var dirs = new SortedSet<string>(StringComparer.Ordinal);
        root = root.TrimEnd('/');

        async Task Read(string rel)
        {
            if (await runner.ReadFileAsync($"{root}/{rel}", cancellationToken) is { } text) files[rel] = text;
        }
        async Task<IReadOnlyList<DirectoryEntry>> List(string rel)
        {
            var entries = await runner.ListDirectoryAsync($"{root}/{rel}", cancellationToken);
            if (entries.Count > 0) dirs.Add(rel);
            return entries;
        }

        const string nodeDir = "devices/system/node";
        await Read($"{nodeDir}/online");
        foreach (var node in (await List(nodeDir)).Where(e => NodeName().IsMatch(e.Name)))
        {
            var dir = $"{nodeDir}/{node.Name}";
            dirs.Add(dir);
            foreach (var f in NodeFiles) await Read($"{dir}/{f}");
            foreach (var pool in (await List($"{dir}/hugepages")).Where(e => e.Name.StartsWith("hugepages-", StringComparison.Ordinal)))
            {
                dirs.Add($"{dir}/hugepages/{pool.Name}");
                await Read($"{dir}/hugepages/{pool.Name}/nr_hugepages");
                await Read($"{dir}/hugepages/{pool.Name}/free_hugepages");
            }
        }

        const string cpuDir = "devices/system/cpu";
        await Read($"{cpuDir}/online");
        foreach (var cpu in (await List(cpuDir)).Where(e => CpuName().IsMatch(e.Name)))
        {
            dirs.Add($"{cpuDir}/{cpu.Name}");
            foreach (var f in CpuTopologyFiles) await Read($"{cpuDir}/{cpu.Name}/topology/{f}");
        }

        const string pciDir = "bus/pci/devices";
        foreach (var dev in await List(pciDir))
        {
            var dir = $"{pciDir}/{dev.Name}";
            dirs.Add(dir);
            foreach (var f in PciFiles) await Read($"{dir}/{f}");
            var entries = await List(dir);
            foreach (var entry in entries.Where(e => SriovLink().IsMatch(e.Name)))
                if (entry.LinkTarget is { } target) links[$"{dir}/{entry.Name}"] = target;
            // virtio-net puts its interface one level down: <dev>/virtioN/net/<ifname>
            var netDirs = entries.Where(e => e.Name.StartsWith("virtio", StringComparison.Ordinal)).Select(e => $"{dir}/{e.Name}/net").Prepend($"{dir}/net");
            foreach (var netDir in netDirs)
                foreach (var net in await List(netDir)) dirs.Add($"{netDir}/{net.Name}");
        }

        return new SysfsSnapshot
        {
            Files = files.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Links = links.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Directories = dirs.ToImmutableSortedSet(StringComparer.Ordinal),
        };
    }
}
