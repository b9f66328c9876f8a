using Smog.Cli;
using Spectre.Console;

namespace Smog.Tests.Cli;

/// <summary><c>discover --host</c> paths that need no sshd: inventory errors and local hosts.</summary>
public class DiscoverHostTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(stdout) });
        console.Profile.Width = 200;
        var exit = SmogApp.Run(args, console, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Inventory(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"smog-inventory-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void A_bad_inventory_is_one_line_naming_file_and_field_and_exit_2()
    {
        var path = Inventory("hosts:\n  - name: c1\n    address: 127.0.0.1\n    port: twenty-two\n    key: k\n");
        var (exit, _, err) = Run("discover", "--host", "c1", "--inventory", path);
        Assert.Equal((2, $"smog: {path}:4: hosts[0].port: expected a whole number 1-65535, found 'twenty-two'\n"), (exit, err.ReplaceLineEndings("\n")));
    }

    [Fact]
    public void An_unknown_host_exits_2()
    {
        var path = Inventory("hosts: [{name: vm, access: local}]");
        var (exit, _, err) = Run("discover", "--host", "compute-7", "--inventory", path);
        Assert.Equal((2, $"smog: {path}: no host named 'compute-7' (hosts: vm)"), (exit, err.Trim()));
    }

    [Fact]
    public void A_missing_key_file_is_reported_before_any_connection()
    {
        var path = Inventory("hosts: [{name: c1, address: 127.0.0.1, port: 1, key: /nonexistent/smog-key}]");
        var (exit, _, err) = Run("discover", "--host", "c1", "--inventory", path);
        Assert.Equal((2, "smog: c1: cannot read key /nonexistent/smog-key (no such file)"), (exit, err.Trim()));
    }

    [Fact]
    public void Inventory_without_host_is_a_usage_error()
    {
        var (exit, _, err) = Run("discover", "--local", "--inventory", "hosts.yml");
        Assert.Equal((2, "smog: --inventory goes with --host NAME"), (exit, err.Trim()));
    }

    [Fact]
    public void A_local_host_in_the_labs_shape_discovers_this_machine_with_its_libvirt_uri()
    {
        if (!File.Exists("/usr/bin/virsh")) Assert.Skip("virsh is not installed (apt-get install libvirt-clients)");
        // libvirt's test driver always reports two 8-CPU cells, so its capabilities disagree with
        // this machine's sysfs: a warning naming them proves virsh ran with the inventory's URI.
        var path = Inventory("hosts:\n  - name: vm\n    access: local\n    libvirt_uri: \"test:///default\"\n");
        var (exit, table, err) = Run("discover", "--host", "vm", "--inventory", path);
        Assert.True(exit == 0, err);
        Assert.Contains("NUMA node 0", table);
        Assert.Matches("warning: .*virsh capabilities (reports|says)", table);
    }
}
