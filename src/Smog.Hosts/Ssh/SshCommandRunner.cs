using System.Collections.Immutable;
using System.Net.Sockets;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;
using Smog.Hosts.Ssh.Agent;

namespace Smog.Hosts.Ssh;

/// <summary>
/// <see cref="ICommandRunner"/> over one SSH session (SSH.NET): public-key login (a key file,
/// an ssh-agent's keys, or both in that order), strict host-key checking against an OpenSSH known_hosts file, one exec channel per call with
/// exit status and stderr kept apart. Files are read with <c>cat</c> and directories listed
/// with <c>find -printf</c>, so the remote needs nothing beyond coreutils and findutils.
/// </summary>
public sealed class SshCommandRunner : ICommandRunner, IDisposable
{
    // Printed by the wrapper when `command -v` cannot find the program, so a missing tool is
    // told apart from a tool that itself exits 127.
    private const string NotInstalledMarker = "smog: program not found";

    private readonly SshClient _client;
    private readonly SshTarget _target;
    private readonly JumpTunnel? _tunnel;

    private SshCommandRunner(SshClient client, SshTarget target, JumpTunnel? tunnel)
    {
        _client = client;
        _target = target;
        _tunnel = tunnel;
    }

    public string HostName => _target.Name;

    public bool IsRemote => true;

    /// <summary>Opens the session; every failure is a one-line <see cref="HostAccessException"/>.</summary>
    public static async Task<SshCommandRunner> ConnectAsync(SshTarget target, CancellationToken cancellationToken = default)
    {
        var keys = LoginKeys.Load(target);
        var knownHosts = LoadKnownHosts(target);
        // Through a jump host the session goes to a local end of a direct-tcpip channel; the
        // host key is still checked under the target's own address (the verifier uses target).
        var tunnel = target.Jump is null ? null : await JumpTunnel.OpenAsync(target, cancellationToken);
        try
        {
            return new SshCommandRunner(await LoginAsync(target, keys, knownHosts, tunnel, cancellationToken), target, tunnel);
        }
        catch
        {
            // Whatever ends the login (a refusal, a timeout, a cancelled retry), the first hop goes with it.
            tunnel?.Dispose();
            throw;
        }
    }

    /// <summary>Connects and logs in, retrying while the port refuses; returns the connected client.</summary>
    private static async Task<SshClient> LoginAsync(SshTarget target, LoginKeys keys, KnownHosts knownHosts, JumpTunnel? tunnel, CancellationToken cancellationToken)
    {
        var (address, port) = tunnel is null ? (target.Address, target.Port) : ("127.0.0.1", (int)tunnel.LocalPort);
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            var info = new ConnectionInfo(address, port, target.User, new PrivateKeyAuthenticationMethod(target.User, [.. keys.Sources]))
            {
                Timeout = target.ConnectTimeout,
            };
            var client = new SshClient(info);
            var verifier = new HostKeyVerifier(target, knownHosts);
            client.HostKeyReceived += verifier.OnHostKeyReceived;
            try
            {
                await client.ConnectAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                client.Dispose();
                if (verifier.Refusal is { } refusal) throw new HostAccessException(refusal);
                if (IsConnectionRefused(e) && attempt < target.ConnectAttempts)
                {
                    await Task.Delay(delay, cancellationToken);
                    delay *= 2;
                    continue;
                }
                throw new HostAccessException(tunnel?.Problem is not { } problem ? Describe(target, keys, e, attempt)
                    : $"{target.Display}: jump host {target.Jump!.Name} could not reach {target.Address}:{target.Port}: {OneLine(problem)}", e);
            }
            try
            {
                verifier.RememberIfNew();
            }
            catch
            {
                client.Dispose();
                throw;
            }
            return client;
        }
    }

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var command = ShellQuote.Join([program, .. arguments]);
        var wrapped = $"command -v {ShellQuote.Word(program)} >/dev/null 2>&1 || {{ echo {ShellQuote.Word(NotInstalledMarker)} >&2; exit 127; }}; exec {command}";
        var result = await ExecuteAsync(wrapped, program, cancellationToken);
        return result.ExitCode == 127 && result.StandardError.Trim() == NotInstalledMarker ? null : result;
    }

    public async Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync($"cat -- {ShellQuote.Word(path)}", "cat", cancellationToken);
        return result.Succeeded ? result.StandardOutput : null;
    }

    public async Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        // The trailing slash makes find follow a symlinked directory, as the local runner does.
        var result = await ExecuteAsync($"find {ShellQuote.Word(path.TrimEnd('/') + "/")} -mindepth 1 -maxdepth 1 -printf '%y\\0%f\\0%l\\0'", "find", cancellationToken);
        return result.Succeeded ? SysfsTreeDump.ParseEntries(result.StandardOutput) : [];
    }

    /// <summary>Runs a shell command line as is (the caller quotes); exposed for tests and batch reads.</summary>
    public async Task<CommandResult> ExecuteAsync(string commandLine, string label, CancellationToken cancellationToken = default)
    {
        using var command = _client.CreateCommand(commandLine, Encoding.UTF8);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_target.CommandTimeout);
        try
        {
            await command.ExecuteAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CommandResult(-1, "", $"{label} did not finish within {_target.CommandTimeout.TotalSeconds:0} s on {_target.Name}");
        }
        catch (SshException e)
        {
            throw new HostAccessException($"{_target.Display}: the SSH session failed while running {label}: {OneLine(e.Message)}", e);
        }
        // No exit status means the remote process died from a signal (RFC 4254 §6.10).
        if (command.ExitStatus is { } status) return new CommandResult(status, command.Result, command.Error);
        return new CommandResult(-1, command.Result, command.Error + $"{label} was killed by signal {command.ExitSignal ?? "?"}");
    }

    public void Dispose()
    {
        if (_client.IsConnected) _client.Disconnect();
        _client.Dispose();
        _tunnel?.Dispose();
    }

    /// <summary>
    /// The first hop to a target with a jump host: a session to the jump host (itself perhaps
    /// through its own jump) and a local port on 127.0.0.1 (chosen by the system) forwarded over
    /// a direct-tcpip channel to the target's address and port. Disposed after the target's session.
    /// </summary>
    private sealed class JumpTunnel : IDisposable
    {
        private readonly SshCommandRunner _jump;
        private readonly ForwardedPortLocal _forward;

        private JumpTunnel(SshCommandRunner jump, ForwardedPortLocal forward)
        {
            _jump = jump;
            _forward = forward;
            _forward.Exception += (_, e) => Problem ??= e.Exception.Message;
        }

        public uint LocalPort => _forward.BoundPort;

        /// <summary>Why the jump host could not open the channel, when it said so.</summary>
        public string? Problem { get; private set; }

        public static async Task<JumpTunnel> OpenAsync(SshTarget target, CancellationToken ct)
        {
            SshCommandRunner jump;
            try
            {
                jump = await ConnectAsync(target.Jump!, ct);
            }
            catch (HostAccessException e)
            {
                throw new HostAccessException($"{target.Name}: jump host {e.Message}", e);
            }
            var forward = new ForwardedPortLocal("127.0.0.1", 0, target.Address, (uint)target.Port);
            try
            {
                jump._client.AddForwardedPort(forward);
                forward.Start();
                return new JumpTunnel(jump, forward);
            }
            catch (Exception e) when (e is SshException or SocketException or InvalidOperationException)
            {
                forward.Dispose();
                jump.Dispose();
                throw new HostAccessException($"{target.Name}: cannot open a forwarded port through jump host {target.Jump!.Name}: {OneLine(e.Message)}", e);
            }
        }

        public void Dispose()
        {
            if (_forward.IsStarted) _forward.Stop();
            _forward.Dispose();
            _jump.Dispose();
        }
    }

    /// <summary>What the login offers, in order, and how a refusal names it.</summary>
    private sealed record LoginKeys(IReadOnlyList<IPrivateKeySource> Sources, string Offered)
    {
        public static LoginKeys Load(SshTarget target)
        {
            var file = target.KeyPath is { } path ? LoadKey(target, path) : null;
            if (!target.UseAgent)
                return new LoginKeys([file ?? throw new HostAccessException($"{target.Name}: no key to log in with (give key: FILE or agent: true)")], $"key {target.KeyPath}");
            var socket = target.AgentSocket ?? (Environment.GetEnvironmentVariable("SSH_AUTH_SOCK") is { Length: > 0 } s ? s
                : throw new HostAccessException($"{target.Name}: agent: true but SSH_AUTH_SOCK is not set (start ssh-agent, or give agent: /path/to/socket)"));
            var agent = new SshAgentClient(socket);
            ImmutableArray<AgentIdentity> identities;
            try
            {
                identities = agent.ListIdentities();
            }
            catch (SshAgentException e)
            {
                throw new HostAccessException($"{target.Name}: {e.Message}");
            }
            var usable = identities.Where(AgentKeySource.Supports).Select(i => new AgentKeySource(agent, i)).ToList();
            var agentKeys = $"the {usable.Count} key{(usable.Count == 1 ? "" : "s")} of the SSH agent at {socket}";
            if (usable.Count == 0 && file is null)
                throw new HostAccessException(identities.IsEmpty
                    ? $"{target.Name}: the SSH agent at {socket} holds no keys (add one with ssh-add)"
                    : $"{target.Name}: the SSH agent at {socket} holds no key type SSH.NET can use (only {string.Join(", ", identities.Select(i => i.KeyType).Distinct())})");
            return file is null ? new LoginKeys(usable, agentKeys)
                : new LoginKeys([file, .. usable], $"key {target.KeyPath}" + (usable.Count > 0 ? $" and {agentKeys}" : ""));
        }
    }

    private static PrivateKeyFile LoadKey(SshTarget target, string keyPath)
    {
        var passphrase = target.KeyPassphraseEnv is { } env ? Environment.GetEnvironmentVariable(env) : null;
        if (target.KeyPassphraseEnv is { } name && string.IsNullOrEmpty(passphrase))
            throw new HostAccessException($"{target.Name}: key passphrase variable {name} is not set");
        try
        {
            return passphrase is null ? new PrivateKeyFile(keyPath) : new PrivateKeyFile(keyPath, passphrase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"{target.Name}: cannot read key {keyPath} ({Files.LocalFiles.Describe(e)})");
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new HostAccessException($"{target.Name}: key {keyPath} is encrypted; name the variable holding its passphrase in key_passphrase_env");
        }
        catch (Exception e) when (e is SshException or ArgumentException or FormatException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            // SSH.NET's messages name the format problem, never the passphrase.
            throw new HostAccessException($"{target.Name}: cannot load key {keyPath}: {OneLine(e.Message)}");
        }
    }

    private static KnownHosts LoadKnownHosts(SshTarget target)
    {
        try
        {
            return KnownHosts.Load(target.KnownHostsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HostAccessException($"{target.Name}: cannot read known_hosts {target.KnownHostsPath} ({Files.LocalFiles.Describe(e)})");
        }
    }

    private static bool IsConnectionRefused(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return true;
        return false;
    }

    private static string Describe(SshTarget target, LoginKeys keys, Exception e, int attempts) => e switch
    {
        _ when IsConnectionRefused(e) => $"{target.Display}: connection refused ({attempts} attempts)",
        _ when AgentFailure(e) is { } agent => $"{target.Display}: {agent.Message}",
        SshAuthenticationException => $"{target.Display}: the server refused {keys.Offered}",
        SshOperationTimeoutException => $"{target.Display}: no answer within {target.ConnectTimeout.TotalSeconds:0} s",
        OperationCanceledException => $"{target.Display}: no answer within {target.ConnectTimeout.TotalSeconds:0} s",
        SocketException s => $"{target.Display}: cannot connect ({s.SocketErrorCode})",
        _ => $"{target.Display}: SSH connection failed: {OneLine(e.Message)}",
    };

    /// <summary>An agent that failed while signing, wherever SSH.NET wrapped it.</summary>
    private static SshAgentException? AgentFailure(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SshAgentException agent) return agent;
        return e is AggregateException all ? all.InnerExceptions.Select(AgentFailure).FirstOrDefault(a => a is not null) : null;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    /// <summary>Decides on the server's host key during key exchange and remembers why it refused.</summary>
    private sealed class HostKeyVerifier(SshTarget target, KnownHosts knownHosts)
    {
        private byte[]? _newKey;

        public string? Refusal { get; private set; }

        public void OnHostKeyReceived(object? sender, HostKeyEventArgs e)
        {
            var key = e.HostKey;
            var check = knownHosts.Check(target.Address, target.Port, key);
            var what = $"{KnownHosts.KeyTypeOf(key)} {KnownHosts.Fingerprint(key)}";
            var where = KnownHosts.HostToken(target.Address, target.Port);
            switch (check.Verdict)
            {
                case HostKeyVerdict.Trusted:
                    e.CanTrust = true;
                    return;
                case HostKeyVerdict.Unknown when target.InsecureAcceptNew:
                    _newKey = key;
                    e.CanTrust = true;
                    return;
                case HostKeyVerdict.Unknown:
                    Refusal = $"{target.Name}: host key of {where} ({what}) is not in {target.KnownHostsPath}; add it (ssh-keyscan -p {target.Port} {target.Address}) or set insecure_accept_new: true";
                    break;
                case HostKeyVerdict.Mismatch:
                    Refusal = $"{target.Name}: host key of {where} ({what}) does not match {target.KnownHostsPath} line {check.Line}; refusing to connect (possible man-in-the-middle)";
                    break;
                case HostKeyVerdict.Revoked:
                    Refusal = $"{target.Name}: host key of {where} ({what}) is revoked in {target.KnownHostsPath} line {check.Line}";
                    break;
            }
            e.CanTrust = false;
        }

        /// <summary>Trust on first use: append the accepted key so the next connection checks it.</summary>
        public void RememberIfNew()
        {
            if (_newKey is null) return;
            try
            {
                var dir = Path.GetDirectoryName(target.KnownHostsPath);
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                File.AppendAllText(target.KnownHostsPath, KnownHosts.FormatLine(target.Address, target.Port, _newKey) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new HostAccessException($"{target.Name}: accepted a new host key but cannot write {target.KnownHostsPath} ({Files.LocalFiles.Describe(e)})");
            }
        }
    }
}
