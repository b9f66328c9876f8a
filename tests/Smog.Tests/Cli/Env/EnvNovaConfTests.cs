using System.Diagnostics;
using Smog.Cli;
using Smog.Hosts.Ssh;
using Smog.Nova.Config;

namespace Smog.Tests.Cli.Env;

/// <summary>
/// <c>smog env nova-conf</c> and <c>smog env restore</c> on real files of this machine (an
/// <c>access: local</c> host), real restart commands, and a real <c>smog</c> process killed in
/// the middle of a change.
/// </summary>
public sealed class EnvNovaConfTests : IDisposable
{
    // A directory name full of shell metacharacters: every path below goes through sh -c on the "host".
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-env-").FullName;
    private readonly string _hostDir;
    private readonly string _conf;
    private readonly string _computeConf;
    private readonly string _state;

    private const string Original =
        "# nova.conf as the distribution ships it\r\n[DEFAULT]\r\ndebug = false\r\n\r\n[compute]\r\n#cpu_shared_set = <None>\r\n\r\n[pci]\r\nalias = {\"name\": \"a\"}\r\nalias = {\"name\": \"b\"}\r\n";

    public EnvNovaConfTests()
    {
        _hostDir = Directory.CreateDirectory(Path.Combine(_dir, "etc $(touch pwned) `id` 'q' \"d\"; x")).FullName;
        _conf = Path.Combine(_hostDir, "nova.conf");
        _computeConf = Path.Combine(_hostDir, "nova-compute.conf");
        _state = Path.Combine(_dir, "state");
        File.WriteAllText(_conf, Original);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Inventory(string? restart = null)
    {
        var path = Path.Combine(_dir, "hosts.yml");
        File.WriteAllText(path, $"hosts:\n  - name: here\n    access: local\n    nova_conf: ['{_conf.Replace("'", "''", StringComparison.Ordinal)}', '{_computeConf.Replace("'", "''", StringComparison.Ordinal)}']\n"
            + (restart is null ? "" : $"    restart: '{restart.Replace("'", "''", StringComparison.Ordinal)}'\n"));
        return path;
    }

    private (int Exit, string Out, string Err) Smog(params string[] args) =>
        CliRunner.Run([.. args, "--inventory", Inventory(), "--state-dir", _state]);

    [Fact]
    public void Edit_shows_the_changes_journals_and_restore_gives_back_every_byte()
    {
        var (exit, stdout, stderr) = Smog("env", "nova-conf", "--host", "here", "--set", "compute.cpu_shared_set=0-1", "--add", "pci.alias={\"name\": \"c\"}", "--add-filter", "NUMATopologyFilter");

        Assert.True(exit == 0, stderr);
        Assert.Contains("[compute] cpu_shared_set: (unset) -> 0-1", stdout);
        Assert.Contains("[filter_scheduler] enabled_filters: Zed's default + NUMATopologyFilter", stdout);
        var edited = NovaConfReader.ParseIni(File.ReadAllText(_conf), "nova.conf").Value;
        Assert.Equal("0-1", edited.CpuSharedSet!.ToString());
        Assert.Equal(3, edited.PciAliases.Length);
        Assert.Contains("NUMATopologyFilter", edited.Filters);
        Assert.Contains("#cpu_shared_set = <None>\r\ncpu_shared_set = 0-1\r\n", File.ReadAllText(_conf));
        Assert.Empty(Directory.GetFiles(_dir, "pwned", SearchOption.AllDirectories));

        var restore = Smog("env", "restore", "--host", "here");

        Assert.True(restore.Exit == 0, restore.Err);
        Assert.Equal(Original, File.ReadAllText(_conf));
        Assert.Contains("nothing to restore", Smog("env", "restore").Out);
    }

    [Fact]
    public void Dry_run_and_a_value_already_there_write_nothing()
    {
        var dry = Smog("env", "nova-conf", "--host", "here", "--set", "DEFAULT.debug=true", "--dry-run");
        var same = Smog("env", "nova-conf", "--host", "here", "--set", "DEFAULT.debug=false");

        Assert.Equal((0, 0), (dry.Exit, same.Exit));
        Assert.Contains("[DEFAULT] debug: false -> true", dry.Out);
        Assert.Contains("dry run: nothing written", dry.Out);
        Assert.Contains("nothing to change", same.Out);
        Assert.Equal(Original, File.ReadAllText(_conf));
        Assert.False(File.Exists(Path.Combine(_state, "env-journal.jsonl")));
    }

    [Fact]
    public void An_option_set_in_nova_compute_conf_is_edited_there_because_that_file_wins()
    {
        File.WriteAllText(_computeConf, "[libvirt]\nvirt_type = qemu\n");

        var (exit, _, stderr) = Smog("env", "nova-conf", "--host", "here", "--preset", "numa");

        Assert.True(exit == 0, stderr);
        Assert.Equal("[libvirt]\nvirt_type = kvm\n", File.ReadAllText(_computeConf));
        Assert.DoesNotContain("virt_type", File.ReadAllText(_conf));
        Assert.Contains("AggregateInstanceExtraSpecsFilter", File.ReadAllText(_conf));
        Smog("env", "restore");
        Assert.Equal(Original, File.ReadAllText(_conf));
        Assert.Equal("[libvirt]\nvirt_type = qemu\n", File.ReadAllText(_computeConf));
    }

    [Theory]
    [InlineData(new[] { "--set", "compute.cpu_shared_set" }, "--set: expected section.option=value, found 'compute.cpu_shared_set'")]
    [InlineData(new[] { "--set", "compute.cpu_shared_set=0-3", "--set", "compute.cpu_dedicated_set=2-5" }, "[compute] cpu_dedicated_set and cpu_shared_set overlap on 2-3")]
    [InlineData(new[] { "--add-filter", "A;rm -rf /" }, "--add-filter: expected a filter class name like NUMATopologyFilter, found 'A;rm -rf /'")]
    [InlineData(new[] { "--preset", "fast" }, "--preset must be one of numa, pinning, hugepages, not 'fast'")]
    [InlineData(new[] { "--set", "DEFAULT.debug=true", "--restart" }, "--restart: host here has no 'restart' command in the inventory")]
    public void Bad_edits_exit_2_in_one_line_and_write_nothing(string[] args, string expected)
    {
        var (exit, _, stderr) = Smog(["env", "nova-conf", "--host", "here", .. args]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(Original, File.ReadAllText(_conf));
    }

    [Fact]
    public void Restart_runs_the_hosts_command_which_restarts_a_real_process_that_reads_the_file()
    {
        var seen = Path.Combine(_dir, "seen");
        var pid = Path.Combine(_dir, "pid");
        // The "service": a real process that reads nova.conf when it starts and then runs on.
        var (q, p, s) = (ShellQuote.Word(_conf), ShellQuote.Word(pid), ShellQuote.Word(seen));
        var restart = $"[ -f {p} ] && kill $(cat {p}) 2>/dev/null; sh -c 'grep ^cpu_shared_set \"$0\" > \"$1\"; exec sleep 120' {q} {s} >/dev/null 2>&1 & echo $! > {p}";
        var inventory = Inventory(restart);
        try
        {
            var (exit, stdout, stderr) = CliRunner.Run(["env", "nova-conf", "--host", "here", "--inventory", inventory, "--state-dir", _state, "--set", "compute.cpu_shared_set=1", "--restart"]);

            Assert.True(exit == 0, stderr);
            Assert.Contains("not waiting for Nova", stdout);
            Assert.Equal("cpu_shared_set = 1\r\n", WaitForText(seen));
            File.Delete(seen);
            var restore = CliRunner.Run(["env", "restore", "--inventory", inventory, "--state-dir", _state, "--restart"]);
            Assert.True(restore.Exit == 0, restore.Err);
            Assert.Equal("", WaitForText(seen, allowEmpty: true));
            Assert.Equal(Original, File.ReadAllText(_conf));
        }
        finally
        {
            if (File.Exists(pid) && int.TryParse(File.ReadAllText(pid).Trim(), out var id))
                try { Process.GetProcessById(id).Kill(); } catch (ArgumentException) { } // exited already
        }
    }

    private static string WaitForText(string path, bool allowEmpty = false)
    {
        for (var i = 0; i < 100; i++)
        {
            if (File.Exists(path) && (allowEmpty || new FileInfo(path).Length > 0)) return File.ReadAllText(path);
            Thread.Sleep(100);
        }
        throw new TimeoutException($"{path} never appeared");
    }

    [Theory]
    [InlineData("journaled")]
    [InlineData("written")]
    public async Task A_smog_process_killed_mid_change_is_undone_byte_for_byte_by_restore(string step)
    {
        // A real smog process, paused by the documented test hook at the step, then SIGKILLed.
        var marker = Path.Combine(_dir, "paused");
        var smog = typeof(SmogApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet", ["exec", smog, "env", "nova-conf", "--host", "here", "--inventory", Inventory(), "--state-dir", _state,
            "--set", "compute.cpu_dedicated_set=2-3", "--set", "DEFAULT.debug=true"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["SMOG_TEST_PAUSE_AT"] = step;
        info.Environment["SMOG_TEST_PAUSE_MARKER"] = marker;
        using var child = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(marker) && !child.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50, TestContext.Current.CancellationToken);
        if (!File.Exists(marker))
        {
            // Read the child's words only once it is gone: reading a live child's stderr would wait for it forever.
            if (!child.HasExited) child.Kill();
            Assert.Fail($"the child never paused: {await child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
        }
        child.Kill();
        await child.WaitForExitAsync(TestContext.Current.CancellationToken);

        var journal = File.ReadAllText(Path.Combine(_state, "env-journal.jsonl"));
        Assert.Contains("\"state\":\"pending\"", journal);
        Assert.Equal(step == "written", File.ReadAllText(_conf) != Original);

        var (exit, _, stderr) = Smog("env", "restore");

        Assert.True(exit == 0, stderr);
        Assert.Equal(Original, File.ReadAllText(_conf));
        Assert.Empty(Directory.GetFiles(_hostDir, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
    }
}
