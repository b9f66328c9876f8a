using System.Collections.Immutable;
using System.Net.Sockets;

namespace Smog.Hosts.Ssh.Agent;

/// <summary>The agent could not be reached or would not answer; the message names the socket, never a key.</summary>
public sealed class SshAgentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Talks to an ssh-agent over its Unix socket (<c>SSH_AUTH_SOCK</c>). One connection per
/// request: a login asks twice or three times, and a fresh connection never leaves a
/// half-read reply behind. Calls are synchronous because SSH.NET signs synchronously.
/// </summary>
public sealed class SshAgentClient(string socketPath)
{
    /// <summary>How long a reply may take; an agent that confirms each use (ssh-add -c) waits for a person.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public string SocketPath { get; } = socketPath;

    public ImmutableArray<AgentIdentity> ListIdentities() =>
        Decode(() => AgentProtocol.DecodeIdentities(Exchange(AgentProtocol.EncodeRequestIdentities())));

    /// <summary>Signs <paramref name="data"/> with the agent's <paramref name="key"/>; returns the SSH signature blob.</summary>
    public byte[] Sign(AgentIdentity key, byte[] data, uint flags) =>
        Decode(() => AgentProtocol.DecodeSignature(Exchange(AgentProtocol.EncodeSignRequest(key.Blob.AsSpan(), data, flags))), $" with {key.Describe()}");

    private T Decode<T>(Func<T> read, string what = "")
    {
        try
        {
            return read();
        }
        catch (AgentProtocolException e)
        {
            throw new SshAgentException($"SSH agent {SocketPath}: {e.Message}{what}");
        }
    }

    private byte[] Exchange(byte[] request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            SendTimeout = (int)Timeout.TotalMilliseconds,
            ReceiveTimeout = (int)Timeout.TotalMilliseconds,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException e)
        {
            throw new SshAgentException(File.Exists(SocketPath) || Directory.Exists(SocketPath)
                ? $"cannot connect to the SSH agent at {SocketPath} ({e.SocketErrorCode})"
                : $"no SSH agent socket at {SocketPath}", e);
        }
        try
        {
            socket.Send(request);
            var header = new byte[4];
            ReadExactly(socket, header);
            var message = new byte[AgentProtocol.MessageLength(header)];
            ReadExactly(socket, message);
            return message;
        }
        catch (SocketException e)
        {
            throw new SshAgentException(e.SocketErrorCode == SocketError.TimedOut
                ? $"the SSH agent at {SocketPath} did not answer within {Timeout.TotalSeconds:0} s"
                : $"the SSH agent at {SocketPath} closed the connection ({e.SocketErrorCode})", e);
        }
    }

    private void ReadExactly(Socket socket, byte[] buffer)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = socket.Receive(buffer, read, buffer.Length - read, SocketFlags.None);
            if (n == 0) throw new SshAgentException($"the SSH agent at {SocketPath} closed the connection mid-reply");
            read += n;
        }
    }
}
