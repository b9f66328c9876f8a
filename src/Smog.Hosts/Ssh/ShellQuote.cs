namespace Smog.Hosts.Ssh;

/// <summary>
/// Quotes words for the POSIX shell that sshd runs a command line with: an SSH "exec"
/// request carries one string, so arguments must survive the remote shell's word splitting.
/// </summary>
public static class ShellQuote
{
    /// <summary>One word in single quotes; an embedded quote becomes <c>'\''</c>. Plain safe words stay bare.</summary>
    public static string Word(string word) =>
        word.Length > 0 && word.All(IsSafe) ? word : "'" + word.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Word));

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',' or '+' or '@';
}
