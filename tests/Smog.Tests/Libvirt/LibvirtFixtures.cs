namespace Smog.Tests.Libvirt;

/// <summary>Fixture files for the libvirt tests, under <see cref="Fixtures.Root"/>.</summary>
internal static class LibvirtFixtures
{
    public static string PathOf(params string[] parts) => Path.Combine([Fixtures.Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    public static IEnumerable<string> Files(string kind, string pattern) =>
        Directory.EnumerateFiles(PathOf(kind), pattern).Order(StringComparer.Ordinal);
}
