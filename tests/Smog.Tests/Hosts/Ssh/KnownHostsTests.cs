using Smog.Hosts.Ssh;

namespace Smog.Tests.Hosts.Ssh;

public class KnownHostsTests
{
    private static byte[] Key(string name) => Convert.FromBase64String(Fixtures.Read($"known_hosts/{name}.pub").Split(' ')[1]);

    private static readonly byte[] A = Key("key_a"), B = Key("key_b"), C = Key("key_c_ecdsa");

    public static TheoryData<string, string, int, string, HostKeyVerdict, int?> PlainRows => new()
    {
        { "a non-default port is looked up as [host]:port", "127.0.0.1", 2222, "key_a", HostKeyVerdict.Trusted, 2 },
        { "the same address on port 22 is another host", "127.0.0.1", 22, "key_a", HostKeyVerdict.Unknown, null },
        { "another key of the listed type is a mismatch", "127.0.0.1", 2222, "key_b", HostKeyVerdict.Mismatch, 2 },
        { "a key of a type not listed for the host is unknown", "127.0.0.1", 2222, "key_c_ecdsa", HostKeyVerdict.Unknown, null },
        { "port 22 uses the bare address", "10.0.0.5", 22, "key_b", HostKeyVerdict.Trusted, 3 },
        { "wildcards match", "compute-3.example", 22, "key_a", HostKeyVerdict.Trusted, 4 },
        { "host patterns ignore case", "COMPUTE-3.Example", 22, "key_a", HostKeyVerdict.Trusted, 4 },
        { "a negated pattern vetoes its line", "compute-9.example", 22, "key_a", HostKeyVerdict.Unknown, null },
        { "@revoked beats a line trusting the same key", "10.0.0.6", 2200, "key_a", HostKeyVerdict.Revoked, 6 },
        { "ecdsa lines work like ed25519 ones", "10.0.0.7", 22, "key_c_ecdsa", HostKeyVerdict.Trusted, 8 },
        { "@cert-authority lines are not host keys", "x.example", 22, "key_b", HostKeyVerdict.Unknown, null },
        { "a line with a broken key is skipped", "10.0.0.8", 22, "key_a", HostKeyVerdict.Unknown, null },
        { "an address listed nowhere is unknown", "192.0.2.1", 22, "key_a", HostKeyVerdict.Unknown, null },
    };

    [Theory]
    [MemberData(nameof(PlainRows))]
    public void Plain_entries(string description, string host, int port, string key, HostKeyVerdict verdict, int? line)
    {
        _ = description;
        var check = KnownHosts.Parse(Fixtures.Read("known_hosts/plain")).Check(host, port, Key(key));
        Assert.Equal(new HostKeyCheck(verdict, line), check);
    }

    public static TheoryData<string, string, int, string, HostKeyVerdict> HashedRows => new()
    {
        { "hashed [host]:port entry", "127.0.0.1", 2222, "key_a", HostKeyVerdict.Trusted },
        { "hashed entry with another key of its type", "127.0.0.1", 2222, "key_b", HostKeyVerdict.Mismatch },
        { "hashed entry for port 22", "10.0.0.5", 22, "key_b", HostKeyVerdict.Trusted },
        { "the hash covers the port", "10.0.0.6", 22, "key_a", HostKeyVerdict.Unknown },
        { "hashed entry on another port", "10.0.0.6", 2200, "key_a", HostKeyVerdict.Trusted },
        { "wildcard line left unhashed by ssh-keygen -H", "compute-1.example", 22, "key_a", HostKeyVerdict.Trusted },
    };

    [Theory]
    [MemberData(nameof(HashedRows))]
    public void Hashed_entries_from_ssh_keygen(string description, string host, int port, string key, HostKeyVerdict verdict)
    {
        _ = description;
        Assert.Equal(verdict, KnownHosts.Parse(Fixtures.Read("known_hosts/hashed")).Check(host, port, Key(key)).Verdict);
    }

    [Fact]
    public void Fingerprints_match_ssh_keygen()
    {
        Assert.Equal("SHA256:4JjFqy3t4oncKPzMGdAas3JzoM/PDdJB7wYbnxmZLbk", KnownHosts.Fingerprint(A));
        Assert.Equal("SHA256:+l5AQYXTmAyL6Uedo9WNv4JuVrSuvierIj7GY170c6Q", KnownHosts.Fingerprint(C));
    }

    [Fact]
    public void Key_type_is_read_from_the_blob()
    {
        Assert.Equal("ssh-ed25519", KnownHosts.KeyTypeOf(B));
        Assert.Equal("ecdsa-sha2-nistp256", KnownHosts.KeyTypeOf(C));
        Assert.Equal("", KnownHosts.KeyTypeOf([0, 0, 0, 9, 1]));
    }

    [Fact]
    public void A_written_line_is_read_back_as_trusting_that_key_only()
    {
        var line = KnownHosts.FormatLine("127.0.0.1", 2222, A);
        Assert.Equal("[127.0.0.1]:2222 " + string.Join(' ', Fixtures.Read("known_hosts/key_a.pub").Split(' ')[..2]), line);
        var file = KnownHosts.Parse(line + "\n");
        Assert.Equal(HostKeyVerdict.Trusted, file.Check("127.0.0.1", 2222, A).Verdict);
        Assert.Equal(HostKeyVerdict.Mismatch, file.Check("127.0.0.1", 2222, B).Verdict);
    }

    [Fact]
    public void A_missing_file_knows_no_hosts()
    {
        var file = KnownHosts.Load(Path.Combine(Path.GetTempPath(), "smog-no-such-dir", "known_hosts"));
        Assert.Equal(HostKeyVerdict.Unknown, file.Check("127.0.0.1", 22, A).Verdict);
    }

    public static TheoryData<string, string, string, bool> GlobRows => new()
    {
        { "star matches any run", "compute-*", "compute-12", true },
        { "star matches nothing too", "compute-*", "compute-", true },
        { "question mark is one character", "node?", "node1", true },
        { "question mark is not zero characters", "node?", "node", false },
        { "brackets are literal", "[10.0.0.*]:22", "[10.0.0.4]:22", true },
        { "text after the star must still match", "*.example", "host.example.org", false },
    };

    [Theory]
    [MemberData(nameof(GlobRows))]
    public void Glob_follows_ssh_match_pattern(string description, string pattern, string text, bool matches)
    {
        _ = description;
        Assert.Equal(matches, KnownHosts.Glob(pattern, text));
    }
}
