namespace Smog.Hosts.Ssh;

/// <summary>
/// Everything needed to open an SSH session to one host. Paths are absolute (the inventory
/// resolves them). The key's passphrase is never stored here: only the name of the
/// environment variable holding it. A login offers the key file first, then the agent's keys.
/// </summary>
public sealed record SshTarget
{
    public required string Name { get; init; }
    public required string Address { get; init; }
    public int Port { get; init; } = 22;
    public required string User { get; init; }
    /// <summary>Private key file; null when only the agent logs in.</summary>
    public string? KeyPath { get; init; }
    public string? KeyPassphraseEnv { get; init; }
    public required string KnownHostsPath { get; init; }

    /// <summary>Also log in with the keys of an ssh-agent: <see cref="AgentSocket"/>, or SSH_AUTH_SOCK when that is null.</summary>
    public bool UseAgent { get; init; }

    public string? AgentSocket { get; init; }

    /// <summary>Trust-on-first-use: an unknown host key is appended to known_hosts; a changed key is still refused.</summary>
    public bool InsecureAcceptNew { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connection attempts when the port refuses (sshd still starting); the wait doubles from 0.5 s.</summary>
    public int ConnectAttempts { get; init; } = 4;

    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The host to connect through (inventory <c>jump</c>), with its own user, key, known_hosts
    /// and port; it may have a jump of its own. This target's host key is still checked under
    /// its own address and port.
    /// </summary>
    public SshTarget? Jump { get; init; }

    /// <summary>How messages name the host: <c>compute-1 (root@10.0.0.5:22)</c>.</summary>
    public string Display => $"{Name} ({User}@{Address}:{Port}{(Jump is { } j ? $" via {j.Name}" : "")})";
}
