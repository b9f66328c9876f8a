using CsCheck;
using Smog.Hosts;
using Smog.Hosts.Ssh;

namespace Smog.Tests.Hosts.Ssh;

public class ShellQuoteTests
{
    public static TheoryData<string, string, string> Rows => new()
    {
        { "a plain word stays bare", "numactl", "numactl" },
        { "an empty word is two quotes", "", "''" },
        { "spaces are quoted", "a b", "'a b'" },
        { "a single quote is closed, escaped and reopened", "it's", @"'it'\''s'" },
        { "dollar and backtick lose their meaning", "$HOME`id`", "'$HOME`id`'" },
        { "a libvirt URI stays bare", "qemu:///system", "qemu:///system" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Quoting(string description, string word, string quoted)
    {
        _ = description;
        Assert.Equal(quoted, ShellQuote.Word(word));
    }

    [Fact]
    public void A_real_sh_reads_every_quoted_word_back_unchanged()
    {
        // Words of any printable or control character except NUL (which argv cannot hold).
        var word = Gen.String[Gen.Char[(char)1, (char)0x7f], 0, 12];
        var runner = new LocalCommandRunner();
        Property.ForAll(word.Array[1, 4], words =>
        {
            var result = runner.RunAsync("sh", ["-c", "printf '%s\\0' " + ShellQuote.Join(words)]).GetAwaiter().GetResult()!;
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(words, result.StandardOutput.Split('\0')[..^1]);
        }, iter: 150);
    }
}
