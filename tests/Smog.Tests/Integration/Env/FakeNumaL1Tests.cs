using System.Diagnostics;
using System.Text.RegularExpressions;
using Smog.Tests.Cli;

namespace Smog.Tests.Integration.Env;

/// <summary>
/// <c>smog env fake-numa</c> against a real libvirtd and a real TCG L1 (tools/ci/libvirt-l1-up.sh).
/// One class, so the boots run one after another on the CI machine's two cores.
/// </summary>
[Collection(L1Lab.Collection)]
public sealed partial class FakeNumaL1Tests
{
    private static string[] Args(string backups, params string[] more) =>
        ["env", "fake-numa", "--inventory", L1Lab.InventoryPath(), "--host", L1Lab.Domain, "--backup-dir", backups, .. more];

    [Fact]
    public void Two_cells_boot_under_tcg_are_confirmed_on_the_console_and_restore_gives_the_xml_back_byte_for_byte()
    {
        var backups = L1Lab.Scratch();
        var original = L1Lab.Xml(L1Lab.Domain);
        Assert.DoesNotContain("<numa>", original); // the CI L1 starts with one node

        var clock = Stopwatch.StartNew();
        var (exit, output, error) = CliRunner.Run(Args(backups, "--cells", "2"));
        var applySeconds = clock.Elapsed.TotalSeconds;
        Assert.True(exit == 0, $"exit {exit}: {error}\n{output}");
        Assert.Contains("confirmed from", output);

        // What the guest printed, read here without smog: two nodes with one vCPU and ~512 MiB each.
        var console = File.ReadAllText(L1Lab.ConsoleLog).Replace("\r", "");
        Assert.Contains("available: 2 nodes (0-1)", console);
        Assert.Matches(@"(?m)^node 0 cpus: 0\s*$", console);
        Assert.Matches(@"(?m)^node 1 cpus: 1\s*$", console);
        foreach (Match m in NodeSize().Matches(console)) Assert.InRange(int.Parse(m.Groups[1].Value), 384, 512);
        Assert.Equal(2, NodeSize().Matches(console).Count);
        var defined = L1Lab.Xml(L1Lab.Domain);
        Assert.Contains("<cell id='1' cpus='1' memory='524288' unit='KiB'/>", defined);
        Assert.Equal(original, File.ReadAllText(Path.Join(backups, "smog-l1.xml")));

        // Same request again: nothing to do.
        var again = CliRunner.Run(Args(backups, "--cells", "2"));
        Assert.Equal(0, again.Exit);
        Assert.Contains("already has this layout", again.Out);

        clock.Restart();
        var restore = CliRunner.Run(Args(backups, "--restore"));
        var restoreSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(restore.Exit == 0, $"exit {restore.Exit}: {restore.Err}\n{restore.Out}");
        // libvirt's own dumpxml of what it had, defined again: the same bytes come back.
        Assert.Equal(original, L1Lab.Xml(L1Lab.Domain));
        Assert.Contains("available: 1 nodes (0)", File.ReadAllText(L1Lab.ConsoleLog));
        Assert.False(File.Exists(Path.Join(backups, "smog-l1.xml")));
        TestContext.Current.TestOutputHelper?.WriteLine($"fake-numa --cells 2 (shutdown, define, TCG boot, console confirm): {applySeconds:F1} s; --restore: {restoreSeconds:F1} s");
        Directory.Delete(backups, true);
    }

    [Fact]
    public void Dry_run_prints_the_plan_and_changes_nothing()
    {
        var backups = Path.Join(L1Lab.Scratch(), "never-created");
        var before = (L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain));
        var (exit, output, error) = CliRunner.Run(Args(backups, "--cells", "2", "--dry-run"));
        Assert.True(exit == 0, error);
        Assert.Contains("dry run; nothing changed", output);
        Assert.Contains("[cell 0: CPUs 0, 512 MiB] [cell 1: CPUs 1, 512 MiB]", output);
        Assert.Equal(before, (L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain)));
        Assert.False(Directory.Exists(backups));
    }

    [Fact]
    public void Totals_that_differ_from_the_domain_are_refused_before_anything_is_touched()
    {
        var backups = Path.Join(L1Lab.Scratch(), "never-created");
        var before = (L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain));
        var (exit, _, error) = CliRunner.Run(Args(backups, "--cells", "2", "--cpus-per-cell", "2"));
        Assert.Equal(2, exit);
        Assert.Contains("vCPUs 2 → 4", error);
        Assert.Contains("--resize", error);
        Assert.Equal(before, (L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain)));
        Assert.False(Directory.Exists(backups));
    }

    /// <summary>
    /// An L1 whose init ignores the ACPI power button (smog.ignore_acpi), with shell
    /// metacharacters in its domain name: the shutdown times out with a clear error and nothing
    /// changes; --force destroys it and goes on; --restore --force puts it back.
    /// </summary>
    [Fact]
    public void A_guest_that_ignores_shutdown_gives_a_clear_error_and_only_force_destroys_it()
    {
        var scratch = L1Lab.Scratch();
        const string name = "smog-l1 $(touch smog-l1-touched);x'y|z`touch smog-l1-touched`";
        var console = Path.Join(scratch, "console.log");
        var xml = File.ReadAllText(Path.Join(L1Lab.Dir, "smog-l1.xml"))
            .Replace("<name>smog-l1</name>", $"<name>{System.Security.SecurityElement.Escape(name)}</name>")
            .Replace("panic=-1", "panic=-1 smog.ignore_acpi")
            .Replace(L1Lab.ConsoleLog, console);
        File.WriteAllText(Path.Join(scratch, "stubborn.xml"), xml);
        File.WriteAllText(Path.Join(scratch, "inventory.yml"),
            $"hosts:\n  - name: l0\n    access: local\n    libvirt_uri: \"{L1Lab.Uri}\"\n  - name: stubborn\n    parent: l0\n    domain: \"{name}\"\n");
        L1Lab.Virsh("define", Path.Join(scratch, "stubborn.xml"));
        try
        {
            var original = L1Lab.Xml(name);
            L1Lab.Virsh("start", "--", name);
            for (var i = 0; i < 240 && !(File.Exists(console) && File.ReadAllText(console).Contains("ignoring the power button")); i++) Thread.Sleep(500);

            string[] args = ["env", "fake-numa", "--inventory", Path.Join(scratch, "inventory.yml"), "--host", "stubborn", "--backup-dir", Path.Join(scratch, "backups"), "--shutdown-timeout", "3"];
            var (exit, _, error) = CliRunner.Run([.. args, "--cells", "2"]);
            Assert.Equal(1, exit);
            Assert.Contains("did not shut down within 3 s", error);
            Assert.Contains("--force", error);
            Assert.Equal("running", L1Lab.State(name));
            Assert.Equal(original, L1Lab.Xml(name));

            var forced = CliRunner.Run([.. args, "--cells", "2", "--force"]);
            Assert.True(forced.Exit == 0, $"exit {forced.Exit}: {forced.Err}\n{forced.Out}");
            Assert.Contains("destroying it (--force)", forced.Out);
            Assert.Contains("confirmed from", forced.Out);
            Assert.Contains("available: 2 nodes (0-1)", File.ReadAllText(console));

            var restore = CliRunner.Run([.. args, "--restore", "--force"]);
            Assert.True(restore.Exit == 0, $"exit {restore.Exit}: {restore.Err}\n{restore.Out}");
            Assert.Equal(original, L1Lab.Xml(name));
            // The name went to virsh and sh as one plain argument: nothing ran.
            Assert.False(File.Exists(Path.Join(Environment.CurrentDirectory, "smog-l1-touched")));
            Assert.False(File.Exists("/smog-l1-touched"));
        }
        finally
        {
            L1Lab.VirshResult("destroy", "--", name);
            L1Lab.VirshResult("undefine", "--", name);
            Directory.Delete(scratch, true);
        }
    }

    [GeneratedRegex(@"(?m)^node \d+ size: (\d+) MB")]
    private static partial Regex NodeSize();
}
