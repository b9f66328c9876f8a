namespace Smog.Hosts;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first non-blank line of stderr (or stdout), for one-line notes.</summary>
    public string FirstErrorLine =>
        (StandardError + "\n" + StandardOutput).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? $"exit code {ExitCode}";
}

public enum EntryKind
{
    File,
    Directory,
    Symlink,
}

/// <summary>One name in a directory; <see cref="LinkTarget"/> is the link text as readlink gives it.</summary>
public sealed record DirectoryEntry(string Name, EntryKind Kind, string? LinkTarget = null);

/// <summary>
/// The one door to a machine: run a program, read a file, list a directory. The local runner
/// uses processes and the file system; an SSH runner implements the same three calls remotely,
/// so discovery and the sysfs loader work unchanged against any host.
/// </summary>
public interface ICommandRunner
{
    /// <summary>A name for messages ("localhost", "compute-1").</summary>
    string HostName { get; }

    /// <summary>True when every call is a network round trip, so callers should batch reads (see <see cref="SysfsTreeDump"/>).</summary>
    bool IsRemote => false;

    /// <summary>Runs <paramref name="program"/> with arguments (no shell); null when the program is not installed.</summary>
    Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);

    /// <summary>The file's text, or null when it is missing or unreadable (sysfs attributes may refuse reads).</summary>
    Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>The directory's entries sorted by name (following a symlinked directory); empty when missing.</summary>
    Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default);
}
