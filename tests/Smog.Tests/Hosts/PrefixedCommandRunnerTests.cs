using Smog.Hosts;
using Smog.Hosts.Prefixed;

namespace Smog.Tests.Hosts;

/// <summary><see cref="PrefixedCommandRunner"/> around the real local runner: real processes, a real temp directory.</summary>
public class PrefixedCommandRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_program_runs_behind_the_prefix()
    {
        // The variable the prefix (env VAR=...) sets reaches the program it runs, with the arguments intact.
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/usr/bin/env", "SMOG_PREFIX_PROBE=through-env"], null);
        var result = await runner.RunAsync("sh", ["-c", "echo \"$SMOG_PREFIX_PROBE\" \"$0\" \"$1\"", "zero", "one two"], Ct);
        Assert.NotNull(result);
        Assert.Equal((0, "through-env zero one two\n"), (result.ExitCode, result.StandardOutput));
    }

    [Fact]
    public async Task A_program_missing_behind_the_prefix_is_not_installed()
    {
        // env exits 127 with nothing on stdout when it cannot find the program, as sh, podman exec and docker exec do.
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/usr/bin/env", "LC_ALL=C"], null);
        Assert.Null(await runner.RunAsync("smog-no-such-tool", ["-H"], Ct));
    }

    [Fact]
    public async Task A_program_that_prints_and_exits_127_still_answered()
    {
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/usr/bin/env", "LC_ALL=C"], null);
        var result = await runner.RunAsync("sh", ["-c", "echo partial; exit 127"], Ct);
        Assert.NotNull(result);
        Assert.Equal((127, "partial\n"), (result.ExitCode, result.StandardOutput));
    }

    [Fact]
    public async Task A_missing_prefix_program_is_a_host_access_error_naming_it()
    {
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/nonexistent/smog-podman", "exec", "nova_libvirt"], null);
        var error = await Assert.ThrowsAsync<HostAccessException>(() => runner.RunAsync("virsh", ["capabilities"], Ct));
        Assert.Contains("command_prefix program '/nonexistent/smog-podman' is not installed", error.Message);
    }

    [Fact]
    public async Task Reads_and_listings_of_absolute_paths_resolve_under_the_files_root()
    {
        var root = Directory.CreateTempSubdirectory("smog-files-root-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "etc", "nova"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "nova", "nova.conf"), "[compute]\ncpu_dedicated_set = 2-3\n", Ct);
        File.CreateSymbolicLink(Path.Combine(root, "etc", "nova", "link.conf"), "nova.conf");
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), [], root + "/");

        Assert.Equal("[compute]\ncpu_dedicated_set = 2-3\n", await runner.ReadFileAsync("/etc/nova/nova.conf", Ct));
        Assert.Equal(
            [new DirectoryEntry("link.conf", EntryKind.Symlink, "nova.conf"), new DirectoryEntry("nova.conf", EntryKind.File)],
            await runner.ListDirectoryAsync("/etc/nova", Ct));
        Assert.Null(await runner.ReadFileAsync("/etc/hostname", Ct)); // this machine's file is not under the root
        Assert.False(runner.IsRemote);
    }

    [Fact]
    public async Task Without_a_prefix_programs_run_as_the_inner_runner_runs_them()
    {
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), [], "/nonexistent-root");
        Assert.Null(await runner.RunAsync("smog-no-such-tool", [], Ct));
        var result = await runner.RunAsync("/bin/echo", ["plain"], Ct);
        Assert.Equal("plain\n", result?.StandardOutput);
    }

    [Fact]
    public async Task The_batched_sysfs_dump_skips_the_prefix_and_reads_under_the_files_root()
    {
        // files_root/sys is a committed sysfs tree; a prefix that fails everything proves the dump did not go through it.
        var root = Directory.CreateTempSubdirectory("smog-files-root-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "sys"), Fixtures.Require("sysfs/synth-4n-2s-4c-2t-linux"));
        var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/bin/false"], root);

        var dumped = await SysfsTreeDump.LoadAsync(runner, "/sys", Ct);

        Assert.NotNull(dumped);
        var direct = await SysfsSnapshotLoader.LoadPathByPathAsync(new LocalCommandRunner(), Fixtures.Require("sysfs/synth-4n-2s-4c-2t-linux"), Ct);
        Assert.NotEmpty(direct.Files);
        Assert.Equal(direct.Files, dumped.Files);
        Assert.Equal(direct.Links, dumped.Links);
        Assert.Equal(direct.Directories, dumped.Directories);
    }

    [Fact]
    public async Task Journaled_edits_and_restores_land_under_the_files_root_without_the_prefix()
    {
        // A shim prefix that runs no shell (as simhost.py): the file scripts must not go through it.
        var root = Directory.CreateTempSubdirectory("smog-files-root-").FullName;
        var state = Directory.CreateTempSubdirectory("smog-files-journal-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc", "nova"));
            var file = Path.Combine(root, "etc", "nova", "nova.conf");
            await File.WriteAllTextAsync(file, "[DEFAULT]\nreserved_host_memory_mb = 512\n", Ct);
            var runner = new PrefixedCommandRunner(new LocalCommandRunner(), ["/bin/false"], root);
            var editor = new Smog.Hosts.Editing.JournaledEditor(new Smog.Hosts.Editing.FileJournal(Path.Combine(state, "journal.jsonl")));

            await editor.EditAsync(runner, "/etc/nova/nova.conf", "[DEFAULT]\nreserved_host_memory_mb = 1024\n", Ct);
            Assert.Equal("[DEFAULT]\nreserved_host_memory_mb = 1024\n", await File.ReadAllTextAsync(file, Ct));
            Assert.Equal(["nova.conf"], Directory.GetFiles(Path.GetDirectoryName(file)!).Select(Path.GetFileName));

            await editor.RestoreAsync(runner, force: false, Ct);
            Assert.Equal("[DEFAULT]\nreserved_host_memory_mb = 512\n", await File.ReadAllTextAsync(file, Ct));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(state, recursive: true);
        }
    }
}
