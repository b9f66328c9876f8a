using Smog.Hosts;
using Smog.Hosts.Ssh;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// The real sshd that <c>tools/ci/sshd-up.sh DIR</c> starts on 127.0.0.1. Its inventory names
/// one host, which is this machine; DIR also holds a client key sshd does not accept.
/// </summary>
internal static class SshLoopback
{
    public const string Variable = "SMOG_SSHD_INVENTORY";

    /// <summary>The inventory path, or a skip naming the stage to run.</summary>
    public static string InventoryPath()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path) return path;
        Assert.Skip($"{Variable} is not set: start a loopback sshd with `eval \"$(tools/ci/sshd-up.sh DIR)\"`");
        return "";
    }

    public static InventoryHost Host()
    {
        var host = InventoryParser.Load(InventoryPath()).Hosts.Single(h => h.Access == HostAccess.Ssh);
        Assert.Equal("127.0.0.1", host.Ssh!.Address); // these tests never leave loopback
        return host;
    }

    public static SshTarget Target() => Host().Ssh!;

    public static string Dir => Path.GetDirectoryName(Path.GetFullPath(InventoryPath()))!;

    public static Task<SshCommandRunner> ConnectAsync(SshTarget? target = null) =>
        SshCommandRunner.ConnectAsync(target ?? Target(), TestContext.Current.CancellationToken);
}
