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

    // The batched sysfs dump (SysfsTreeDump) reads real paths in one shell command; under a
    // files_root the loader must go path by path so each read is mapped.
    public bool IsRemote => inner.IsRemote && FilesRoot is null;

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
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

    /// <summary>The path under <see cref="FilesRoot"/>; relative paths and a runner without a root keep the path as given.</summary>
    public string Map(string path) =>
        FilesRoot is { } root && path.StartsWith('/') ? (root.Length == 0 ? path : root + path) : path;

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
