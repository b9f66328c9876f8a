using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Smog.Hosts.Ssh;

/// <summary>What a known_hosts file says about the key a server offered.</summary>
public enum HostKeyVerdict
{
    /// <summary>A line for this host lists exactly this key.</summary>
    Trusted,
    /// <summary>No line for this host has a key of this type.</summary>
    Unknown,
    /// <summary>Lines for this host list other keys of the same type: possibly a man in the middle.</summary>
    Mismatch,
    /// <summary>The key is marked <c>@revoked</c>.</summary>
    Revoked,
}

/// <summary>The verdict and the line that decided it (null for <see cref="HostKeyVerdict.Unknown"/>).</summary>
public sealed record HostKeyCheck(HostKeyVerdict Verdict, int? Line);

/// <summary>One key line: host patterns (or a hashed name), the key type and the key blob.</summary>
public sealed record KnownHostEntry(int Line, bool Revoked, ImmutableArray<string> Patterns, string? HashedName, string KeyType, ImmutableArray<byte> Key);

/// <summary>
/// An OpenSSH known_hosts file (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain host patterns
/// with <c>*</c>, <c>?</c> and <c>!</c> negation, <c>[host]:port</c> for ports other than 22,
/// hashed names (<c>|1|salt|HMAC-SHA1</c>, from <c>ssh-keygen -H</c>) and <c>@revoked</c>.
/// <c>@cert-authority</c> lines are ignored (no certificate support). Like ssh, lines it cannot
/// read are skipped rather than fatal.
/// </summary>
public sealed class KnownHosts
{
    private const string HashMagic = "|1|";

    public ImmutableArray<KnownHostEntry> Entries { get; }

    private KnownHosts(ImmutableArray<KnownHostEntry> entries) => Entries = entries;

    public static KnownHosts Parse(string text)
    {
        var entries = ImmutableArray.CreateBuilder<KnownHostEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (ParseLine(lines[i], i + 1) is { } entry) entries.Add(entry);
        return new KnownHosts(entries.ToImmutable());
    }

    /// <summary>Reads <paramref name="path"/>; a missing file knows no hosts.</summary>
    public static KnownHosts Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : Parse("");

    /// <summary>The name ssh looks up: the bare host on port 22, else <c>[host]:port</c>.</summary>
    public static string HostToken(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>A plain (unhashed) line for the file, as <c>ssh-keyscan</c> writes it.</summary>
    public static string FormatLine(string host, int port, ReadOnlySpan<byte> key) =>
        $"{HostToken(host, port)} {KeyTypeOf(key)} {Convert.ToBase64String(key)}";

    /// <summary>OpenSSH's fingerprint form: <c>SHA256:</c> and unpadded base64 of the blob's SHA-256.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    /// <summary>The algorithm name at the start of an SSH public key blob (RFC 4253 §6.6), "" when malformed.</summary>
    public static string KeyTypeOf(ReadOnlySpan<byte> key)
    {
        if (key.Length < 4) return "";
        var length = BinaryPrimitives.ReadUInt32BigEndian(key);
        return length <= (uint)(key.Length - 4) ? Encoding.ASCII.GetString(key.Slice(4, (int)length)) : "";
    }

    /// <summary>
    /// Mirrors ssh's check_host_in_hostfile: a revoked key loses; an exact key match wins; a
    /// listed key of the same type that differs is a mismatch; otherwise the host is unknown.
    /// </summary>
    public HostKeyCheck Check(string host, int port, ReadOnlySpan<byte> key)
    {
        var token = HostToken(host, port);
        var type = KeyTypeOf(key);
        HostKeyCheck? trusted = null, mismatch = null;
        foreach (var entry in Entries)
        {
            if (!Matches(entry, token)) continue;
            var same = entry.Key.AsSpan().SequenceEqual(key);
            if (entry.Revoked)
            {
                if (same) return new HostKeyCheck(HostKeyVerdict.Revoked, entry.Line);
                continue;
            }
            if (same) trusted ??= new HostKeyCheck(HostKeyVerdict.Trusted, entry.Line);
            else if (entry.KeyType == type) mismatch ??= new HostKeyCheck(HostKeyVerdict.Mismatch, entry.Line);
        }
        return trusted ?? mismatch ?? new HostKeyCheck(HostKeyVerdict.Unknown, null);
    }

    private static KnownHostEntry? ParseLine(string raw, int lineNumber)
    {
        var fields = raw.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#')) return null;
        var revoked = false;
        if (fields[0].StartsWith('@'))
        {
            if (fields[0] != "@revoked") return null; // @cert-authority: no certificate support
            revoked = true;
            fields = fields[1..];
        }
        if (fields.Length < 3) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(fields[2]);
        }
        catch (FormatException)
        {
            return null;
        }
        var hosts = fields[0];
        return hosts.StartsWith(HashMagic, StringComparison.Ordinal)
            ? new KnownHostEntry(lineNumber, revoked, [], hosts, fields[1], [.. key])
            : new KnownHostEntry(lineNumber, revoked, [.. hosts.Split(',', StringSplitOptions.RemoveEmptyEntries)], null, fields[1], [.. key]);
    }

    private static bool Matches(KnownHostEntry entry, string token) =>
        entry.HashedName is { } hashed ? HashedMatches(hashed, token) : PatternsMatch(entry.Patterns, token);

    // "|1|" base64(salt) "|" base64(HMAC-SHA1(key: salt, message: host token)).
    private static bool HashedMatches(string hashed, string token)
    {
        var parts = hashed[HashMagic.Length..].Split('|');
        if (parts.Length != 2) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[0]);
            var expected = Convert.FromBase64String(parts[1]);
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(token)), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // A negated pattern that matches vetoes the line; otherwise any positive match is enough.
    private static bool PatternsMatch(ImmutableArray<string> patterns, string token)
    {
        var matched = false;
        foreach (var pattern in patterns)
        {
            var negated = pattern.StartsWith('!');
            if (!Glob(negated ? pattern[1..] : pattern, token)) continue;
            if (negated) return false;
            matched = true;
        }
        return matched;
    }

    /// <summary>ssh's match_pattern: <c>*</c> any run, <c>?</c> one character, case-insensitive.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty) return text.IsEmpty;
            if (pattern[0] == '*')
            {
                var rest = pattern[1..];
                for (var i = 0; i <= text.Length; i++)
                    if (Glob(rest, text[i..])) return true;
                return false;
            }
            if (text.IsEmpty) return false;
            if (pattern[0] != '?' && char.ToLowerInvariant(pattern[0]) != char.ToLowerInvariant(text[0])) return false;
            pattern = pattern[1..];
            text = text[1..];
        }
    }
}
