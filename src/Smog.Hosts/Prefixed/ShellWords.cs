using System.Collections.Immutable;
using System.Text;

namespace Smog.Hosts.Prefixed;

/// <summary>
/// Splits one string into words as a POSIX shell would, without expanding anything: blanks
/// separate words, single quotes keep text literally, double quotes keep blanks, a backslash
/// escapes the next character. For inventory values such as <c>podman exec nova_libvirt</c>.
/// </summary>
public static class ShellWords
{
    /// <summary>The words, or null with <paramref name="error"/> set when a quote is left open.</summary>
    public static ImmutableArray<string>? Split(string text, out string? error)
    {
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = null; else word.Append(c);
            }
            else if (c == '\\' && i + 1 < text.Length && (quote is null || text[i + 1] is '"' or '\\' or '$' or '`'))
            {
                word.Append(text[++i]);
                inWord = true;
            }
            else if (quote == '"')
            {
                if (c == '"') quote = null; else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is { } open)
        {
            error = $"a {(open == '\'' ? "single" : "double")} quote is not closed";
            return null;
        }
        if (inWord) words.Add(word.ToString());
        error = null;
        return words.ToImmutable();
    }
}
