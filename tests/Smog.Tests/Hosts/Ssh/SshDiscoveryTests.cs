using System.Collections.Immutable;
using System.Text.Json;
using Smog.Cli;
using Smog.Hosts;
using Smog.Topology;
using Smog.Topology.Parsers;
using Spectre.Console;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// The loopback sshd is this same machine, so discovery over SSH must find what local
/// discovery finds. Free memory and free huge pages move between two reads, so they are
/// left out of the comparison; everything else must be equal.
/// </summary>
public class SshDiscoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Discover_host_over_ssh_yields_the_same_topology_as_discover_local()
    {
        var host = SshLoopback.Host();
        var (sshExit, sshJson, sshErr) = Run("discover", "--host", host.Name, "--inventory", SshLoopback.InventoryPath(), "-o", "json");
        Assert.True(sshExit == 0, sshErr);
        var (localExit, localJson, localErr) = Run("discover", "--local", "-o", "json");
        Assert.True(localExit == 0, localErr);
        Assert.NotEmpty(Stable(localJson).Cells);
        Assert.Equal(Stable(localJson), Stable(sshJson));
    }

    [Fact]
    public async Task Sysfs_snapshot_over_ssh_equals_the_local_loaders()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        var local = await SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), "/sys", Ct);
        // Over SSH the loader takes the one-command dump (path by path costs a round trip per file).
        var remote = await SysfsSnapshotLoader.LoadAsync(ssh, "/sys", Ct);
        Assert.NotEmpty(local.Files);
        Assert.Equal(Stable(local.Files), Stable(remote.Files));
        Assert.Equal(local.Links, remote.Links);
        Assert.Equal(local.Directories, remote.Directories);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(stdout) });
        var exit = SmogApp.Run(args, console, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static HostTopology Stable(string json)
    {
        var topology = JsonSerializer.Deserialize(json, TopologyJsonContext.Default.HostTopology)!;
        return topology with
        {
            Cells = [.. topology.Cells.Select(c => c with { FreeMemoryMiB = null, Pages = [.. c.Pages.Select(p => p with { Free = null })] })],
        };
    }

    // meminfo keeps only its MemTotal line; free_hugepages files are dropped.
    private static ImmutableSortedDictionary<string, string> Stable(ImmutableSortedDictionary<string, string> files) =>
        files.Where(f => !f.Key.EndsWith("/free_hugepages", StringComparison.Ordinal))
            .ToImmutableSortedDictionary(f => f.Key,
                f => f.Key.EndsWith("/meminfo", StringComparison.Ordinal) ? f.Value.Split('\n').Single(l => l.Contains("MemTotal:", StringComparison.Ordinal)) : f.Value,
                StringComparer.Ordinal);
}
