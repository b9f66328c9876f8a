using System.Text;

namespace Smog.Cli.Commands.Xml;

/// <summary>Writes a file so that readers see the old content or the new, never half of it.</summary>
internal static class AtomicFile
{
    /// <summary>Writes a temporary file beside <paramref name="path"/>, flushes it, then renames it over the target.</summary>
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new InputException($"{path}: cannot write ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)})");
        }
    }
}
