using System.Collections.Immutable;

namespace Smog.Topology.Parsers;

/// <summary>
/// An in-memory copy of the part of a sysfs tree that discovery reads: file contents and
/// symlink targets keyed by path relative to the tree's root (<c>/</c>-separated, no leading
/// slash, e.g. <c>devices/system/node/node0/cpulist</c>), plus the directories seen. Built by
/// Smog.Hosts from a real directory or a remote host; the parser never touches the disk.
/// </summary>
public sealed record SysfsSnapshot
{
    public ImmutableSortedDictionary<string, string> Files { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
    public ImmutableSortedDictionary<string, string> Links { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
    public ImmutableSortedSet<string> Directories { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public string? Read(string path) => Files.GetValueOrDefault(path);
    public string? LinkTarget(string path) => Links.GetValueOrDefault(path);

    /// <summary>Names of the direct children of <paramref name="directory"/>, sorted ordinally.</summary>
    public ImmutableSortedSet<string> Children(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        return Files.Keys.Concat(Links.Keys).Concat(Directories)
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length)
            .Select(p => p[prefix.Length..].Split('/')[0])
            .ToImmutableSortedSet(StringComparer.Ordinal);
    }

    /// <summary>The snapshot from plain dictionaries (tests, fuzzing); directories are derived from paths.</summary>
    public static SysfsSnapshot Of(IEnumerable<KeyValuePair<string, string>> files, IEnumerable<KeyValuePair<string, string>>? links = null)
    {
        var f = files.ToImmutableSortedDictionary(StringComparer.Ordinal);
        var l = (links ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal);
        var dirs = f.Keys.Concat(l.Keys).SelectMany(Parents).ToImmutableSortedSet(StringComparer.Ordinal);
        return new SysfsSnapshot { Files = f, Links = l, Directories = dirs };
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var i = path.LastIndexOf('/'); i > 0; i = path.LastIndexOf('/', i - 1))
            yield return path[..i];
    }
}
