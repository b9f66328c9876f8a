namespace Smog.Tests.Libvirt;

/// <summary>Finds files under tests/fixtures by walking up from the test binary.</summary>
internal static class LibvirtFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    });

    public static string PathOf(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    public static IEnumerable<string> Files(string kind, string pattern) =>
        Directory.EnumerateFiles(PathOf(kind), pattern).Order(StringComparer.Ordinal);
}
