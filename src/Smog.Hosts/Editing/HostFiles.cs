namespace Smog.Hosts.Editing;

/// <summary>A file on a host as one read saw it: absent, or its bytes with mode and owner.</summary>
public sealed record HostFile(bool Exists, byte[] Content, string? Mode, string? Owner)
{
    public static readonly HostFile Absent = new(false, [], null, null);
}

/// <summary>
/// Reads, replaces and removes whole files on a host through <see cref="ICommandRunner"/>, so the
/// same code serves this machine and SSH hosts. Each operation is one POSIX <c>sh -c</c> script
/// whose paths and data arrive as positional parameters (<c>"$1"</c>), never spliced into the
/// script, so spaces and shell metacharacters in paths are plain characters. Content travels as
/// base64 (byte for byte, whatever the encoding); it is written in chunks because one argument of
/// a command line is limited to 128 KiB on Linux. Needs <c>sh</c>, <c>stat -c</c>, <c>base64</c>,
/// <c>chmod</c>, <c>chown</c>, <c>mv</c> (coreutils or BusyBox).
/// </summary>
public static class HostFiles
{
    /// <summary>Bytes per write command: 48 KiB is 64 KiB of base64, half the argument limit.</summary>
    internal const int ChunkBytes = 48 * 1024;

    // Prints "absent", or "MODE UID:GID" and then the content in base64. Symlinks are refused:
    // replacing one would swap the link for a plain file.
    private const string ReadScript =
        """
        if [ -L "$1" ]; then echo "is a symbolic link; edit its target instead" >&2; exit 3; fi
        if [ ! -e "$1" ]; then echo absent; exit 0; fi
        if [ ! -f "$1" ]; then echo "is not a regular file" >&2; exit 3; fi
        stat -c '%a %u:%g' -- "$1" && base64 < "$1"
        """;

    private const string StartScript = """umask 077 && printf '%s' "$2" | base64 -d > "$1" """;
    private const string AppendScript = """printf '%s' "$2" | base64 -d >> "$1" """;

    // chown may fail for a non-root user writing a file it owns already; that keeps its owner.
    private const string FinishScript =
        """
        chmod "$3" "$1" && { [ -z "$4" ] || chown "$4" "$1" 2>/dev/null || [ "$(id -u)" != 0 ] || { echo "cannot give it owner $4" >&2; false; }; } && mv -f -- "$1" "$2"
        """;

    // Kernel attributes are written where they are, in one write(2) of the whole value.
    private const string InPlaceScript = """printf '%s' "$2" | base64 -d > "$1" """;

    private const string RemoveScript = """rm -f -- "$1" """;

    public static async Task<HostFile> ReadAsync(ICommandRunner host, string path, CancellationToken cancellationToken = default)
    {
        var output = await RunAsync(host, ReadScript, [path], path, cancellationToken);
        var newline = output.IndexOf('\n');
        var header = newline < 0 ? output.Trim() : output[..newline].Trim();
        if (header == "absent") return HostFile.Absent;
        var fields = header.Split(' ');
        if (fields.Length != 2) throw new HostAccessException($"{host.HostName}:{path}: unexpected stat output '{header}'");
        var base64 = newline < 0 ? "" : string.Concat(output[(newline + 1)..].Where(c => !char.IsWhiteSpace(c)));
        return new HostFile(true, Convert.FromBase64String(base64), fields[0], fields[1]);
    }

    /// <summary>
    /// Replaces (or creates) <paramref name="path"/> so readers see the old file or the new one:
    /// the content goes to <paramref name="tempPath"/> (same directory), gets the mode and owner,
    /// then is renamed over the target.
    /// </summary>
    public static async Task WriteAtomicallyAsync(ICommandRunner host, string path, string tempPath, byte[] content,
        string mode, string? owner, CancellationToken cancellationToken = default)
    {
        var offset = 0;
        do
        {
            var length = Math.Min(ChunkBytes, content.Length - offset);
            var chunk = Convert.ToBase64String(content, offset, length);
            await RunAsync(host, offset == 0 ? StartScript : AppendScript, [tempPath, chunk], path, cancellationToken);
            offset += length;
        }
        while (offset < content.Length);
        await RunAsync(host, FinishScript, [tempPath, path, mode, owner ?? ""], path, cancellationToken);
    }

    /// <summary>Writes <paramref name="content"/> into the existing file itself (sysfs, procfs), no temporary file.</summary>
    public static Task WriteInPlaceAsync(ICommandRunner host, string path, byte[] content, CancellationToken cancellationToken = default) =>
        RunAsync(host, InPlaceScript, [path, Convert.ToBase64String(content)], path, cancellationToken);

    /// <summary>Removes the file if it is there.</summary>
    public static Task RemoveAsync(ICommandRunner host, string path, CancellationToken cancellationToken = default) =>
        RunAsync(host, RemoveScript, [path], path, cancellationToken);

    /// <summary>The directory part of an absolute POSIX path, and the temporary name Smog uses beside it.</summary>
    public static string TempPathFor(string path, string id)
    {
        var slash = path.LastIndexOf('/');
        return $"{path[..(slash + 1)]}.{path[(slash + 1)..]}.smog-{id}.tmp";
    }

    /// <summary>
    /// How many leading arguments of one of these file scripts are paths on the host (null: not
    /// a file script). A prefixed host with a files root runs them without its prefix, on paths
    /// under its root, as it reads files (<see cref="Prefixed.PrefixedCommandRunner"/>).
    /// </summary>
    public static int? PathArguments(string script) => script switch
    {
        ReadScript or StartScript or AppendScript or InPlaceScript or RemoveScript => 1,
        FinishScript => 2,
        _ => null,
    };

    /// <summary>The name the scripts run under (<c>$0</c>).</summary>
    public const string ScriptName = "smog";

    private static async Task<string> RunAsync(ICommandRunner host, string script, IReadOnlyList<string> args, string path, CancellationToken cancellationToken)
    {
        var result = await host.RunAsync("sh", ["-c", script, ScriptName, .. args], cancellationToken)
            ?? throw new HostAccessException($"{host.HostName}: sh is not installed");
        return result.Succeeded ? result.StandardOutput
            : throw new HostAccessException($"{host.HostName}:{path}: {result.FirstErrorLine}");
    }
}
