using Xunit.Sdk;

namespace Smog.Tests;

/// <summary>A committed fixture that goes missing fails the tests that read it; it never turns into a skip.</summary>
public sealed class FixtureSetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("smog-fixtures-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string, int> Sets()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var set in Fixtures.Committed) data.Add(set.Folder, set.Pattern, set.Minimum);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_committed_set_holds_at_least_its_count(string folder, string pattern, int minimum) =>
        Assert.True(Fixtures.Files(folder, pattern).Count >= minimum);

    [Fact]
    public void A_missing_file_fails_naming_its_path()
    {
        var error = Assert.Throws<TrueException>(() => Fixtures.Require(_root, "caps/gone.xml"));
        Assert.Contains(Path.Combine(_root, "caps/gone.xml"), error.Message);
    }

    [Fact]
    public void A_missing_folder_fails_naming_it()
    {
        var error = Assert.Throws<TrueException>(() => Fixtures.Files(_root, "numactl", "*.txt", 1));
        Assert.Contains(Path.Combine(_root, "numactl"), error.Message);
    }

    [Fact]
    public void A_folder_with_fewer_files_than_committed_fails()
    {
        // Given a folder where one of two committed fixtures was deleted
        Directory.CreateDirectory(Path.Combine(_root, "numactl"));
        File.WriteAllText(Path.Combine(_root, "numactl", "a.txt"), "available: 1 nodes (0)\n");

        // Then asking for two fails and says how many are left
        var error = Assert.Throws<TrueException>(() => Fixtures.Files(_root, "numactl", "*.txt", 2));
        Assert.Contains("holds 1 '*.txt' fixtures, fewer than the 2 committed", error.Message);
        Assert.Equal(["numactl/a.txt"], Fixtures.Files(_root, "numactl", "*.txt", 1));
    }

    [Fact]
    public void Tree_patterns_count_directories()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sysfs", "host-a"));
        File.WriteAllText(Path.Combine(_root, "sysfs", "stray.txt"), "");

        Assert.Equal(["sysfs/host-a"], Fixtures.Files(_root, "sysfs", "*/", 1));
    }

    [Fact]
    public void Every_folder_under_tests_fixtures_is_in_the_committed_table()
    {
        // A new fixture folder must state its count, or its loss would go unnoticed.
        var folders = Directory.EnumerateDirectories(Fixtures.Root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal);
        var counted = Fixtures.Committed.Select(s => s.Folder.Split('/')[0]).Order(StringComparer.Ordinal).Distinct();
        Assert.Equal(folders, counted);
    }
}
