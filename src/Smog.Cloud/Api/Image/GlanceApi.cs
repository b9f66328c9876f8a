using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Policy;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Image;

/// <summary>
/// Glance v2 under <c>/image</c>: version list, images create/show/list/delete/patch and data
/// upload. Properties (<c>hw_numa_nodes</c> …) are top-level strings. The cloud starts with a
/// public image <c>smog-blank</c> (what the suite boots), owned by the service project.
/// </summary>
public static class GlanceApi
{
    public const string BlankImage = "smog-blank";

    private static readonly HashSet<string> Core = new(StringComparer.Ordinal)
    {
        "id", "name", "disk_format", "container_format", "visibility", "size", "virtual_size", "status", "checksum", "protected",
        "min_ram", "min_disk", "owner", "os_hidden", "os_hash_algo", "os_hash_value", "created_at", "updated_at", "tags", "self",
        "file", "schema", "stores", "locations", "direct_url",
    };

    public static void Seed(ImageStore images, IdentityStore identity)
    {
        var now = identity.Time.GetUtcNow();
        images.Put(new ImageRecord
        {
            Id = NewId(),
            Name = BlankImage,
            DiskFormat = "qcow2",
            ContainerFormat = "bare",
            Visibility = "public",
            Size = 196616,
            VirtualSize = 67108864,
            Status = "active",
            Checksum = Convert.ToHexStringLower(MD5.HashData("smog-blank"u8)),
            MinDisk = 1,
            Owner = identity.ServiceProject.Id,
            HashAlgo = "sha512",
            HashValue = Convert.ToHexStringLower(SHA512.HashData("smog-blank"u8)),
            CreatedAt = now,
            UpdatedAt = now,
        });
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ServicePaths.Image, (CloudAddress a) => Reply(Versions(a), 300));
        app.MapGet(ServicePaths.Image + "/versions", (CloudAddress a) => Reply(Versions(a)));
        var v2 = app.MapGroup(ServicePaths.ImageApi);
        v2.MapGet("/images", List);
        v2.MapPost("/images", CreateAsync);
        v2.MapGet("/images/{id}", (HttpContext c, ImageStore s, string id) => Reply(ToJson(Visible(c, s, id, $"No image found with ID {id}"))));
        v2.MapPut("/images/{id}/file", UploadAsync);
        v2.MapMethods("/images/{id}", ["PATCH"], PatchAsync);
        v2.MapDelete("/images/{id}", (HttpContext c, ImageStore s, string id) =>
        {
            var caller = Access.Caller(c);
            var image = Visible(c, s, id, $"Failed to find image {id} to delete");
            if (!Access.Owns(caller, image.Owner)) throw Access.Deny(ApiService.Image, "delete_image");
            if (image.Protected) throw new ApiException(403, $"Image {id} is protected and cannot be deleted.");
            s.Remove(id);
            return Empty(204);
        });
        v2.MapPost("/images/{id}/tags/{tag}", (HttpContext c, ImageStore s, string id, string tag) =>
        {
            Visible(c, s, id, $"No image found with ID {id}");
            s.Update(id, i => i.Tags.Contains(tag) ? i : i with { Tags = i.Tags.Add(tag) });
            return Empty(204);
        });
    }

    private static JsonObject Versions(CloudAddress a)
    {
        var list = new JsonArray();
        foreach (var (id, status) in new[] { ("v2.16", "CURRENT"), ("v2.15", "SUPPORTED"), ("v2.0", "SUPPORTED") })
            list.Add(new JsonObject { ["id"] = id, ["status"] = status, ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = a.Url(ServicePaths.ImageApi + "/") }) });
        return new JsonObject { ["versions"] = list };
    }

    private static bool CanSee(IssuedToken caller, ImageRecord image) =>
        caller.IsAdmin || image.Visibility is "public" or "community" || image.Owner == caller.Project.Id;

    private static ImageRecord Visible(HttpContext c, ImageStore s, string id, string missing)
    {
        var caller = Access.Caller(c);
        return s.Find(id) is { } image && CanSee(caller, image) ? image : throw ApiException.NotFound(missing);
    }

    private static IResult List(HttpContext c, ImageStore s)
    {
        var caller = Access.Caller(c);
        var q = c.Request.Query;
        var images = s.All.Where(i => CanSee(caller, i));
        if (q["name"].FirstOrDefault() is { } name) images = images.Where(i => i.Name == name);
        if (q["status"].FirstOrDefault() is { } status) images = images.Where(i => i.Status == status);
        if (q["visibility"].FirstOrDefault() is { } vis && vis != "all") images = images.Where(i => i.Visibility == vis);
        if (q["owner"].FirstOrDefault() is { } owner) images = images.Where(i => i.Owner == owner);
        if (q["tag"].FirstOrDefault() is { } tag) images = images.Where(i => i.Tags.Contains(tag));
        if (q["marker"].FirstOrDefault() is { } marker) images = images.SkipWhile(i => i.Id != marker).Skip(1);
        var all = images.ToList();
        var limit = int.TryParse(q["limit"].FirstOrDefault(), out var l) && l > 0 ? l : 25;
        var page = all.Take(limit).ToList();
        var body = new JsonObject
        {
            ["images"] = new JsonArray([.. page.Select(i => (JsonNode)ToJson(i))]),
            ["first"] = "/v2/images" + c.Request.QueryString.Value,
            ["schema"] = "/v2/schemas/images",
        };
        if (all.Count > page.Count) body["next"] = $"/v2/images?marker={page[^1].Id}&limit={limit}";
        return Reply(body);
    }

    private static async Task<IResult> CreateAsync(HttpContext c, ImageStore s)
    {
        var caller = Access.Caller(c);
        var body = await BodyAsync(c);
        var visibility = Text(body, "visibility") ?? "shared";
        if (visibility is not ("public" or "private" or "shared" or "community"))
            throw ApiException.BadRequest($"Invalid visibility value: {visibility}");
        if (visibility == "public" && !caller.IsAdmin) throw Access.Deny(ApiService.Image, "publicize_image");
        var properties = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in body)
        {
            if (Core.Contains(key)) continue;
            properties[key] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text
                : throw ApiException.BadRequest($"Provided object does not match schema 'image': {value?.ToJsonString()} is not of type 'string'");
        }
        if (body["id"] is not null || body["status"] is not null || body["owner"] is not null && !caller.IsAdmin)
            throw new ApiException(403, "Attribute 'id', 'status' and 'owner' are read-only.");
        var now = TimeOf(c);
        var image = new ImageRecord
        {
            Id = NewId(),
            Name = Text(body, "name"),
            DiskFormat = Text(body, "disk_format"),
            ContainerFormat = Text(body, "container_format"),
            Visibility = visibility,
            Protected = Flag(body, "protected") ?? false,
            MinRam = Integer(body, "min_ram") ?? 0,
            MinDisk = Integer(body, "min_disk") ?? 0,
            Owner = caller.Project.Id,
            OsHidden = Flag(body, "os_hidden") ?? false,
            CreatedAt = now,
            UpdatedAt = now,
            Tags = body["tags"] is JsonArray tags ? [.. tags.Select(t => t?.GetValue<string>() ?? "")] : [],
            Properties = properties.ToImmutable(),
        };
        s.Put(image);
        c.Response.Headers.Location = c.RequestServices.GetService(typeof(CloudAddress)) is CloudAddress a ? a.Url($"{ServicePaths.ImageApi}/images/{image.Id}") : null;
        return Reply(ToJson(image), 201);
    }

    private static async Task<IResult> UploadAsync(HttpContext c, ImageStore s, string id)
    {
        var caller = Access.Caller(c);
        var image = Visible(c, s, id, $"No image found with ID {id}");
        if (!Access.Owns(caller, image.Owner)) throw Access.Deny(ApiService.Image, "upload_image");
        if (image.Status != "queued") throw ApiException.Conflict($"Image status transition from {image.Status} to saving is not allowed");
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await c.Request.Body.ReadAsync(buffer, c.RequestAborted)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
            size += read;
        }
        var now = TimeOf(c);
        var checksum = Convert.ToHexStringLower(md5.GetHashAndReset());
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        s.Update(id, i => i with
        {
            Status = "active",
            Size = size,
            VirtualSize = size,
            Checksum = checksum,
            HashAlgo = "sha512",
            HashValue = hash,
            UpdatedAt = now,
        });
        return Empty(204);
    }

    /// <summary>JSON patch (add/replace/remove) of properties and a few core attributes.</summary>
    private static async Task<IResult> PatchAsync(HttpContext c, ImageStore s, string id)
    {
        var caller = Access.Caller(c);
        var image = Visible(c, s, id, $"No image found with ID {id}");
        if (!Access.Owns(caller, image.Owner)) throw Access.Deny(ApiService.Image, "modify_image");
        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ApiException.BadRequest("Malformed JSON in request body.");
        }
        if (node is not JsonArray ops) throw ApiException.BadRequest("Expected a JSON array of patch operations.");
        foreach (var op in ops.OfType<JsonObject>())
        {
            var kind = Text(op, "op");
            var path = (Text(op, "path") ?? "").TrimStart('/');
            var value = op["value"] is JsonValue v && v.TryGetValue<string>(out var sv) ? sv : op["value"]?.ToJsonString();
            image = (kind, path) switch
            {
                ("add" or "replace", "name") => image with { Name = value },
                ("add" or "replace", "visibility") => image with { Visibility = value ?? image.Visibility },
                ("add" or "replace", "min_ram") => image with { MinRam = long.TryParse(value, out var r) ? r : image.MinRam },
                ("add" or "replace", "min_disk") => image with { MinDisk = long.TryParse(value, out var d) ? d : image.MinDisk },
                ("add" or "replace", _) when !Core.Contains(path) => image with { Properties = image.Properties.SetItem(path, value ?? "") },
                ("remove", _) when image.Properties.ContainsKey(path) => image with { Properties = image.Properties.Remove(path) },
                ("remove", _) => throw ApiException.Conflict($"Property {path} does not exist."),
                _ => throw new ApiException(403, $"Attribute '{path}' is read-only."),
            };
        }
        var changed = image with { UpdatedAt = TimeOf(c) };
        s.Put(changed);
        return Reply(ToJson(changed));
    }

    private static DateTimeOffset TimeOf(HttpContext c) =>
        (c.RequestServices.GetService(typeof(IdentityStore)) as IdentityStore)?.Time.GetUtcNow() ?? DateTimeOffset.UtcNow;

    public static JsonObject ToJson(ImageRecord i)
    {
        var json = new JsonObject();
        foreach (var (k, v) in i.Properties) json[k] = v;
        json["name"] = i.Name;
        json["disk_format"] = i.DiskFormat;
        json["container_format"] = i.ContainerFormat;
        json["visibility"] = i.Visibility;
        json["size"] = i.Size;
        json["virtual_size"] = i.VirtualSize;
        json["status"] = i.Status;
        json["checksum"] = i.Checksum;
        json["protected"] = i.Protected;
        json["min_ram"] = i.MinRam;
        json["min_disk"] = i.MinDisk;
        json["owner"] = i.Owner;
        json["os_hidden"] = i.OsHidden;
        json["os_hash_algo"] = i.HashAlgo;
        json["os_hash_value"] = i.HashValue;
        json["id"] = i.Id;
        json["created_at"] = NovaTime(i.CreatedAt);
        json["updated_at"] = NovaTime(i.UpdatedAt);
        json["tags"] = new JsonArray([.. i.Tags.Select(t => (JsonNode)t)]);
        json["self"] = $"/v2/images/{i.Id}";
        json["file"] = $"/v2/images/{i.Id}/file";
        json["schema"] = "/v2/schemas/image";
        if (i.Status == "active") json["stores"] = "fs";
        return json;
    }
}
