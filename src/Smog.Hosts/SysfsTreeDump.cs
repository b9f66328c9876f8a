namespace Smog.Hosts;

/// <summary>
/// Fetches every sysfs file and directory listing that <see cref="SysfsSnapshotLoader"/> visits
/// with one shell command, then answers the loader's reads from memory. Over SSH that is one
/// round trip instead of one per file (a two-socket host has hundreds of CPU and PCI files).
/// </summary>
public static class SysfsTreeDump
{
    /// <summary>
    /// The remote side (POSIX sh, GNU find), run as <c>sh -c SCRIPT sh ROOT</c>. Records are
    /// NUL-separated: <c>F path content status</c> for a regular file (status is cat's exit code,
    /// since a sysfs attribute may refuse reads) and <c>D path (type name link)... .</c> for a
    /// listing. Unmatched globs stay literal and are skipped by the -f/-d tests.
    /// </summary>
    public const string Script = """
        cd -- "$1" 2>/dev/null || exit 0
        r() { for f in "$@"; do [ -f "$f" ] || continue; printf 'F\0%s\0' "$f"; cat -- "$f" 2>/dev/null; s=$?; printf '\0%d\0' "$s"; done; }
        l() { printf 'D\0%s\0' "$1"; [ -d "$1" ] && find "$1/" -mindepth 1 -maxdepth 1 -printf '%y\0%f\0%l\0' 2>/dev/null; printf '.\0'; }
        N=devices/system/node; C=devices/system/cpu; P=bus/pci/devices
        r $N/online; l $N
        for n in $N/node*; do
          r $n/cpulist $n/meminfo $n/distance; l $n/hugepages
          for h in $n/hugepages/hugepages-*; do r $h/nr_hugepages $h/free_hugepages; done
        done
        r $C/online; l $C
        for c in $C/cpu*; do r $c/topology/thread_siblings_list $c/topology/core_id $c/topology/physical_package_id $c/topology/die_id; done
        l $P
        for d in $P/*; do
          r $d/numa_node $d/vendor $d/device $d/class $d/sriov_numvfs $d/sriov_totalvfs; l $d; l $d/net
          for v in $d/virtio*; do l $v/net; done
        done
        exit 0
        """;

    /// <summary>The snapshot from one command, or null when the host cannot run the script.</summary>
    public static async Task<Topology.Parsers.SysfsSnapshot?> LoadAsync(ICommandRunner runner, string root, CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync("sh", ["-c", Script, "sh", root], cancellationToken);
        if (result is not { Succeeded: true } || Parse(result.StandardOutput) is not { } tree) return null;
        return await SysfsSnapshotLoader.LoadPathByPathAsync(new DumpedTree(runner.HostName, root.TrimEnd('/'), tree), root, cancellationToken);
    }

    /// <summary>Files and listings by path relative to the root; null when the output is not in the script's format.</summary>
    internal static (Dictionary<string, string> Files, Dictionary<string, IReadOnlyList<DirectoryEntry>> Listings)? Parse(string output)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var listings = new Dictionary<string, IReadOnlyList<DirectoryEntry>>(StringComparer.Ordinal);
        var tokens = output.Split('\0');
        var i = 0;
        // The output ends with a separator, so the last token is the empty remainder.
        while (i < tokens.Length - 1)
        {
            var kind = tokens[i++];
            if (kind == "F")
            {
                if (i + 2 >= tokens.Length) return null;
                var (path, content, status) = (tokens[i], tokens[i + 1], tokens[i + 2]);
                i += 3;
                if (status == "0") files[path] = content;
            }
            else if (kind == "D")
            {
                if (i >= tokens.Length - 1) return null;
                var path = tokens[i++];
                var entries = new List<DirectoryEntry>();
                while (true)
                {
                    if (i >= tokens.Length - 1) return null;
                    if (tokens[i] == ".")
                    {
                        i++;
                        break;
                    }
                    if (i + 2 >= tokens.Length) return null;
                    entries.Add(Entry(tokens[i], tokens[i + 1], tokens[i + 2]));
                    i += 3;
                }
                listings[path] = Sorted(entries);
            }
            else
            {
                return null;
            }
        }
        return (files, listings);
    }

    /// <summary>Entries from <c>find -printf '%y\0%f\0%l\0'</c>, sorted like the local runner's.</summary>
    internal static IReadOnlyList<DirectoryEntry> ParseEntries(string output)
    {
        var tokens = output.Split('\0');
        var entries = new List<DirectoryEntry>();
        for (var i = 0; i + 2 < tokens.Length; i += 3) entries.Add(Entry(tokens[i], tokens[i + 1], tokens[i + 2]));
        return Sorted(entries);
    }

    private static DirectoryEntry Entry(string type, string name, string link) => type switch
    {
        "l" => new DirectoryEntry(name, EntryKind.Symlink, link),
        "d" => new DirectoryEntry(name, EntryKind.Directory),
        _ => new DirectoryEntry(name, EntryKind.File),
    };

    private static IReadOnlyList<DirectoryEntry> Sorted(List<DirectoryEntry> entries) =>
        [.. entries.OrderBy(e => e.Name, StringComparer.Ordinal)];

    /// <summary>Answers the loader's reads from the dump; anything not dumped is missing.</summary>
    private sealed class DumpedTree(string hostName, string root, (Dictionary<string, string> Files, Dictionary<string, IReadOnlyList<DirectoryEntry>> Listings) tree)
        : ICommandRunner
    {
        public string HostName => hostName;

        public Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("a sysfs dump cannot run programs");

        public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
            Task.FromResult(Relative(path) is { } rel ? tree.Files.GetValueOrDefault(rel) : null);

        public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
            Task.FromResult(Relative(path) is { } rel && tree.Listings.TryGetValue(rel, out var entries) ? entries : (IReadOnlyList<DirectoryEntry>)[]);

        private string? Relative(string path) =>
            path.StartsWith(root + "/", StringComparison.Ordinal) ? path[(root.Length + 1)..].TrimEnd('/') : null;
    }
}
