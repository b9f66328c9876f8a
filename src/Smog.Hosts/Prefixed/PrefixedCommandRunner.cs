using System.Collections.Immutable;

namespace Smog.Hosts.Prefixed;

/// <summary>
/// A host whose tools and files sit one step away from the login: inside a container
/// (<c>podman exec nova_libvirt</c>, <c>docker exec nova_compute</c>), behind <c>sudo -n</c>, or
/// answered by a shim (lab/allinone.d/simhost.py for simulated lab hosts). Every program runs
/// with <see cref="Prefix"/> in front; absolute paths read and listed resolve under
/// <see cref="FilesRoot"/> (the inventory's <c>command_prefix</c> and <c>files_root</c>).
/// </summary>
public sealed class PrefixedCommandRunner(ICommandRunner inner, ImmutableArray<string> prefix, string? filesRoot) : ICommandRunner, IDisposable
{
    /// <summary>Shells, <c>podman exec</c> and <c>docker exec</c> report a program they cannot find with this exit code.</summary>
    public const int NotInstalledExitCode = 127;

    public ImmutableArray<string> Prefix { get; } = prefix;
    public string? FilesRoot { get; } = filesRoot is null ? null : filesRoot.TrimEnd('/');

    public string HostName => inner.HostName;

    public bool IsRemote => inner.IsRemote;

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        // The batched sysfs dump is a file read done by a shell: like ReadFile it skips the
        // prefix and reads under the files root.
        if (IsSysfsDump(program, arguments))
            return await inner.RunAsync(program, [.. arguments.Take(3), Map(arguments[3])], cancellationToken);
        // So are the journaled editor's file scripts when the host has a files root: they read and
        // write the files ReadFileAsync reads.
        if (FilesRoot is not null && FileScriptPaths(program, arguments) is { } paths)
            return await inner.RunAsync(program, [.. arguments.Take(3), .. arguments.Skip(3).Select((a, i) => i < paths ? Map(a) : a)], cancellationToken);
        if (Prefix.IsEmpty) return await inner.RunAsync(program, arguments, cancellationToken);
        var result = await inner.RunAsync(Prefix[0], [.. Prefix.Skip(1), program, .. arguments], cancellationToken)
            ?? throw new HostAccessException($"{HostName}: command_prefix program '{Prefix[0]}' is not installed");
        // 127 with nothing printed is "no such program" behind the prefix; a tool that prints and exits 127 still answered.
        return result.ExitCode == NotInstalledExitCode && result.StandardOutput.Length == 0 ? null : result;
    }

    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        inner.ReadFileAsync(Map(path), cancellationToken);

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        inner.ListDirectoryAsync(Map(path), cancellationToken);

    private static int? FileScriptPaths(string program, IReadOnlyList<string> arguments) =>
        program == "sh" && arguments.Count >= 3 && arguments[0] == "-c" && arguments[2] == Editing.HostFiles.ScriptName
            ? Editing.HostFiles.PathArguments(arguments[1]) : null;

    private static bool IsSysfsDump(string program, IReadOnlyList<string> arguments) =>
        program == "sh" && arguments.Count == 4 && arguments[0] == "-c" && arguments[1] == SysfsTreeDump.Script && arguments[2] == "sh";

    /// <summary>The path under <see cref="FilesRoot"/>; relative paths and a runner without a root keep the path as given.</summary>
    public string Map(string path) =>
        FilesRoot is { } root && path.StartsWith('/') ? (root.Length == 0 ? path : root + path) : path;

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
