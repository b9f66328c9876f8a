using System.Text;
using System.Text.Json;

namespace Smog.Suite.Ledger;

/// <summary>
/// The append-only ledger of one run, <c>STATE_DIR/RUN_ID.jsonl</c>. Every line is written and
/// flushed to disk before the call returns, so a run killed at any point leaves a ledger that
/// names everything it may have created (an intent without its <c>created</c> line means the
/// create may or may not have happened; cleanup then looks the name up).
/// </summary>
public sealed class RunLedger : IDisposable
{
    private readonly FileStream file;
    private readonly Lock gate = new();
    private readonly TimeProvider time;

    private RunLedger(RunId run, string path, FileStream file, TimeProvider time) => (Run, Path, this.file, this.time) = (run, path, file, time);

    public RunId Run { get; }
    public string Path { get; }

    /// <summary>Where ledgers live by default: <c>$XDG_STATE_HOME/smog/runs</c>, else <c>~/.local/state/smog/runs</c>.</summary>
    public static string DefaultStateDirectory =>
        Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? System.IO.Path.Combine(xdg, "smog", "runs")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "smog", "runs");

    public static string PathOf(string stateDirectory, RunId run) => System.IO.Path.Combine(stateDirectory, run.Value + ".jsonl");

    /// <summary>Creates the run's ledger (and the state directory) and writes its <c>run</c> line.</summary>
    public static RunLedger Create(string stateDirectory, RunId run, string adminCloud, string bootCloud, TimeProvider? time = null)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathOf(stateDirectory, run);
        var ledger = new RunLedger(run, path, new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), time ?? TimeProvider.System);
        ledger.Append(new LedgerEntry { At = ledger.Now, Op = LedgerEntry.RunOp, Run = run.Value, AdminCloud = adminCloud, BootCloud = bootCloud });
        return ledger;
    }

    /// <summary>Opens an existing ledger to append (cleanup records what it deleted).</summary>
    public static RunLedger Append(string path, RunId run, TimeProvider? time = null) =>
        new(run, path, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), time ?? TimeProvider.System);

    /// <summary>Before the create call: this name is about to exist.</summary>
    public void Intent(ResourceKind kind, string name, string? host = null) => Write(LedgerEntry.IntentOp, kind, name, null, host);

    public void Created(ResourceKind kind, string name, string id, string? host = null) => Write(LedgerEntry.CreatedOp, kind, name, id, host);

    public void Deleted(ResourceKind kind, string name, string? id, string? host = null) => Write(LedgerEntry.DeletedOp, kind, name, id, host);

    private DateTimeOffset Now => time.GetUtcNow();

    private void Write(string op, ResourceKind kind, string name, string? id, string? host)
    {
        if (!Run.Owns(name)) throw new InvalidOperationException($"{name} does not carry the run id {Run}");
        Append(new LedgerEntry { At = Now, Op = op, Kind = kind, Name = name, Id = id, Host = host });
    }

    private void Append(LedgerEntry entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, LedgerJsonContext.Default.LedgerEntry) + "\n");
        lock (gate)
        {
            file.Write(line);
            file.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => file.Dispose();
}
