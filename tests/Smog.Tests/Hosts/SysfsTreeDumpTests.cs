using Smog.Hosts;

namespace Smog.Tests.Hosts;

public class SysfsTreeDumpTests
{
    public static TheoryData<string> Trees()
    {
        var rows = new TheoryData<string>();
        foreach (var tree in Fixtures.SysfsTrees()) rows.Add(tree);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Trees))]
    public async Task One_command_dump_loads_the_same_snapshot_as_reading_path_by_path(string tree)
    {
        // The dump script runs under the real sh and find here, as it would on a remote host.
        var runner = new LocalCommandRunner();
        var root = Fixtures.Require(tree);
        var ct = TestContext.Current.CancellationToken;
        var expected = await SysfsSnapshotLoader.LoadPathByPathAsync(runner, root, ct);
        var dumped = await SysfsTreeDump.LoadAsync(runner, root, ct);
        Assert.NotNull(dumped);
        Assert.NotEmpty(expected.Files);
        Assert.Equal(expected.Files, dumped.Files);
        Assert.Equal(expected.Links, dumped.Links);
        Assert.Equal(expected.Directories, dumped.Directories);
    }

    [Fact]
    public async Task A_missing_root_dumps_an_empty_snapshot()
    {
        var dumped = await SysfsTreeDump.LoadAsync(new LocalCommandRunner(), "/nonexistent/smog", TestContext.Current.CancellationToken);
        Assert.NotNull(dumped);
        Assert.Empty(dumped.Files);
        Assert.Empty(dumped.Directories);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "unknown record kind", "X\0a\0" },
        { "file record cut short", "F\0devices/system/cpu/online\0" },
        { "listing without its end marker", "D\0bus/pci/devices\0l\0x\0../y\0" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Output_not_in_the_script_format_is_rejected(string description, string output)
    {
        _ = description;
        Assert.Null(SysfsTreeDump.Parse(output));
    }

    [Fact]
    public void Unreadable_files_are_left_out_and_listings_are_sorted()
    {
        var parsed = SysfsTreeDump.Parse("F\0a\0x\n\0" + "0\0F\0b\0\0" + "1\0D\0d\0d\0node1\0\0l\0node0\0../n0\0.\0")!.Value;
        Assert.Equal(new Dictionary<string, string> { ["a"] = "x\n" }, parsed.Files);
        Assert.Equal([new DirectoryEntry("node0", EntryKind.Symlink, "../n0"), new DirectoryEntry("node1", EntryKind.Directory)], parsed.Listings["d"]);
    }
}
