using System.Collections.Immutable;
using System.Text.Json;

namespace Smog.Suite.Ledger;

/// <summary>A resource a ledger names and that may still exist: created and not deleted, or intended and never confirmed.</summary>
public sealed record Leftover(ResourceKind Kind, string Name, string? Id, string? Host)
{
    /// <summary>True when only the intent was written: the create may or may not have happened.</summary>
    public bool Unconfirmed => Id is null;

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Name}" + (Host is null ? "" : $" on {Host}") + (Id is null ? " (intent only)" : $" ({Id})");
}

/// <summary>A ledger as read back: its run, the clouds it used, and what may be left.</summary>
public sealed record LedgerState(RunId Run, string Path, string? AdminCloud, string? BootCloud, DateTimeOffset? StartedAt, ImmutableArray<Leftover> Leftovers, int Lines);

/// <summary>
/// Reads a run ledger. A torn last line (the run was killed mid-write) is ignored; any other
/// unreadable line is an error naming file and line, since guessing could delete the wrong thing.
/// </summary>
public static class LedgerReader
{
    public static LedgerState Read(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (!RunId.TryParse(name, out var run)) throw new LedgerException($"{path}: not a run ledger (the name is not a run id)");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LedgerException($"{path}: {Hosts.Files.LocalFiles.Describe(e)}");
        }
        string? admin = null, boot = null;
        DateTimeOffset? started = null;
        // Keyed by kind, name and host: the last word on each resource wins.
        var state = new Dictionary<(ResourceKind, string, string?), Leftover?>();
        var order = new List<(ResourceKind, string, string?)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            LedgerEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(lines[i], LedgerJsonContext.Default.LedgerEntry);
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                break;
            }
            catch (JsonException)
            {
                throw new LedgerException($"{path}:{i + 1}: not a ledger line");
            }
            if (entry is null) continue;
            if (entry.Op == LedgerEntry.RunOp)
            {
                (admin, boot, started) = (entry.AdminCloud, entry.BootCloud, entry.At);
                continue;
            }
            if (entry.Kind is not { } kind || entry.Name is not { } resource) throw new LedgerException($"{path}:{i + 1}: a ledger line without kind or name");
            var key = (kind, resource, entry.Host);
            if (!state.ContainsKey(key)) order.Add(key);
            state[key] = entry.Op switch
            {
                LedgerEntry.IntentOp => state.GetValueOrDefault(key) ?? new Leftover(kind, resource, null, entry.Host),
                LedgerEntry.CreatedOp => new Leftover(kind, resource, entry.Id, entry.Host),
                LedgerEntry.DeletedOp => null,
                _ => throw new LedgerException($"{path}:{i + 1}: unknown op '{entry.Op}'"),
            };
        }
        return new LedgerState(run, path, admin, boot, started, [.. order.Select(k => state[k]).OfType<Leftover>()], lines.Length);
    }

    /// <summary>Every ledger in a state directory, newest first; an unreadable one is reported, not skipped silently.</summary>
    public static ImmutableArray<(string Path, LedgerState? State, string? Error)> ReadAll(string stateDirectory)
    {
        if (!Directory.Exists(stateDirectory)) return [];
        return [.. Directory.EnumerateFiles(stateDirectory, "smog-*.jsonl").Order(StringComparer.Ordinal).Reverse().Select(path =>
        {
            try
            {
                return (path, (LedgerState?)Read(path), (string?)null);
            }
            catch (LedgerException e)
            {
                return (path, null, e.Message);
            }
        })];
    }
}

/// <summary>A ledger that cannot be read or trusted; the message names file and line.</summary>
public sealed class LedgerException(string message) : Exception(message);
