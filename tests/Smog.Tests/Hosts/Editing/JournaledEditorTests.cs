using System.Runtime.Versioning;
using Smog.Hosts;
using Smog.Hosts.Editing;

namespace Smog.Tests.Hosts.Editing;

/// <summary>Journaled edits and restores through the local runner, on scratch files.</summary>
public sealed class JournaledEditorTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Not UTF-8, a NUL, CRLF and no final newline: restore must give back bytes, not text.
    private static readonly byte[] Original = [0xFF, 0xFE, 0x00, (byte)'a', (byte)'\r', (byte)'\n', (byte)'z'];

    private readonly EditingFixture _fx = new();
    private readonly LocalCommandRunner _host = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Two_edits_then_restore_give_back_the_original_bytes_and_mode()
    {
        // Given a file with odd bytes and mode 640
        var path = _fx.HostPath("nova.conf");
        File.WriteAllBytes(path, Original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        // When it is edited twice
        await _fx.Editor.EditAsync(_host, path, "[DEFAULT]\ncpu_dedicated_set = 2-7\n", Ct);
        await _fx.Editor.EditAsync(_host, path, "[DEFAULT]\ncpu_dedicated_set = 4-7\n", Ct);
        Assert.Equal("[DEFAULT]\ncpu_dedicated_set = 4-7\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal([JournalState.Applied, JournalState.Applied], _fx.Journal.Load().Select(e => e.State));

        // Then restore puts the original back and marks both entries
        var result = await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);
        Assert.Equal([$"{_host.HostName}:{path}"], result.Restored);
        Assert.Empty(result.Refused);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.All(_fx.Journal.Load(), e => Assert.Equal(JournalState.Restored, e.State));
        Assert.Equal([_fx.HostPath("nova.conf")], Directory.GetFiles(_fx.HostDir));
    }

    [Fact]
    public async Task A_file_that_did_not_exist_is_removed_again()
    {
        var path = _fx.HostPath("new.conf");
        await _fx.Editor.EditAsync(_host, path, "created\n", Ct);
        Assert.Equal("created\n", File.ReadAllText(path));
        Assert.Null(_fx.Journal.Load().Single().OldSha256);

        await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);

        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFileSystemEntries(_fx.HostDir));
    }

    [Fact]
    public async Task Restore_is_idempotent()
    {
        var path = _fx.HostPath("f");
        File.WriteAllBytes(path, Original);
        await _fx.Editor.EditAsync(_host, path, "new", Ct);
        await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);
        var journal = File.ReadAllText(_fx.Journal.Path);

        var again = await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);

        Assert.Empty(again.Restored);
        Assert.Empty(again.Refused);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.Equal(journal, File.ReadAllText(_fx.Journal.Path));
        Assert.Empty(_fx.Editor.HostsToRestore());
    }

    [Fact]
    public async Task Unchanged_content_is_not_journaled()
    {
        var path = _fx.HostPath("same");
        File.WriteAllText(path, "same\n");
        await _fx.Editor.EditAsync(_host, path, "same\n", Ct);
        Assert.Empty(_fx.Journal.Load());
    }

    [Fact]
    public async Task A_crash_half_way_through_writing_leaves_the_original_and_restore_cleans_up()
    {
        // Given a file large enough to take three chunks, and a crash before the second chunk
        var path = _fx.HostPath("big.conf");
        File.WriteAllBytes(path, Original);
        var content = new byte[HostFiles.ChunkBytes * 2 + 100];
        new Random(8).NextBytes(content);
        var crashing = new CrashingRunner(_host, crashAt: 3, afterRunning: false); // read, first chunk, second chunk
        await Assert.ThrowsAsync<SimulatedCrash>(() => _fx.Editor.EditAsync(crashing, path, content, Ct));

        // Then the entry is pending, the target untouched and a half-written temporary file beside it
        var entry = _fx.Journal.Load().Single();
        Assert.Equal(JournalState.Pending, entry.State);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.Equal(HostFiles.ChunkBytes, new FileInfo(entry.TempPath).Length);

        // When restored: the original stays, the temporary file goes
        var result = await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);
        Assert.Empty(result.Refused);
        Assert.Equal(Original, File.ReadAllBytes(path));
        Assert.False(File.Exists(entry.TempPath));
        Assert.Equal(JournalState.Restored, _fx.Journal.Load().Single().State);
    }

    [Fact]
    public async Task A_crash_after_the_rename_but_before_the_journal_said_applied_is_restored()
    {
        var path = _fx.HostPath("f");
        File.WriteAllBytes(path, Original);
        var crashing = new CrashingRunner(_host, crashAt: 3, afterRunning: true); // read, one chunk, rename
        await Assert.ThrowsAsync<SimulatedCrash>(() => _fx.Editor.EditAsync(crashing, path, "new"u8.ToArray(), Ct));
        Assert.Equal(JournalState.Pending, _fx.Journal.Load().Single().State);
        Assert.Equal("new", File.ReadAllText(path));

        await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);

        Assert.Equal(Original, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_file_someone_else_changed_is_refused_unless_forced()
    {
        // Given an edited file that someone then rewrote
        var path = _fx.HostPath("f");
        File.WriteAllBytes(path, Original);
        await _fx.Editor.EditAsync(_host, path, "ours", Ct);
        await _fx.Editor.EditAsync(_host, path, "ours again", Ct);
        File.WriteAllText(path, "theirs");

        // When restored without force: refused in one line, the file and journal untouched
        var refused = await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);
        var line = Assert.Single(refused.Refused);
        Assert.StartsWith($"{_host.HostName}:{path}: changed since Smog edited it", line);
        Assert.DoesNotContain('\n', line);
        Assert.Empty(refused.Restored);
        Assert.Equal("theirs", File.ReadAllText(path));
        Assert.All(_fx.Journal.Load(), e => Assert.Equal(JournalState.Applied, e.State));

        // Then with force the original comes back
        var forced = await _fx.Editor.RestoreAsync(_host, force: true, Ct);
        Assert.True(forced.Complete);
        Assert.Equal(Original, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Shell_metacharacters_and_spaces_in_paths_are_only_characters()
    {
        var path = _fx.HostPath("n a;me $HOME `id` $(id) '\".conf");
        await _fx.Editor.EditAsync(_host, path, "x", Ct);
        Assert.Equal("x", File.ReadAllText(path));
        await _fx.Editor.RestoreAsync(_host, cancellationToken: Ct);
        Assert.False(File.Exists(path));
        Assert.Empty(_fx.Injected());
    }

    [Fact]
    public async Task A_symbolic_link_is_refused_with_a_line_naming_it()
    {
        var target = _fx.HostPath("target");
        File.WriteAllText(target, "t");
        var link = _fx.HostPath("link");
        File.CreateSymbolicLink(link, target);
        var e = await Assert.ThrowsAsync<HostAccessException>(() => _fx.Editor.EditAsync(_host, link, "x", Ct));
        Assert.Equal($"{_host.HostName}:{link}: is a symbolic link; edit its target instead", e.Message);
        Assert.Empty(_fx.Journal.Load());
    }

    [Fact]
    public void A_damaged_journal_line_is_named_by_file_and_line()
    {
        File.WriteAllText(_fx.Journal.Path, "\n{\"oops\": 1}\n");
        var e = Assert.Throws<JournalException>(() => _fx.Journal.Load());
        Assert.StartsWith($"{_fx.Journal.Path}:2: not a journal entry", e.Message);
    }
}
