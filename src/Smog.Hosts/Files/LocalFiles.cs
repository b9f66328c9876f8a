using System.Text;
using Smog.Topology;

namespace Smog.Hosts.Files;

/// <summary>
/// The one place Smog reads and writes the user's local files. Every fault becomes a
/// <see cref="ParseError"/> with the same wording whichever verb hit it: "PATH: no such file",
/// "PATH: is a directory, expected a file", "PATH: permission denied", "PATH: the file is empty".
/// </summary>
public static class LocalFiles
{
    /// <summary>The whole text of a file; an empty (or whitespace-only) file is an error unless <paramref name="allowEmpty"/>.</summary>
    public static Parsed<string> ReadText(string path, bool allowEmpty = false)
    {
        if (Directory.Exists(path)) return Fail(path, "is a directory, expected a file");
        try
        {
            var text = File.ReadAllText(path);
            return !allowEmpty && string.IsNullOrWhiteSpace(text) ? Fail(path, "the file is empty") : Parsed<string>.Ok(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var why = Describe(e);
            return Fail(path, why == IoError ? "cannot read" : why);
        }
    }

    /// <summary>
    /// Writes so that readers see the old content or the new, never half of it: a temporary file
    /// beside the target, flushed, then renamed over it. The error names the path and the cause.
    /// </summary>
    public static ParseError? WriteAtomically(string path, string text)
    {
        if (CheckWritable(path) is { } unusable) return unusable;
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return Error(path, $"cannot write ({Describe(e)})");
        }
    }

    /// <summary>
    /// Whether <see cref="WriteAtomically"/> could write there (a usable path, not a directory, in a
    /// directory that exists), with the same wording; for verbs that check outputs before long work.
    /// </summary>
    public static ParseError? CheckWritable(string path)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return Error(path, "not a usable path"); }
        if (Directory.Exists(full)) return Error(path, "is a directory, expected a file");
        var directory = Path.GetDirectoryName(full);
        return directory is null || !Directory.Exists(directory) ? Error(path, $"cannot write: the directory {directory} does not exist") : null;
    }

    private const string IoError = "an I/O error";

    /// <summary>
    /// A short, stable description of an I/O fault (never .NET's type names), for either direction:
    /// callers say whether they were reading or writing ("cannot write (no space left on the device)").
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        IOException io when io.Message.Contains("No space", StringComparison.OrdinalIgnoreCase) => "no space left on the device",
        _ => IoError,
    };

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { } // best effort: the temporary file may never have been created
        catch (UnauthorizedAccessException) { }
    }

    private static Parsed<string> Fail(string path, string what) => Parsed<string>.Fail(Error(path, what));

    private static ParseError Error(string path, string what) => ParseError.Fault(path, null, what);
}
