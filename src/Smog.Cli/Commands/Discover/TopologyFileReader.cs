using Smog.Hosts;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Cli.Commands.Discover;

/// <summary>
/// Turns <c>--from</c> paths into parsed sources: a directory is a sysfs tree, a file is
/// recognised by its content. Anything unreadable or unknown is an <see cref="InputException"/>
/// naming the path.
/// </summary>
internal static class TopologyFileReader
{
    private const string Known = "numactl -H text, lstopo console, hwloc XML, virsh capabilities XML, discover JSON or a sysfs directory";

    public static async Task<IReadOnlyList<SourcedTopology>> ReadAllAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var sources = new List<SourcedTopology>();
        foreach (var path in paths) sources.Add(await ReadAsync(path, cancellationToken));
        return sources;
    }

    private static async Task<SourcedTopology> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            // A copied tree may keep its top folder: accept DIR/sys as well as DIR itself.
            var root = !Directory.Exists(Path.Combine(path, "devices")) && Directory.Exists(Path.Combine(path, "sys", "devices"))
                ? Path.Combine(path, "sys") : path;
            var snapshot = await SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), root, cancellationToken);
            if (snapshot.Files.IsEmpty) throw new InputException($"{path}: not a sysfs tree (no devices/system/node or devices/system/cpu files)");
            return Checked(path, TopologyFormat.Sysfs, SysfsParser.Parse(snapshot, path));
        }
        var text = InputFiles.ReadText(path);
        var format = TopologyFormats.Detect(text) ?? throw new InputException($"{path}: not a topology smog reads (expected {Known})");
        return Checked(path, format, TopologyFormats.Parse(format, text, path));
    }

    private static SourcedTopology Checked(string path, TopologyFormat format, Smog.Topology.Parsed<Smog.Topology.HostTopology> parsed) =>
        parsed.Success ? new SourcedTopology(path, format, parsed.Value) : throw new InputException(parsed.Errors[0].ToString());
}
