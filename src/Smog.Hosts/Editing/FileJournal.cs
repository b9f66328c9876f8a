using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.Hosts.Files;

namespace Smog.Hosts.Editing;

/// <summary>
/// The journal of host file edits on the control machine: JSON Lines, one <see cref="JournalEntry"/>
/// per line in the order the changes were made. Every change rewrites the whole file atomically
/// (<see cref="LocalFiles.WriteAtomically"/>: temporary file, flushed to disk, renamed over), so a
/// crash leaves the previous journal or the next one, never a torn line. One process at a time.
/// </summary>
public sealed class FileJournal(string path)
{
    public string Path { get; } = path;

    /// <summary>The entries in the order they were recorded; empty when the journal does not exist yet.</summary>
    public ImmutableArray<JournalEntry> Load()
    {
        if (!File.Exists(Path)) return [];
        var text = LocalFiles.ReadText(Path, allowEmpty: true);
        if (!text.Success) throw new JournalException(text.Errors[0].ToString());
        var entries = ImmutableArray.CreateBuilder<JournalEntry>();
        var lines = text.Value.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            entries.Add(Parse(lines[i], i + 1));
        }
        return entries.ToImmutable();
    }

    /// <summary>Appends an entry (durably, before the change it describes is made).</summary>
    public void Append(JournalEntry entry) => Save(Load().Add(entry));

    /// <summary>Records a new state for the entry with <paramref name="id"/>.</summary>
    public void SetState(string id, JournalState state)
    {
        var entries = Load();
        var index = entries.IndexOf(entries.Single(e => e.Id == id));
        Save(entries.SetItem(index, entries[index] with { State = state }));
    }

    private JournalEntry Parse(string line, int number)
    {
        try
        {
            return JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEntry)
                ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw new JournalException($"{Path}:{number}: not a journal entry (a JSON object with id, host, path, state, new_sha256, temp_path, recorded_at)");
        }
    }

    private void Save(ImmutableArray<JournalEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var e in entries) text.Append(JsonSerializer.Serialize(e, JournalJsonContext.Default.JournalEntry)).Append('\n');
        if (LocalFiles.WriteAtomically(Path, text.ToString()) is { } error) throw new JournalException(error.ToString());
    }
}

/// <summary>The journal could not be read or written; the message is one line naming the file.</summary>
public sealed class JournalException(string message) : Exception(message);

[JsonSerializable(typeof(JournalEntry))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class JournalJsonContext : JsonSerializerContext;
