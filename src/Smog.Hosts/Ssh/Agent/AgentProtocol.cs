using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace Smog.Hosts.Ssh.Agent;

/// <summary>A key the agent holds: its public key blob (RFC 4253 §6.6) and the comment ssh-add gave it.</summary>
public sealed record AgentIdentity(ImmutableArray<byte> Blob, string Comment)
{
    /// <summary>The blob's algorithm name: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …</summary>
    public string KeyType => KnownHosts.KeyTypeOf(Blob.AsSpan());

    /// <summary>How messages name the key: type and SHA256 fingerprint (public facts, never the blob).</summary>
    public string Describe() => $"{KeyType} {KnownHosts.Fingerprint(Blob.AsSpan())}";
}

/// <summary>A reply the client cannot read, or one that is not the answer asked for.</summary>
public sealed class AgentProtocolException(string message) : Exception(message);

/// <summary>
/// The client side of the OpenSSH agent protocol (draft-miller-ssh-agent §3): each message is
/// a uint32 length, a type byte and the contents; strings are a uint32 length and the bytes.
/// Only the two requests a client needs: list identities and sign.
/// </summary>
public static class AgentProtocol
{
    public const byte Failure = 5;
    public const byte RequestIdentities = 11;
    public const byte IdentitiesAnswer = 12;
    public const byte SignRequest = 13;
    public const byte SignResponse = 14;

    /// <summary>Sign-request flags (§3.6.1): ask for an rsa-sha2-256/512 signature instead of ssh-rsa (SHA-1).</summary>
    public const uint RsaSha2_256 = 2;
    public const uint RsaSha2_512 = 4;

    /// <summary>Longest reply accepted; OpenSSH's own agent refuses messages over 256 KiB.</summary>
    public const int MaxMessage = 256 * 1024;

    public static byte[] EncodeRequestIdentities() => Frame(RequestIdentities, []);

    public static byte[] EncodeSignRequest(ReadOnlySpan<byte> keyBlob, ReadOnlySpan<byte> data, uint flags)
    {
        var body = new byte[4 + keyBlob.Length + 4 + data.Length + 4];
        var at = WriteString(body, 0, keyBlob);
        at = WriteString(body, at, data);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(at), flags);
        return Frame(SignRequest, body);
    }

    /// <summary>The declared length of a message from its first four bytes, checked against <see cref="MaxMessage"/>.</summary>
    public static int MessageLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        return length is >= 1 and <= MaxMessage ? (int)length
            : throw new AgentProtocolException($"the agent sent a message of {length} bytes (expected 1-{MaxMessage})");
    }

    /// <summary>Reads an IDENTITIES_ANSWER (type byte and contents, without the length).</summary>
    public static ImmutableArray<AgentIdentity> DecodeIdentities(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(Expect(message, IdentitiesAnswer, "the list of keys"));
        var count = reader.UInt32();
        // Each identity takes at least 8 bytes, so a count beyond that is a broken reply, not a huge allocation.
        if (count > (uint)reader.Remaining / 8) throw new AgentProtocolException($"the agent announced {count} keys in a {message.Length}-byte reply");
        var identities = ImmutableArray.CreateBuilder<AgentIdentity>((int)count);
        for (var i = 0; i < count; i++)
        {
            var blob = reader.String().ToImmutableArray();
            var comment = Encoding.UTF8.GetString(reader.String());
            identities.Add(new AgentIdentity(blob, comment));
        }
        reader.End();
        return identities.MoveToImmutable();
    }

    /// <summary>Reads a SIGN_RESPONSE: the signature blob (string algorithm, string signature), as SSH puts it on the wire.</summary>
    public static byte[] DecodeSignature(ReadOnlySpan<byte> message)
    {
        var reader = new Reader(Expect(message, SignResponse, "a signature"));
        var signature = reader.String().ToArray();
        reader.End();
        return signature;
    }

    private static ReadOnlySpan<byte> Expect(ReadOnlySpan<byte> message, byte type, string what)
    {
        if (message.IsEmpty) throw new AgentProtocolException("the agent sent an empty message");
        if (message[0] == Failure) throw new AgentProtocolException($"the agent refused to give {what}");
        if (message[0] != type) throw new AgentProtocolException($"the agent answered with message type {message[0]} (expected {type})");
        return message[1..];
    }

    private static byte[] Frame(byte type, ReadOnlySpan<byte> body)
    {
        var frame = new byte[4 + 1 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)(1 + body.Length));
        frame[4] = type;
        body.CopyTo(frame.AsSpan(5));
        return frame;
    }

    private static int WriteString(Span<byte> to, int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(to[at..], (uint)value.Length);
        value.CopyTo(to[(at + 4)..]);
        return at + 4 + value.Length;
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly int Remaining => _rest.Length;

        public uint UInt32()
        {
            if (_rest.Length < 4) throw Truncated();
            var value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
            _rest = _rest[4..];
            return value;
        }

        public ReadOnlySpan<byte> String()
        {
            var length = UInt32();
            if (length > (uint)_rest.Length) throw Truncated();
            var value = _rest[..(int)length];
            _rest = _rest[(int)length..];
            return value;
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty) throw new AgentProtocolException($"the agent's reply has {_rest.Length} bytes too many");
        }

        private static AgentProtocolException Truncated() => new("the agent's reply is cut short");
    }
}
