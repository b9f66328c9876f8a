using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Smog.Cloud.Api.Image;

/// <summary>One Glance image: the core attributes and the free-form (string) properties.</summary>
public sealed record ImageRecord
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? DiskFormat { get; init; }
    public string? ContainerFormat { get; init; }
    public string Visibility { get; init; } = "shared";
    public long? Size { get; init; }
    public long? VirtualSize { get; init; }
    public string Status { get; init; } = "queued";
    public string? Checksum { get; init; }
    public bool Protected { get; init; }
    public long MinRam { get; init; }
    public long MinDisk { get; init; }
    public required string Owner { get; init; }
    public bool OsHidden { get; init; }
    public string? HashAlgo { get; init; }
    public string? HashValue { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Properties { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>Glance's images (the bytes are hashed and dropped: nothing boots them).</summary>
public sealed class ImageStore
{
    private readonly ConcurrentDictionary<string, ImageRecord> images = new(StringComparer.Ordinal);
    private long order;
    private readonly ConcurrentDictionary<string, long> created = new(StringComparer.Ordinal);

    public ImageRecord? Find(string id) => images.TryGetValue(id, out var i) ? i : null;

    /// <summary>Newest first, as Glance lists by default (created_at desc).</summary>
    public IEnumerable<ImageRecord> All => images.Values.OrderByDescending(i => created.GetValueOrDefault(i.Id));

    public void Put(ImageRecord image)
    {
        created.TryAdd(image.Id, Interlocked.Increment(ref order));
        images[image.Id] = image;
    }

    public bool Update(string id, Func<ImageRecord, ImageRecord> change)
    {
        while (images.TryGetValue(id, out var old))
        {
            if (images.TryUpdate(id, change(old), old)) return true;
        }
        return false;
    }

    public bool Remove(string id) => images.TryRemove(id, out _);
}
