using System.Security.Cryptography;
using System.Text;
using Smog.Hosts;
using Smog.Hosts.Ssh;

namespace Smog.Tests.Integration.NetnsHosts;

/// <summary>
/// The two sshd hosts that <c>tools/ci/netns-hosts-up.sh DIR</c> starts in network namespaces:
/// netns-a (hostname compute-a, 2 nodes with SMT, 10.231.0.2, reachable from here) and netns-b
/// (compute-b, 4 nodes without SMT, 10.231.1.2, reachable only through netns-a). Tests skip when
/// SMOG_NETNS_INVENTORY is not set. Every test reads the hosts' state over SSH, not through smog.
/// </summary>
internal static class NetnsLab
{
    public const string Variable = "SMOG_NETNS_INVENTORY";
    public const string A = "netns-a";
    public const string B = "netns-b";

    /// <summary>One xUnit collection: the tests edit the same files on the same two hosts.</summary>
    public const string Collection = "netns hosts (tools/ci/netns-hosts-up.sh)";

    public static string InventoryPath()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path) return path;
        Assert.Skip($"{Variable} is not set: start the namespaced sshd hosts with `eval \"$(tools/ci/netns-hosts-up.sh DIR)\"` (root)");
        return "";
    }

    public static string Dir => Path.GetDirectoryName(Path.GetFullPath(InventoryPath()))!;

    public static SshTarget Target(string host) => InventoryParser.Load(InventoryPath()).Find(host).Ssh!;

    /// <summary>Runs a shell command line on the host (B through A) and returns its stdout; fails the test on a non-zero exit.</summary>
    public static async Task<string> ShellAsync(string host, string commandLine)
    {
        using var runner = await SshCommandRunner.ConnectAsync(Target(host), TestContext.Current.CancellationToken);
        var result = await runner.ExecuteAsync(commandLine, "test command", TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"{host}: `{commandLine}` exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Puts the host's nova.conf back to the seed the stage wrote (setup, not the code under test).</summary>
    public static Task ResetNovaConfAsync(string host) =>
        ShellAsync(host, $"cp {Path.Join(Dir, HostDir(host), "nova.conf.seed")} /etc/nova/nova.conf");

    /// <summary>"runs" or "gone" (a zombie, killed but not yet reaped by its parent, is gone).</summary>
    public static async Task<string> ProcessAsync(string host, string pid) =>
        (await ShellAsync(host, $"if [ -r /proc/{pid}/stat ] && [ \"$(cut -d' ' -f3 /proc/{pid}/stat)\" != Z ]; then echo runs; else echo gone; fi")).Trim();

    public static string HostDir(string host) => host == A ? "a" : "b";

    public static string Seed(string host) => File.ReadAllText(Path.Join(Dir, HostDir(host), "nova.conf.seed"));

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A scratch directory (journal, inventories), removed by the caller.</summary>
    public static string Scratch()
    {
        var dir = Path.Join(Path.GetTempPath(), "smog-netns-it-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// An inventory in <paramref name="scratch"/> naming the two hosts as given (B through A), with
    /// absolute key and known_hosts paths; <paramref name="extra"/> is appended (more hosts).
    /// </summary>
    public static string WriteInventory(string scratch, string nameA = A, string nameB = B, string? knownHosts = null, string extra = "")
    {
        var kh = knownHosts ?? Path.Join(Dir, "known_hosts");
        var key = Path.Join(Dir, "client_ed25519");
        var path = Path.Join(scratch, "inventory.yml");
        File.WriteAllText(path, $"""
            hosts:
              - name: {Quote(nameA)}
                address: 10.231.0.2
                key: {key}
                known_hosts: {kh}
                connect_timeout: 5
                nova_conf: /etc/nova/nova.conf
                restart: {Path.Join(Dir, "a", "restart-nova-compute")}
              - name: {Quote(nameB)}
                address: 10.231.1.2
                key: {key}
                known_hosts: {kh}
                connect_timeout: 5
                jump: {Quote(nameA)}
                nova_conf: /etc/nova/nova.conf
                restart: {Path.Join(Dir, "b", "restart-nova-compute")}

            """ + extra);
        return path;
    }

    // A YAML double-quoted scalar: names with quotes, $ and ; stay data.
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
