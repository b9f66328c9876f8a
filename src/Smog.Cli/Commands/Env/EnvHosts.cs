using Smog.Hosts;
using Smog.Hosts.Editing;
using Smog.Suite.Ledger;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// What the <c>smog env</c> verbs share: the inventory, a connected runner named as the
/// inventory names the host (so the journal's host names are the inventory's), and the journal
/// of host edits on this machine.
/// </summary>
internal static class EnvHosts
{
    /// <summary>The journal file in <paramref name="stateDir"/> (default <c>$XDG_STATE_HOME/smog</c>, else <c>~/.local/state/smog</c>).</summary>
    public static string JournalPath(string? stateDir) =>
        Path.Combine(stateDir ?? Path.GetDirectoryName(RunLedger.DefaultStateDirectory)!, "env-journal.jsonl");

    /// <summary>The editor over the journal, its directory created; the test hook wired in when asked for.</summary>
    public static JournaledEditor Editor(string? stateDir, TextWriter stderr)
    {
        var path = JournalPath(stateDir);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot create the journal's directory ({Hosts.Files.LocalFiles.Describe(e)})");
        }
        return new JournaledEditor(new FileJournal(path)) { Checkpoint = TestPause.Hook(stderr) };
    }

    public static HostInventory Inventory(string? path)
    {
        try
        {
            return InventoryParser.Load(path ?? HostInventory.DefaultPath);
        }
        catch (InventoryException e)
        {
            throw new InputException(e.Message);
        }
    }

    public static InventoryHost Find(HostInventory inventory, string name)
    {
        try
        {
            return inventory.Find(name);
        }
        catch (InventoryException e)
        {
            throw new InputException(e.Message);
        }
    }

    /// <summary>A runner for the host whose <see cref="ICommandRunner.HostName"/> is the inventory name; dispose it.</summary>
    public static async Task<NamedRunner> ConnectAsync(InventoryHost host, CancellationToken ct)
    {
        try
        {
            return new NamedRunner(host.Name, await HostInventory.ConnectAsync(host, ct));
        }
        catch (HostAccessException e)
        {
            throw new InputException(e.Message);
        }
    }
}

/// <summary>A runner that answers to the inventory's name for the host (the local runner would say the machine name).</summary>
internal sealed class NamedRunner(string name, ICommandRunner inner) : ICommandRunner, IDisposable
{
    public ICommandRunner Inner => inner;
    public string HostName => name;
    public bool IsRemote => inner.IsRemote;

    public Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        inner.RunAsync(program, arguments, cancellationToken);

    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) => inner.ReadFileAsync(path, cancellationToken);

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        inner.ListDirectoryAsync(path, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>
/// A test hook, documented in the README: with <c>SMOG_TEST_PAUSE_AT=journaled</c> (entry written,
/// host file untouched) or <c>written</c> (host file replaced, entry still pending), the edit
/// stops there: it creates the file <c>SMOG_TEST_PAUSE_MARKER</c> names, if any, and waits forever,
/// so a test can kill the real process at that point and check that <c>smog env restore</c> recovers.
/// </summary>
internal static class TestPause
{
    public static Func<EditStep, JournalEntry, Task>? Hook(TextWriter stderr)
    {
        var at = Environment.GetEnvironmentVariable("SMOG_TEST_PAUSE_AT");
        if (string.IsNullOrEmpty(at)) return null;
        var marker = Environment.GetEnvironmentVariable("SMOG_TEST_PAUSE_MARKER");
        return async (step, entry) =>
        {
            if (!string.Equals(step.ToString(), at, StringComparison.OrdinalIgnoreCase)) return;
            stderr.WriteLine($"smog: test pause: {entry.Where} {at.ToLowerInvariant()}; waiting to be killed");
            stderr.Flush();
            if (!string.IsNullOrEmpty(marker)) await File.WriteAllTextAsync(marker, entry.Id);
            await Task.Delay(Timeout.InfiniteTimeSpan);
        };
    }
}
