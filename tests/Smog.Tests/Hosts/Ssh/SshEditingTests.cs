using Smog.Hosts;
using Smog.Hosts.Editing;
using Smog.Tests.Hosts.Editing;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>Journaled edits over the real loopback sshd (see <see cref="SshLoopback"/>); skipped without it.</summary>
public sealed class SshEditingTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly EditingFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public async Task Edits_and_restores_over_ssh_byte_for_byte()
    {
        // The loopback sshd is this machine, so the scratch files are the host's files.
        using var ssh = await SshLoopback.ConnectAsync();
        var existing = _fx.HostPath("nova.conf");
        byte[] original = [0xFF, 0x00, (byte)'\r', (byte)'\n', (byte)'\''];
        File.WriteAllBytes(existing, original);
        var created = _fx.HostPath("new $(touch INJECTED).conf");
        var big = new byte[HostFiles.ChunkBytes + 1000]; // two chunks
        new Random(6).NextBytes(big);

        await _fx.Editor.EditAsync(ssh, existing, big, Ct);
        await _fx.Editor.EditAsync(ssh, existing, "second\n", Ct);
        await _fx.Editor.EditAsync(ssh, created, big, Ct);
        Assert.Equal("second\n", File.ReadAllText(existing));
        Assert.Equal(big, File.ReadAllBytes(created));
        Assert.Equal([ssh.HostName], _fx.Editor.HostsToRestore());

        var result = await _fx.Editor.RestoreAsync(ssh, cancellationToken: Ct);

        Assert.True(result.Complete);
        Assert.Equal(original, File.ReadAllBytes(existing));
        Assert.False(File.Exists(created));
        Assert.Empty(_fx.Injected());
        Assert.Empty(_fx.Editor.HostsToRestore());
    }

    [Fact]
    public async Task A_foreign_change_is_refused_over_ssh_too()
    {
        using var ssh = await SshLoopback.ConnectAsync();
        var path = _fx.HostPath("f");
        File.WriteAllText(path, "orig");
        await _fx.Editor.EditAsync(ssh, path, "ours", Ct);
        File.WriteAllText(path, "theirs");

        var result = await _fx.Editor.RestoreAsync(ssh, cancellationToken: Ct);

        Assert.Single(result.Refused);
        Assert.Equal("theirs", File.ReadAllText(path));
    }
}
