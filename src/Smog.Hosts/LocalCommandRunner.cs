using System.ComponentModel;
using System.Diagnostics;

namespace Smog.Hosts;

/// <summary>Runs programs and reads files on this machine.</summary>
public sealed class LocalCommandRunner(TimeSpan? timeout = null) : ICommandRunner
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    public string HostName => Environment.MachineName;

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (Win32Exception)
        {
            return null; // not on PATH: the caller reports it as a missing tool
        }
        using (process)
        {
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return new CommandResult(process.ExitCode, await stdout, await stderr);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return new CommandResult(-1, "", $"{program} did not finish within {_timeout.TotalSeconds:0} s");
            }
        }
    }

    public async Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<DirectoryEntry> entries;
        try
        {
            entries = new DirectoryInfo(path).EnumerateFileSystemInfos()
                .Select(Entry).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entries = [];
        }
        return Task.FromResult(entries);
    }

    private static DirectoryEntry Entry(FileSystemInfo info) =>
        info.LinkTarget is { } target ? new DirectoryEntry(info.Name, EntryKind.Symlink, target)
        : info is DirectoryInfo ? new DirectoryEntry(info.Name, EntryKind.Directory)
        : new DirectoryEntry(info.Name, EntryKind.File);
}
