using System.Text.RegularExpressions;
using Smog.Tests.Cli;

namespace Smog.Tests.Integration.Env;

/// <summary>
/// <c>smog env nested</c> on the real L0 (this machine: its /proc/cpuinfo and KVM module as they
/// are) with the private libvirtd of tools/ci/libvirt-l1-up.sh. Nothing here boots a guest.
/// </summary>
[Collection(L1Lab.Collection)]
public sealed partial class NestedL0Tests
{
    private const string Modprobe = "/etc/modprobe.d/smog-nested.conf";

    // Read here independently of smog: the vendor and whether the CPU offers vmx/svm.
    private static (string Module, string Flag, bool HasFlag) ThisMachine()
    {
        var cpuinfo = File.ReadAllText("/proc/cpuinfo");
        var vendor = Vendor().Match(cpuinfo).Groups[1].Value;
        var (module, flag) = vendor == "GenuineIntel" ? ("kvm_intel", "vmx") : ("kvm_amd", "svm");
        var flags = Flags().Match(cpuinfo).Groups[1].Value.Split(' ');
        return (module, flag, flags.Contains(flag));
    }

    [Fact]
    public void Dry_run_plans_from_this_machines_cpu_and_module_and_changes_nothing()
    {
        var inventory = L1Lab.InventoryPath();
        var before = (File.Exists(Modprobe), L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain));
        var (exit, output, error) = CliRunner.Run(["env", "nested", "--file", inventory, "--dry-run"]);
        var (module, flag, hasFlag) = ThisMachine();
        Assert.Contains($"l0 (L0): CPU ", output);
        Assert.Contains($"module {module}", output);
        var loaded = Directory.Exists($"/sys/module/{module}");
        Assert.Contains(loaded ? $"{module} nested=" : $"{module} is not loaded", output);
        if (!hasFlag)
        {
            Assert.Equal(1, exit);
            Assert.Contains($"the CPU has no '{flag}' flag", output);
            Assert.Contains("problem(s) above", error);
        }
        Assert.Contains("smog-l1 (L1 domain 'smog-l1' on l0): CPU mode kept", output);
        Assert.Equal(before, (File.Exists(Modprobe), L1Lab.Xml(L1Lab.Domain), L1Lab.State(L1Lab.Domain)));
    }

    /// <summary>
    /// A KVM-type L1 (never started here) with passthrough: host-model and shell metacharacters in
    /// its name: the first run defines a custom CPU with the L0's model and vmx/svm required, the
    /// second changes nothing and says so.
    /// </summary>
    [Fact]
    public void A_second_run_changes_nothing_and_says_so()
    {
        var inventory = L1Lab.InventoryPath();
        var (_, flag, hasFlag) = ThisMachine();
        if (hasFlag) Assert.Skip($"this machine offers {flag}: a real run would enable nested KVM on the CI machine itself");
        var scratch = L1Lab.Scratch();
        const string name = "smog-nested $(touch smog-nested-touched);x'y|z";
        var xml = File.ReadAllText(Path.Join(L1Lab.Dir, "smog-l1.xml"))
            .Replace("<domain type='qemu'>", "<domain type='kvm'>")
            .Replace("<name>smog-l1</name>", $"<name>{System.Security.SecurityElement.Escape(name)}</name>")
            .Replace("<cpu mode='maximum' migratable='off'>", "<cpu mode='host-model'>");
        File.WriteAllText(Path.Join(scratch, "nested.xml"), xml);
        File.WriteAllText(Path.Join(scratch, "inventory.yml"),
            $"hosts:\n  - name: l0\n    access: local\n    libvirt_uri: \"{L1Lab.Uri}\"\n  - name: l1-nested\n    parent: l0\n    domain: \"{name}\"\n    passthrough: host-model\n");
        L1Lab.Virsh("define", Path.Join(scratch, "nested.xml"));
        try
        {
            var original = L1Lab.Xml(name);
            string[] args = ["env", "nested", "--file", Path.Join(scratch, "inventory.yml"), "--backup-dir", Path.Join(scratch, "backups"), "--state-dir", Path.Join(scratch, "state")];
            var first = CliRunner.Run(args);
            Assert.Equal(1, first.Exit); // the L0 offers no vmx/svm: reported, nothing changed there
            Assert.Contains("l1-nested: defined (CPU host-model → custom ", first.Out);
            var afterFirst = L1Lab.Xml(name);
            Assert.Contains("<cpu mode='custom' match='exact'", afterFirst);
            Assert.Contains($"<feature policy='require' name='{flag}'/>", afterFirst);
            Assert.Equal(original, File.ReadAllText(Path.Join(scratch, "backups", name + ".xml")));

            var second = CliRunner.Run(args);
            Assert.Equal(1, second.Exit);
            Assert.Contains("= nothing to change", second.Out);
            Assert.DoesNotContain("defined", second.Out);
            Assert.Equal(afterFirst, L1Lab.Xml(name));
            Assert.False(File.Exists(Modprobe) && File.ReadAllText(Modprobe).Contains("smog env nested"));
            Assert.False(File.Exists(Path.Join(Environment.CurrentDirectory, "smog-nested-touched")));
        }
        finally
        {
            L1Lab.VirshResult("undefine", "--", name);
            Directory.Delete(scratch, true);
        }
    }

    [GeneratedRegex(@"(?m)^vendor_id\s*:\s*(\S+)")]
    private static partial Regex Vendor();

    [GeneratedRegex(@"(?m)^flags\s*:\s*(.*)$")]
    private static partial Regex Flags();
}
