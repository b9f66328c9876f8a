using Smog.Hosts;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests;

/// <summary>Finds files under tests/fixtures and parses them by folder.</summary>
internal static class Fixtures
{
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>
    /// The committed fixture sets the tests read, with the fewest files each must hold. A set
    /// that shrinks below its count fails (see FixtureSetTests) instead of quietly testing less.
    /// </summary>
    public static readonly IReadOnlyList<FixtureSet> Committed =
    [
        new("numactl", "*.txt", 29), new("lstopo", "*.txt", 29), new("lstopo/distances", "*.txt", 15),
        new("hwloc", "*.xml", 29), new("caps", "*.xml", 27), new("topology-expected", "*.json", 23),
        new("sysfs", "*/", 5), new("domains", "*.xml", 14), new("boot-oracle", "*.out.json", 22),
        new("boot-oracle", "*.numa.xml", 19), new("boot-oracle", "random-*.jsonl", 2), new("nova-boot", "*.jsonl", 2),
        new("nova-vectors", "*.jsonl", 2), new("nova-fit", "*.jsonl", 5), new("nova-constraints", "*.jsonl", 6),
        new("verify", "b5-*", 4), new("openstack-exchanges", "*.jsonl", 9), new("known_hosts", "*.pub", 3),
        new("nova-conf", "*.conf", 3), new("junit", "*.xsd", 1),
    ];

    /// <summary>The absolute path of a committed fixture file or tree; fails the test, naming it, when it is missing.</summary>
    public static string Require(string relative) => Require(Root, relative);

    internal static string Require(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Assert.True(File.Exists(path) || Directory.Exists(path), $"committed fixture {path} is missing");
        return path;
    }

    /// <summary>
    /// Relative paths, in ordinal order, of the files (or, for a pattern ending in '/', the
    /// directories) in <paramref name="folder"/> matching <paramref name="pattern"/>; fails when
    /// the folder is missing or holds fewer than its <see cref="Committed"/> count (else one).
    /// </summary>
    public static IReadOnlyList<string> Files(string folder, string pattern) =>
        Files(Root, folder, pattern, Committed.FirstOrDefault(s => s.Folder == folder && s.Pattern == pattern)?.Minimum ?? 1);

    internal static IReadOnlyList<string> Files(string root, string folder, string pattern, int minimum)
    {
        var dir = Require(root, folder);
        var found = (pattern.EndsWith('/')
                ? Directory.EnumerateDirectories(dir, pattern.TrimEnd('/'))
                : Directory.EnumerateFiles(dir, pattern))
            .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(found.Count >= minimum, $"{dir} holds {found.Count} '{pattern}' fixtures, fewer than the {minimum} committed");
        return found;
    }

    public static IReadOnlyList<string> SysfsTrees() => Files("sysfs", "*/");

    /// <summary>Every text fixture that is a whole topology, with its format (the folder decides).</summary>
    public static IEnumerable<(string Path, TopologyFormat Format)> TextTopologies() =>
        Files("numactl", "*.txt").Select(f => (f, TopologyFormat.Numactl))
            .Concat(Files("lstopo", "*.txt").Select(f => (f, TopologyFormat.LstopoConsole)))
            .Concat(Files("hwloc", "*.xml").Select(f => (f, TopologyFormat.HwlocXml)))
            .Concat(Files("caps", "*.xml").Select(f => (f, TopologyFormat.Capabilities)));

    public static string Read(string relative) => File.ReadAllText(Require(relative));

    public static SysfsSnapshot Sysfs(string relative) =>
        SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), Require(relative)).GetAwaiter().GetResult();

    public static HostTopology Parse(string relative, TopologyFormat format)
    {
        var parsed = format == TopologyFormat.Sysfs
            ? SysfsParser.Parse(Sysfs(relative), relative)
            : TopologyFormats.Parse(format, Read(relative), relative);
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }
}

/// <summary>A committed fixture set: files in <paramref name="Folder"/> matching <paramref name="Pattern"/>, at least <paramref name="Minimum"/> of them.</summary>
internal sealed record FixtureSet(string Folder, string Pattern, int Minimum);
