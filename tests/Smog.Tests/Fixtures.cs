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

    /// <summary>Relative paths of the files directly in <paramref name="folder"/> ending in <paramref name="extension"/>.</summary>
    public static IEnumerable<string> Files(string folder, string extension) =>
        Directory.Exists(PathOf(folder))
            ? Directory.EnumerateFiles(PathOf(folder), "*" + extension).Select(f => Path.GetRelativePath(Root, f)).Order(StringComparer.Ordinal)
            : [];

    public static IEnumerable<string> SysfsTrees() =>
        Directory.Exists(PathOf("sysfs"))
            ? Directory.EnumerateDirectories(PathOf("sysfs")).Select(f => Path.GetRelativePath(Root, f)).Order(StringComparer.Ordinal)
            : [];

    /// <summary>Every text fixture that is a whole topology, with its format (the folder decides).</summary>
    public static IEnumerable<(string Path, TopologyFormat Format)> TextTopologies() =>
        Files("numactl", ".txt").Select(f => (f, TopologyFormat.Numactl))
            .Concat(Files("lstopo", ".txt").Select(f => (f, TopologyFormat.LstopoConsole)))
            .Concat(Files("hwloc", ".xml").Select(f => (f, TopologyFormat.HwlocXml)))
            .Concat(Files("caps", ".xml").Select(f => (f, TopologyFormat.Capabilities)));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static SysfsSnapshot Sysfs(string relative) =>
        SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), PathOf(relative)).GetAwaiter().GetResult();

    public static HostTopology Parse(string relative, TopologyFormat format)
    {
        var parsed = format == TopologyFormat.Sysfs
            ? SysfsParser.Parse(Sysfs(relative), relative)
            : TopologyFormats.Parse(format, Read(relative), relative);
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }
}
