using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Smog.Hosts.Editing;

/// <summary>Where an edit stands when <see cref="JournaledEditor.Checkpoint"/> is called.</summary>
public enum EditStep
{
    Journaled,
    Written,
}

/// <summary>What a restore did: the files put back, and one line per file it would not touch.</summary>
public sealed record RestoreResult(ImmutableArray<string> Restored, ImmutableArray<string> Refused)
{
    public bool Complete => Refused.IsEmpty;
}

/// <summary>
/// Edits files on hosts so that every edit can be undone: before a file changes, its old content
/// (or its absence), mode and owner go into the <see cref="FileJournal"/>; then the new content
/// replaces it atomically; then the entry is marked applied. <see cref="RestoreAsync"/> walks a
/// host's entries newest first and puts each file back byte for byte.
/// </summary>
/// <remarks>
/// A crash can leave an entry pending with the file still old, already new, or a half-written
/// temporary file beside it; restore handles all three. A file whose content is neither ours nor
/// the original was changed by someone else: restore refuses it (and that file's older entries)
/// unless forced. Restoring twice does nothing the second time.
/// </remarks>
public sealed class JournaledEditor(FileJournal journal, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Called at the two points a crash matters: <see cref="EditStep.Journaled"/> (entry recorded,
    /// host file untouched) and <see cref="EditStep.Written"/> (host file replaced, entry still
    /// pending). A test hook: tests pause a real process here and kill it.
    /// </summary>
    public Func<EditStep, JournalEntry, Task>? Checkpoint { get; init; }

    /// <summary>New files (absent before the edit) get this mode.</summary>
    public const string NewFileMode = "644";

    /// <summary>Replaces the file's content (creating it if absent); nothing is journaled when the content is unchanged.</summary>
    public Task EditAsync(ICommandRunner host, string path, byte[] content, CancellationToken cancellationToken = default) =>
        EditAsync(host, path, content, inPlace: false, cancellationToken);

    /// <summary>
    /// Writes a kernel attribute (sysfs, procfs) in place, journaled like a file edit; the file
    /// must exist. <see cref="RestoreAsync"/> writes the old value back.
    /// </summary>
    public Task EditInPlaceAsync(ICommandRunner host, string path, string value, CancellationToken cancellationToken = default) =>
        EditAsync(host, path, new UTF8Encoding(false).GetBytes(value), inPlace: true, cancellationToken);

    private async Task EditAsync(ICommandRunner host, string path, byte[] content, bool inPlace, CancellationToken cancellationToken)
    {
        if (!path.StartsWith('/')) throw new ArgumentException($"{path}: host paths must be absolute", nameof(path));
        var old = await HostFiles.ReadAsync(host, path, cancellationToken);
        if (inPlace && !old.Exists) throw new HostAccessException($"{host.HostName}:{path}: no such file");
        var newSha = Sha256(content);
        if (old.Exists && Sha256(old.Content) == newSha) return;
        var id = Guid.NewGuid().ToString("N");
        var entry = new JournalEntry
        {
            Id = id,
            Host = host.HostName,
            Path = path,
            State = JournalState.Pending,
            OldSha256 = old.Exists ? Sha256(old.Content) : null,
            NewSha256 = newSha,
            OldContent = old.Exists ? Convert.ToBase64String(old.Content) : null,
            OldMode = old.Mode,
            OldOwner = old.Owner,
            TempPath = HostFiles.TempPathFor(path, id),
            RecordedAt = _clock.GetUtcNow(),
            InPlace = inPlace,
        };
        journal.Append(entry);
        if (Checkpoint is { } journaled) await journaled(EditStep.Journaled, entry);
        if (inPlace) await HostFiles.WriteInPlaceAsync(host, path, content, cancellationToken);
        else await HostFiles.WriteAtomicallyAsync(host, path, entry.TempPath, content, old.Mode ?? NewFileMode, old.Owner, cancellationToken);
        if (Checkpoint is { } written) await written(EditStep.Written, entry);
        journal.SetState(id, JournalState.Applied);
    }

    /// <summary>The text as UTF-8 without a byte-order mark.</summary>
    public Task EditAsync(ICommandRunner host, string path, string text, CancellationToken cancellationToken = default) =>
        EditAsync(host, path, new UTF8Encoding(false).GetBytes(text), cancellationToken);

    /// <summary>Hosts with edits not yet restored, in the order they were first edited.</summary>
    public ImmutableArray<string> HostsToRestore() =>
        [.. journal.Load().Where(e => e.State != JournalState.Restored).Select(e => e.Host).Distinct()];

    /// <summary>
    /// Undoes every edit on <paramref name="host"/> not yet restored, newest first. With
    /// <paramref name="force"/>, files someone else changed since are put back too.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(ICommandRunner host, bool force = false, CancellationToken cancellationToken = default)
    {
        var restored = ImmutableArray.CreateBuilder<string>();
        var refused = ImmutableArray.CreateBuilder<string>();
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var entries = journal.Load().Where(e => e.Host == host.HostName && e.State != JournalState.Restored).Reverse();
        foreach (var entry in entries)
        {
            if (blocked.Contains(entry.Path)) continue;
            var current = await HostFiles.ReadAsync(host, entry.Path, cancellationToken);
            var currentSha = current.Exists ? Sha256(current.Content) : null;
            if (currentSha != entry.OldSha256 && currentSha != entry.NewSha256 && !force && !entry.InPlace)
            {
                blocked.Add(entry.Path);
                refused.Add($"{entry.Where}: changed since Smog edited it (sha256 {Short(currentSha)}, Smog wrote {Short(entry.NewSha256)}); not restored, force to overwrite");
                continue;
            }
            await PutBackAsync(host, entry, currentSha, cancellationToken);
            journal.SetState(entry.Id, JournalState.Restored);
            if (!restored.Contains(entry.Where)) restored.Add(entry.Where);
        }
        return new RestoreResult(restored.ToImmutable(), refused.ToImmutable());
    }

    private static async Task PutBackAsync(ICommandRunner host, JournalEntry entry, string? currentSha, CancellationToken cancellationToken)
    {
        if (entry.InPlace)
        {
            if (currentSha != entry.OldSha256) await HostFiles.WriteInPlaceAsync(host, entry.Path, Convert.FromBase64String(entry.OldContent!), cancellationToken);
            return;
        }
        if (currentSha != entry.OldSha256)
        {
            if (!entry.Existed) await HostFiles.RemoveAsync(host, entry.Path, cancellationToken);
            else await HostFiles.WriteAtomicallyAsync(host, entry.Path, HostFiles.TempPathFor(entry.Path, $"{entry.Id}-restore"),
                Convert.FromBase64String(entry.OldContent!), entry.OldMode!, entry.OldOwner, cancellationToken);
        }
        await HostFiles.RemoveAsync(host, entry.TempPath, cancellationToken); // left by a crash mid-edit, if any
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static string Short(string? sha) => sha is null ? "none: the file is gone" : sha[..12];
}
