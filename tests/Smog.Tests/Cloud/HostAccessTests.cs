using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Hosts.Embedded;
using Smog.Tests.Cli;

namespace Smog.Tests.Cloud;

/// <summary>Host access over HTTP: the inventory the cloud writes, the embedded runner, and <c>smog discover</c> through it.</summary>
public sealed class HostAccessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discover_through_the_written_inventory_reads_the_simulated_topology()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default());
        using var clients = new CloudClients(cloud);

        var (exit, stdout, stderr) = CliRunner.Run(["discover", "--host", "compute-2", "--inventory", clients.Files.Inventory]);

        Assert.True(exit == 0, stderr);
        Assert.Contains("compute-2: 2 sockets, 2 NUMA nodes, 32 CPUs, SMT yes (2 threads per core)", stdout);
    }

    [Fact]
    public async Task The_runner_needs_the_key_and_says_so_in_one_line()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default());
        using var clients = new CloudClients(cloud);
        var wrongKey = Path.Combine(Path.GetDirectoryName(clients.Files.HostKey)!, "wrong.key");
        File.WriteAllText(wrongKey, "not-a-token");
        using var runner = new EmbeddedCommandRunner(new EmbeddedTarget("compute-0", new Uri(cloud.BaseUrl, "/smog/hosts/compute-0"), wrongKey));

        var e = await Assert.ThrowsAsync<HostAccessException>(() => runner.RunAsync("numactl", ["-H"], Ct));

        Assert.Contains("refused the host-access key", e.Message);
        Assert.DoesNotContain("not-a-token", e.Message);
    }

    [Fact]
    public async Task A_program_the_simulated_host_lacks_is_not_installed()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default());
        using var clients = new CloudClients(cloud);
        var host = InventoryParser.Load(clients.Files.Inventory).Find("compute-0");
        using var runner = (EmbeddedCommandRunner)await HostInventory.ConnectAsync(host, Ct);

        Assert.Null(await runner.RunAsync("no-such-program", [], Ct));
        Assert.Contains("available:", (await runner.RunAsync("numactl", ["-H"], Ct))!.StandardOutput);
        Assert.Null(await runner.ReadFileAsync("/no/such/file", Ct));
    }

    [Theory]
    [InlineData("hosts:\n  - name: c\n    access: embedded\n    key: k\n", "hosts[0].url: missing")]
    [InlineData("hosts:\n  - name: c\n    access: embedded\n    url: ftp://x\n    key: k\n", "hosts[0].url: expected an http(s) URL")]
    [InlineData("hosts:\n  - name: c\n    access: embedded\n    url: http://127.0.0.1:1/smog/hosts/c\n", "hosts[0].key: missing")]
    [InlineData("hosts:\n  - name: c\n    access: local\n    url: http://x\n", "hosts[0].url: only for access: embedded")]
    public void Embedded_inventory_entries_are_checked(string yaml, string expected)
    {
        var e = Assert.Throws<InventoryException>(() => InventoryParser.Parse(yaml, "inv.yml", "/tmp"));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith("inv.yml:", e.Message, StringComparison.Ordinal);
    }
}
