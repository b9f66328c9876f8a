using System.Text;
using CsCheck;
using Smog.Hosts.Ssh.Agent;

namespace Smog.Tests.Hosts.Ssh;

/// <summary>
/// The agent wire format, with every expected byte written by hand from draft-miller-ssh-agent
/// §3 (message = uint32 length, byte type, contents; string = uint32 length, bytes).
/// </summary>
public class AgentProtocolTests
{
    // A public key blob: string "ssh-ed25519", string key (one byte here; the agent never checks it).
    private static readonly byte[] Ed25519Blob = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 1, 0x07];

    [Fact]
    public void Request_identities_is_length_1_and_type_11()
    {
        Assert.Equal([0, 0, 0, 1, 11], AgentProtocol.EncodeRequestIdentities());
    }

    [Fact]
    public void A_sign_request_is_type_13_key_blob_data_and_flags()
    {
        byte[] expected =
        [
            0, 0, 0, 18,          // 1 type + (4 + 2) blob + (4 + 3) data + 4 flags
            13,                   // SSH_AGENTC_SIGN_REQUEST
            0, 0, 0, 2, 0xAA, 0xBB,
            0, 0, 0, 3, 1, 2, 3,
            0, 0, 0, 4,           // SSH_AGENT_RSA_SHA2_512
        ];

        Assert.Equal(expected, AgentProtocol.EncodeSignRequest([0xAA, 0xBB], [1, 2, 3], AgentProtocol.RsaSha2_512));
        Assert.Equal((2u, 4u), (AgentProtocol.RsaSha2_256, AgentProtocol.RsaSha2_512));
    }

    [Fact]
    public void An_identities_answer_lists_blobs_and_comments()
    {
        byte[] answer =
        [
            12, 0, 0, 0, 2,
            0, 0, 0, (byte)Ed25519Blob.Length, .. Ed25519Blob, 0, 0, 0, 4, .. "ci@x"u8,
            0, 0, 0, 2, 0xAA, 0xBB, 0, 0, 0, 0,
        ];

        var identities = AgentProtocol.DecodeIdentities(answer);

        Assert.Equal(2, identities.Length);
        Assert.Equal(Ed25519Blob, identities[0].Blob);
        Assert.Equal(("ssh-ed25519", "ci@x"), (identities[0].KeyType, identities[0].Comment));
        Assert.Equal([0xAA, 0xBB], identities[1].Blob);
        Assert.Equal(("", ""), (identities[1].KeyType, identities[1].Comment));
        Assert.Empty(AgentProtocol.DecodeIdentities([12, 0, 0, 0, 0]));
    }

    [Fact]
    public void A_sign_response_is_the_signature_string()
    {
        byte[] signature = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 2, 9, 9];

        Assert.Equal(signature, AgentProtocol.DecodeSignature([14, 0, 0, 0, (byte)signature.Length, .. signature]));
    }

    [Theory]
    [InlineData(new byte[] { 5 }, "the agent refused to give the list of keys")]
    [InlineData(new byte[] { 14, 0, 0, 0, 0 }, "the agent answered with message type 14 (expected 12)")]
    [InlineData(new byte[] { 12, 0, 0, 0, 1, 0, 0, 0, 9, 1 }, "the agent announced 1 keys in a 10-byte reply")]
    [InlineData(new byte[] { 12, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4 }, "the agent's reply is cut short")]
    [InlineData(new byte[] { 12, 0, 0, 0, 0, 7 }, "the agent's reply has 1 bytes too many")]
    [InlineData(new byte[] { 12, 0xFF, 0xFF, 0xFF, 0xFF }, "the agent announced 4294967295 keys in a 5-byte reply")]
    [InlineData(new byte[] { }, "the agent sent an empty message")]
    public void Broken_identity_answers_are_refused_in_words(byte[] message, string expected)
    {
        Assert.Equal(expected, Assert.Throws<AgentProtocolException>(() => AgentProtocol.DecodeIdentities(message)).Message);
    }

    [Fact]
    public void A_refused_signature_says_so()
    {
        Assert.Equal("the agent refused to give a signature", Assert.Throws<AgentProtocolException>(() => AgentProtocol.DecodeSignature([5])).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 1 }, 1)]
    [InlineData(new byte[] { 0, 4, 0, 0 }, 262144)]
    public void Message_lengths_up_to_256_KiB_are_read(byte[] header, int expected)
    {
        Assert.Equal(expected, AgentProtocol.MessageLength(header));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 4, 0, 1 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    public void Empty_or_oversized_messages_are_refused(byte[] header)
    {
        Assert.StartsWith("the agent sent a message of", Assert.Throws<AgentProtocolException>(() => AgentProtocol.MessageLength(header)).Message);
    }

    [Fact]
    public void Any_identities_answer_built_by_the_spec_reads_back_its_keys()
    {
        var identity = Gen.Select(Gen.Byte.Array[0, 40], Gen.String[Gen.Char.AlphaNumeric, 0, 20]);
        Property.ForAll(identity.Array[0, 5], ids =>
        {
            // Built here by hand, independent of the encoder under test.
            var answer = new List<byte> { 12 };
            answer.AddRange(BigEndian((uint)ids.Length));
            foreach (var (blob, comment) in ids)
            {
                answer.AddRange(BigEndian((uint)blob.Length));
                answer.AddRange(blob);
                answer.AddRange(BigEndian((uint)Encoding.UTF8.GetByteCount(comment)));
                answer.AddRange(Encoding.UTF8.GetBytes(comment));
            }

            var read = AgentProtocol.DecodeIdentities(answer.ToArray());

            return read.Length == ids.Length && read.Zip(ids).All(p => p.First.Blob.SequenceEqual(p.Second.Item1) && p.First.Comment == p.Second.Item2);
        });
    }

    private static byte[] BigEndian(uint n) => [(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n];
}
