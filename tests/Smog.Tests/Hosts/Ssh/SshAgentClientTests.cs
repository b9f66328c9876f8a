using System.Net.Sockets;
using Smog.Hosts.Ssh.Agent;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// <see cref="SshAgentClient"/> and <see cref="AgentKeySource"/> against a scripted agent on a
/// real Unix socket: the bytes the client sends and the replies it gets are written by hand.
/// </summary>
public sealed class SshAgentClientTests : IDisposable
{
    private static readonly byte[] RsaBlob = [0, 0, 0, 7, .. "ssh-rsa"u8, 0, 0, 0, 1, 3, 0, 0, 0, 1, 5];
    private static readonly AgentIdentity Rsa = new([.. RsaBlob], "r");

    private readonly string _dir = Directory.CreateTempSubdirectory("smog-fake-agent-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_rsa_key_signs_rsa_sha2_512_first_then_256_and_sends_the_matching_flag()
    {
        var source = new AgentKeySource(new SshAgentClient(Path.Combine(_dir, "s")), Rsa);
        Assert.Equal(["rsa-sha2-512", "rsa-sha2-256"], source.HostKeyAlgorithms.Select(a => a.Name));
        Assert.All(source.HostKeyAlgorithms, a => Assert.Equal(RsaBlob, a.Data));
        byte[] signature = [0, 0, 0, 12, .. "rsa-sha2-512"u8, 0, 0, 0, 1, 0x42];

        var (sent, signed) = await ServeOnce([0, 0, 0, 26, 14, 0, 0, 0, 21, .. signature], () => source.HostKeyAlgorithms.First().Sign([0xD0]));

        byte[] expected = [0, 0, 0, 35, 13, 0, 0, 0, 21, .. RsaBlob, 0, 0, 0, 1, 0xD0, 0, 0, 0, 4];
        Assert.Equal(expected, sent);
        Assert.Equal(signature, signed);
    }

    [Fact]
    public async Task Other_key_types_sign_under_their_own_name_with_no_flags()
    {
        var ed = new AgentIdentity([0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 1, 9], "e");
        var source = new AgentKeySource(new SshAgentClient(Path.Combine(_dir, "s")), ed);
        Assert.Equal(["ssh-ed25519"], source.HostKeyAlgorithms.Select(a => a.Name));

        var (sent, _) = await ServeOnce([0, 0, 0, 5, 14, 0, 0, 0, 0], () => source.HostKeyAlgorithms.Single().Sign([1]));

        Assert.Equal([0, 0, 0, 0], sent[^4..]);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 1, 5 }, "the agent refused to give the list of keys")]
    [InlineData(new byte[] { 0, 0x10, 0, 0 }, "the agent sent a message of 1048576 bytes (expected 1-262144)")]
    [InlineData(new byte[] { 0, 0, 0, 9, 12 }, "closed the connection mid-reply")]
    public async Task Broken_or_refusing_agents_are_one_line_naming_the_socket(byte[] reply, string expected)
    {
        var client = new SshAgentClient(Path.Combine(_dir, "s"));

        var error = await Assert.ThrowsAsync<SshAgentException>(() => ServeOnce(reply, () => client.ListIdentities()));

        Assert.Contains(Path.Combine(_dir, "s"), error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Only_key_types_ssh_net_can_log_in_with_are_used()
    {
        AgentIdentity Of(string type) => new([0, 0, 0, (byte)type.Length, .. System.Text.Encoding.ASCII.GetBytes(type)], "");

        Assert.True(AgentKeySource.Supports(Rsa));
        Assert.True(AgentKeySource.Supports(Of("ecdsa-sha2-nistp384")));
        Assert.False(AgentKeySource.Supports(Of("sk-ssh-ed25519@openssh.com")));
        Assert.False(AgentKeySource.Supports(Of("ssh-dss")));
    }

    /// <summary>Accepts one connection on the socket, reads one request, writes <paramref name="reply"/> and hangs up.</summary>
    private async Task<(byte[] Sent, T Result)> ServeOnce<T>(byte[] reply, Func<T> call)
    {
        var path = Path.Combine(_dir, "s");
        File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var server = Task.Run(async () =>
        {
            using var peer = await listener.AcceptAsync(TestContext.Current.CancellationToken);
            var header = new byte[4];
            await ReadAll(peer, header);
            var body = new byte[(header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3]];
            await ReadAll(peer, body);
            await peer.SendAsync(reply, TestContext.Current.CancellationToken);
            peer.Shutdown(SocketShutdown.Both);
            return (byte[])[.. header, .. body];
        }, TestContext.Current.CancellationToken);
        var result = await Task.Run(call, TestContext.Current.CancellationToken);
        return (await server, result);
    }

    private static async Task ReadAll(Socket socket, byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), TestContext.Current.CancellationToken);
            if (n == 0) throw new EndOfStreamException();
            read += n;
        }
    }
}
