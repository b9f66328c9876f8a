namespace Smog.Tests.Libvirt;

/// <summary>Fixture files for the libvirt tests, under <see cref="Fixtures.Root"/>; a missing one fails the test.</summary>
internal static class LibvirtFixtures
{
    public static string PathOf(params string[] parts) => Fixtures.Require(Path.Combine(parts));

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>Absolute paths of the committed files of <paramref name="kind"/> matching <paramref name="pattern"/>, in ordinal order.</summary>
    public static IEnumerable<string> Files(string kind, string pattern) => Fixtures.Files(kind, pattern).Select(f => Path.Combine(Fixtures.Root, f));
}
