using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Smog.Cloud.Api.Errors;

namespace Smog.Cloud.Api.Hosting;

/// <summary>Reading request bodies and writing JSON answers (System.Text.Json nodes, no reflection).</summary>
public static class Json
{
    public static IResult Reply(JsonNode body, int status = 200) =>
        Results.Text(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Empty(int status) => Results.StatusCode(status);

    /// <summary>The request body as a JSON object; a missing or malformed body is a 400.</summary>
    public static async Task<JsonObject> BodyAsync(HttpContext context)
    {
        try
        {
            var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return node as JsonObject ?? throw ApiException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("Malformed request body.");
        }
    }

    /// <summary>The object under <paramref name="key"/>, or a 400 naming it.</summary>
    public static JsonObject Object(JsonObject body, string key) =>
        body[key] as JsonObject ?? throw ApiException.BadRequest($"Invalid input for field/attribute {key}. Value: None. None is not of type 'object'");

    public static string? Text(JsonObject body, string key) => body[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string RequiredText(JsonObject body, string key) =>
        Text(body, key) ?? throw ApiException.BadRequest($"Invalid input for field/attribute {key}. Value: None. '{key}' is a required property");

    /// <summary>An integer given as a number or a numeric string (Nova accepts both).</summary>
    public static long? Integer(JsonObject body, string key)
    {
        if (body[key] is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var n)) return n;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)) return p;
        throw ApiException.BadRequest($"Invalid input for field/attribute {key}. Value: {v.ToJsonString()}. Not an integer");
    }

    public static bool? Flag(JsonObject body, string key)
    {
        if (body[key] is not JsonValue v) return null;
        if (v.TryGetValue<bool>(out var b)) return b;
        if (v.TryGetValue<string>(out var s) && bool.TryParse(s, out var p)) return p;
        throw ApiException.BadRequest($"Invalid input for field/attribute {key}. Value: {v.ToJsonString()}. Not a boolean");
    }

    /// <summary>ISO-8601 as Keystone writes it: microseconds and Z.</summary>
    public static string KeystoneTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    /// <summary>Nova's timestamps: seconds and Z (created, updated, fault.created).</summary>
    public static string NovaTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>Nova's database timestamps: microseconds, no zone (aggregates, services, launched_at).</summary>
    public static string NovaDbTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary>Keystone's ids: 32 hex digits.</summary>
    public static string NewHexId() => Guid.NewGuid().ToString("N");
}
