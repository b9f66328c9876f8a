using System.Text.Json.Serialization;

namespace Smog.Hosts.Editing;

/// <summary>Where one journaled change stands: written down before the change, done, or undone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JournalState>))]
public enum JournalState
{
    /// <summary>Recorded, but the host file may or may not have the new content yet (a crash can stop here).</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>The host file was replaced with the new content.</summary>
    [JsonStringEnumMemberName("applied")] Applied,
    /// <summary>The old content (or the file's absence) was put back.</summary>
    [JsonStringEnumMemberName("restored")] Restored,
}

/// <summary>
/// One change to one file on one host, recorded before the change is made, with all it takes
/// to undo it: the old bytes (base64, null when the file did not exist), their mode and owner,
/// and the SHA-256 of the old and new content, so a restore can tell our content from someone
/// else's. <see cref="TempPath"/> is the temporary file the change writes beside the target,
/// removed by a restore if a crash left it behind.
/// </summary>
public sealed record JournalEntry
{
    public required string Id { get; init; }
    public required string Host { get; init; }
    public required string Path { get; init; }
    public required JournalState State { get; init; }
    /// <summary>Lower-case hex SHA-256 of the old content; null when the file did not exist.</summary>
    public string? OldSha256 { get; init; }
    public required string NewSha256 { get; init; }
    /// <summary>The old content, base64; null when the file did not exist.</summary>
    public string? OldContent { get; init; }
    /// <summary>Octal permission bits as <c>stat -c %a</c> prints them (<c>640</c>); null when the file did not exist.</summary>
    public string? OldMode { get; init; }
    /// <summary><c>uid:gid</c> of the old file; null when the file did not exist.</summary>
    public string? OldOwner { get; init; }
    public required string TempPath { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    /// <summary>
    /// Written in place (a kernel attribute such as sysfs <c>nr_hugepages</c>, which cannot be
    /// renamed over): restore writes the old value back whatever the file says now, since the
    /// kernel itself rewrites such values (it grants fewer pages than asked).
    /// </summary>
    public bool InPlace { get; init; }

    [JsonIgnore] public bool Existed => OldSha256 is not null;

    [JsonIgnore] public string Where => $"{Host}:{Path}";
}
