using Renci.SshNet;
using Renci.SshNet.Security;

namespace Smog.Hosts.Ssh.Agent;

/// <summary>
/// One agent key as SSH.NET's public-key login sees it: the algorithms it can sign with, each
/// signing through the agent. The private key never leaves the agent. RSA keys sign with
/// rsa-sha2-512 or rsa-sha2-256 (RFC 8332; the public key blob stays "ssh-rsa"), never SHA-1.
/// </summary>
public sealed class AgentKeySource : IPrivateKeySource
{
    public AgentKeySource(SshAgentClient agent, AgentIdentity identity)
    {
        Identity = identity;
        HostKeyAlgorithms = identity.KeyType == "ssh-rsa"
            ?
            [
                new AgentHostAlgorithm("rsa-sha2-512", agent, identity, AgentProtocol.RsaSha2_512),
                new AgentHostAlgorithm("rsa-sha2-256", agent, identity, AgentProtocol.RsaSha2_256),
            ]
            : [new AgentHostAlgorithm(identity.KeyType, agent, identity, 0)];
    }

    public AgentIdentity Identity { get; }

    public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

    /// <summary>Key types SSH.NET can log in with (it has no security-key or DSA support).</summary>
    public static bool Supports(AgentIdentity identity) => identity.KeyType is
        "ssh-ed25519" or "ssh-rsa" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521";

    private sealed class AgentHostAlgorithm(string name, SshAgentClient agent, AgentIdentity identity, uint flags) : HostAlgorithm(name)
    {
        private readonly byte[] _blob = [.. identity.Blob];

        public override byte[] Data => _blob;

        public override byte[] Sign(byte[] data) => agent.Sign(identity, data, flags);

        // Only the server verifies a login signature; a client never needs to.
        public override bool VerifySignature(byte[] data, byte[] signature) =>
            throw new NotSupportedException("agent keys only sign");
    }
}
