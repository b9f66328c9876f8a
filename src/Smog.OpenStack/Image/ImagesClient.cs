using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Glance;

namespace Smog.OpenStack.Image;

public sealed record GlanceImage : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    /// <summary>queued → saving → active, or killed.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("visibility")] public string? Visibility { get; init; }
    [JsonPropertyName("disk_format")] public string? DiskFormat { get; init; }
    [JsonPropertyName("container_format")] public string? ContainerFormat { get; init; }
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("min_disk")] public int? MinDisk { get; init; }
    [JsonPropertyName("min_ram")] public int? MinRam { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("owner")] public string? Owner { get; init; }
    [JsonPropertyName("protected")] public bool? Protected { get; init; }
    [JsonPropertyName("checksum")] public string? Checksum { get; init; }
    /// <summary>Everything else: image properties such as hw_numa_nodes (strings), schema links, hashes.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Other { get; set; }

    public string? Property(string key) => Other?.GetValueOrDefault(key) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

public sealed record GlanceImages
{
    [JsonPropertyName("images")] public required List<GlanceImage> Images { get; init; }
    [JsonPropertyName("first")] public string? First { get; init; }
    [JsonPropertyName("next")] public string? Next { get; init; }
    [JsonPropertyName("schema")] public string? Schema { get; init; }
}

/// <summary>POST /v2/images. Properties are top-level and must be strings (openstack-client.md §6).</summary>
public sealed record ImageCreate(string Name, string DiskFormat, string ContainerFormat = "bare", string Visibility = "private")
{
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Tags { get; init; } = [];
    public int? MinDisk { get; init; }
    public int? MinRam { get; init; }

    internal JsonObject ToJson()
    {
        var body = new JsonObject
        {
            ["name"] = Name,
            ["disk_format"] = DiskFormat,
            ["container_format"] = ContainerFormat,
            ["visibility"] = Visibility,
        };
        if (MinDisk is { } d) body["min_disk"] = d;
        if (MinRam is { } r) body["min_ram"] = r;
        if (Tags.Count > 0) body["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)t)]);
        foreach (var (key, value) in Properties) body[key] = value;
        return body;
    }
}

[JsonSerializable(typeof(GlanceImage))]
[JsonSerializable(typeof(GlanceImages))]
[JsonSerializable(typeof(JsonObject))]
public sealed partial class ImageJsonContext : JsonSerializerContext;

/// <summary>Glance images v2 under <c>&lt;image URL&gt;/v2</c>.</summary>
public sealed class ImagesClient(ApiConnection glance, TimeProvider time, ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public async Task<ApiList<GlanceImage>> ListByNameAsync(string name, CancellationToken ct) =>
        (await glance.CallAsync(Api.ListImages.At().With(Query.Empty.Add("name", name)), ct).ConfigureAwait(false)).List(b => b.Images);

    /// <summary>Active images the caller can see (first page, Glance's default limit).</summary>
    public async Task<ApiList<GlanceImage>> ListActiveAsync(CancellationToken ct) =>
        (await glance.CallAsync(Api.ListImages.At().With(Query.Empty.Add("status", "active")), ct).ConfigureAwait(false)).List(b => b.Images);

    /// <summary>
    /// Names are not unique in Glance; the rule: the newest <c>active</c> image of that name
    /// (ties by id), with a warning when there are several. Carries the list's request id.
    /// </summary>
    public async Task<GlanceImage?> FindByNameAsync(string name, CancellationToken ct)
    {
        var all = await ListByNameAsync(name, ct).ConfigureAwait(false);
        var active = all.Where(i => i.Status == "active").ToList();
        if (active.Count > 1) log.LogWarning("{Count} active images are named {Name}; taking the newest", active.Count, name);
        return active.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault() is { } newest
            ? ApiRecord.Stamp(newest, all.RequestId)
            : null;
    }

    public async Task<GlanceImage> ShowAsync(string id, CancellationToken ct) =>
        (await glance.CallAsync(Api.ShowImage.At(id), ct).ConfigureAwait(false)).Take(b => b);

    /// <summary>POST /v2/images → 201, status queued.</summary>
    public async Task<GlanceImage> CreateAsync(ImageCreate image, CancellationToken ct) =>
        (await glance.CallAsync(Api.CreateImage.At(), image.ToJson(), ct).ConfigureAwait(false)).Take(b => b);

    /// <summary>PUT /v2/images/{id}/file → 204; the image then goes saving → active.</summary>
    public async Task<ApiReceipt> UploadAsync(string id, ReadOnlyMemory<byte> data, CancellationToken ct) =>
        (await glance.CallAsync(Api.UploadImageData.At(id), data, ct).ConfigureAwait(false)).Receipt();

    /// <summary>DELETE → 204.</summary>
    public async Task<ApiReceipt> DeleteAsync(string id, CancellationToken ct) =>
        (await glance.CallAsync(Api.DeleteImage.At(id), ct).ConfigureAwait(false)).Receipt();

    /// <summary>Polls until active; killed fails at once.</summary>
    public async Task<GlanceImage> WaitForActiveAsync(string id, WaitOptions? options, CancellationToken ct)
    {
        var o = options ?? WaitOptions.ImageUpload;
        var started = time.GetTimestamp();
        while (true)
        {
            var image = await ShowAsync(id, ct).ConfigureAwait(false);
            if (image.Status == "active") return image;
            if (image.Status is "killed" or "deleted") throw new WaitFailedException($"image {id} went to {image.Status} while waiting for active");
            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= o.Timeout) throw new WaitTimeoutException($"image {id}", "active", image.Status, elapsed);
            await Task.Delay(o.NextDelay(elapsed), time, ct).ConfigureAwait(false);
        }
    }
}
