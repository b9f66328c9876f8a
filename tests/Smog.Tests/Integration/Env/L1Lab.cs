using System.Diagnostics;
using Smog.Hosts;

namespace Smog.Tests.Integration.Env;

/// <summary>
/// The private libvirtd and its TCG L1 that <c>tools/ci/libvirt-l1-up.sh DIR</c> starts: host
/// "l0" (this machine, its own libvirt socket) and L1 "smog-l1" (no network; confirmed from its
/// serial console). Tests skip when SMOG_L1_INVENTORY is not set.
/// </summary>
internal static class L1Lab
{
    public const string Variable = "SMOG_L1_INVENTORY";
    public const string Domain = "smog-l1";

    /// <summary>One xUnit collection: the tests share one L1 and must not run at the same time.</summary>
    public const string Collection = "real L1 (tools/ci/libvirt-l1-up.sh)";

    public static string InventoryPath()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path) return path;
        Assert.Skip($"{Variable} is not set: start the private libvirtd and its L1 with `eval \"$(tools/ci/libvirt-l1-up.sh DIR)\"`");
        return "";
    }

    public static string Dir => Path.GetDirectoryName(Path.GetFullPath(InventoryPath()))!;

    public static string Uri => InventoryParser.Load(InventoryPath()).Find("l0").LibvirtUri!;

    public static string ConsoleLog => Path.Join(Dir, "l1-console.log");

    /// <summary>Runs virsh against the private daemon (arguments as a list, no shell); fails the test on an error.</summary>
    public static string Virsh(params string[] args)
    {
        var (code, output, error) = VirshResult(args);
        Assert.True(code == 0, $"virsh {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    public static (int Code, string Out, string Err) VirshResult(params string[] args)
    {
        var start = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-c", Uri, .. args]) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error);
    }

    public static string Xml(string domain) => Virsh("dumpxml", "--inactive", "--", domain);

    public static string State(string domain) => Virsh("domstate", "--", domain).Trim();

    /// <summary>A scratch directory for backups, journals and inventories, removed by the caller.</summary>
    public static string Scratch()
    {
        var dir = Path.Join(Path.GetTempPath(), "smog-l1-it-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Waits until the domain is shut off (an L1 of the CI lab powers off on ACPI).</summary>
    public static void StopGracefully(string domain)
    {
        if (State(domain) == "shut off") return;
        Virsh("shutdown", "--", domain);
        for (var i = 0; i < 240 && State(domain) != "shut off"; i++) Thread.Sleep(500);
        Assert.Equal("shut off", State(domain));
    }
}
