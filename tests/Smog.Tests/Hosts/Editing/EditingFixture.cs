using Smog.Hosts;
using Smog.Hosts.Editing;

namespace Smog.Tests.Hosts.Editing;

/// <summary>
/// A scratch directory standing in for a host's file system, and a journal on the "control
/// machine" in a directory of its own. The file names hold spaces and shell metacharacters on
/// purpose: every path goes through a remote shell on a real host.
/// </summary>
internal sealed class EditingFixture : IDisposable
{
    public const string TrickyName = "a b $(touch INJECTED) ; 'q' \"d\" `touch INJECTED2` & *";

    private readonly string _root = Directory.CreateTempSubdirectory("smog-edit-").FullName;

    public EditingFixture()
    {
        HostDir = Path.Combine(_root, "host", TrickyName);
        Directory.CreateDirectory(HostDir);
        Directory.CreateDirectory(Path.Combine(_root, "control"));
        Journal = new FileJournal(Path.Combine(_root, "control", "edits.jsonl"));
        Editor = new JournaledEditor(Journal);
    }

    public string HostDir { get; }
    public FileJournal Journal { get; }
    public JournaledEditor Editor { get; }

    public string HostPath(string name) => Path.Combine(HostDir, name);

    /// <summary>Files a shell that ran a path as code would have created, anywhere we can look.</summary>
    public IEnumerable<string> Injected() =>
        new[] { Environment.CurrentDirectory, HostDir, _root }
            .SelectMany(d => new[] { Path.Combine(d, "INJECTED"), Path.Combine(d, "INJECTED2") })
            .Where(File.Exists);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>
/// A runner that dies like a killed process at a chosen command of an edit (counting from 1),
/// either before the command runs or right after it.
/// </summary>
internal sealed class CrashingRunner(ICommandRunner inner, int crashAt, bool afterRunning) : ICommandRunner
{
    private int _calls;

    public string HostName => inner.HostName;

    public async Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        if (++_calls == crashAt && !afterRunning) throw new SimulatedCrash();
        var result = await inner.RunAsync(program, arguments, cancellationToken);
        if (_calls == crashAt) throw new SimulatedCrash();
        return result;
    }

    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) => inner.ReadFileAsync(path, cancellationToken);

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        inner.ListDirectoryAsync(path, cancellationToken);
}

internal sealed class SimulatedCrash : Exception;
