using System.Text.Json;
using Smog.Hosts;
using Smog.Hosts.Ssh;
using Smog.Tests.Cli;

namespace Smog.Tests.Integration.NetnsHosts;

/// <summary>
/// Jump hosts against real sshds: netns-b answers only from netns-a's namespace, so every
/// connection to it is a session to netns-a plus a direct-tcpip channel to 10.231.1.2:22.
/// </summary>
[Collection(NetnsLab.Collection)]
public sealed class JumpHostTests
{
    [Fact]
    public async Task B_is_reached_through_A_and_is_its_own_machine()
    {
        var inventory = NetnsLab.InventoryPath();
        Assert.Equal("compute-b\n", await NetnsLab.ShellAsync(NetnsLab.B, "hostname"));
        Assert.Equal("compute-a\n", await NetnsLab.ShellAsync(NetnsLab.A, "hostname"));

        var (exit, output, error) = CliRunner.Run(["discover", "--inventory", inventory, "--host", NetnsLab.B, "-o", "json"]);
        Assert.True(exit == 0, error);
        using var b = JsonDocument.Parse(output);
        var cells = b.RootElement.GetProperty("cells");
        Assert.Equal(4, cells.GetArrayLength());
        Assert.Equal(["0-1", "2-3", "4-5", "6-7"], cells.EnumerateArray().Select(c => c.GetProperty("cpus").GetString()!));

        (exit, output, error) = CliRunner.Run(["discover", "--inventory", inventory, "--host", NetnsLab.A]);
        Assert.True(exit == 0, error);
        Assert.StartsWith("host: 2 sockets, 2 NUMA nodes, 16 CPUs, SMT yes (2 threads per core)", output);
        // numactl, lstopo (HWLOC_XMLFILE) and the sysfs tree agree: no disagreement reported.
        Assert.DoesNotContain("warning:", output + error);
    }

    [Fact]
    public async Task Without_the_jump_B_cannot_be_reached()
    {
        var target = NetnsLab.Target(NetnsLab.B) with { Jump = null, ConnectAttempts = 1 };
        var error = await Assert.ThrowsAsync<HostAccessException>(() => SshCommandRunner.ConnectAsync(target, TestContext.Current.CancellationToken));
        Assert.StartsWith("netns-b (root@10.231.1.2:22): ", error.Message);
    }

    [Fact]
    public void A_wrong_key_for_B_is_refused_naming_the_second_hop()
    {
        var scratch = NetnsLab.Scratch();
        try
        {
            // A's line is right; B's address carries another key.
            var knownHosts = Path.Join(scratch, "known_hosts");
            File.WriteAllText(knownHosts, $"10.231.0.2 {HostKey("a")}\n10.231.1.2 {HostKey("other")}\n");
            var (exit, _, error) = CliRunner.Run(["discover", "--inventory", NetnsLab.WriteInventory(scratch, knownHosts: knownHosts), "--host", NetnsLab.B]);
            Assert.NotEqual(0, exit);
            Assert.Contains("netns-b: host key of 10.231.1.2 (ssh-ed25519 SHA256:", error);
            Assert.Contains($"does not match {knownHosts} line 2; refusing to connect", error);
            Assert.DoesNotContain("jump host", error);
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
    }

    [Fact]
    public void A_wrong_key_for_the_jump_host_is_refused_naming_the_first_hop()
    {
        var scratch = NetnsLab.Scratch();
        try
        {
            var knownHosts = Path.Join(scratch, "known_hosts");
            File.WriteAllText(knownHosts, $"10.231.0.2 {HostKey("other")}\n10.231.1.2 {HostKey("b")}\n");
            var (exit, _, error) = CliRunner.Run(["discover", "--inventory", NetnsLab.WriteInventory(scratch, knownHosts: knownHosts), "--host", NetnsLab.B]);
            Assert.NotEqual(0, exit);
            Assert.Contains("netns-b: jump host netns-a: host key of 10.231.0.2 (ssh-ed25519 SHA256:", error);
            Assert.Contains($"does not match {knownHosts} line 1; refusing to connect", error);
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
    }

    // "ssh-ed25519 AAAA…" of a key the stage generated (a: A's host key, b: B's, other: neither).
    private static string HostKey(string which)
    {
        var file = which == "other" ? "other_host_ed25519.pub" : Path.Join(which, "host_ed25519.pub");
        return string.Join(' ', File.ReadAllText(Path.Join(NetnsLab.Dir, file)).Split(' ')[..2]);
    }
}
