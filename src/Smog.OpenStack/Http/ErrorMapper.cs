using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Smog.OpenStack.Http;

/// <summary>
/// The one place HTTP error responses become exceptions (Tempest's <c>_error_checker</c>).
/// Reads every service's error shape:
/// Nova <c>{"badRequest": {"code", "message"}}</c> (any single key),
/// Keystone and the token middleware <c>{"error": {"code", "title", "message"}}</c>,
/// Placement <c>{"errors": [{"status", "title", "detail", "code", "request_id"}]}</c>,
/// Neutron <c>{"NeutronError": {"type", "message", "detail"}}</c>,
/// Glance <c>{"message", "code", "title"}</c> or plain text.
/// </summary>
public static partial class ErrorMapper
{
    private const int MaxBody = 4000;
    private const int MaxMessage = 500;

    /// <summary>Request-id headers in order of preference (Nova sends both of the first two).</summary>
    public static readonly string[] RequestIdHeaders = ["x-openstack-request-id", "x-compute-request-id", "openstack-request-id"];

    /// <summary>The exception for an error answer; <paramref name="operation"/> (the catalogue's name) prefixes the message when given.</summary>
    public static OpenStackApiException Map(string service, HttpMethod method, string path, HttpStatusCode status, string? requestId, string body, string? reasonPhrase, string? operation = null)
    {
        var (code, message) = Parse(body);
        code ??= reasonPhrase ?? status.ToString();
        message ??= reasonPhrase ?? status.ToString();
        var error = new ApiError(service, method.Method, path, (int)status, code, Truncate(message, MaxMessage), requestId, Truncate(body, MaxBody), operation);
        return (int)status switch
        {
            400 => new OpenStackBadRequestException(error),
            401 => new OpenStackUnauthorizedException(error),
            403 => new OpenStackForbiddenException(error),
            404 => new OpenStackNotFoundException(error),
            409 => new OpenStackConflictException(error),
            413 => new OpenStackOverLimitException(error),
            429 => new OpenStackRateLimitedException(error),
            >= 500 and < 600 => new OpenStackServerFaultException(error),
            _ => new OpenStackApiException(error),
        };
    }

    public static string? RequestId(HttpResponseMessage response)
    {
        foreach (var name in RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } id) return id;
        }
        return null;
    }

    /// <summary>The service's (code, message), or nulls when the body says nothing usable.</summary>
    internal static (string? Code, string? Message) Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            return FromJson(doc.RootElement);
        }
        catch (JsonException)
        {
            return (null, OneLine(StripTags(body)));
        }
    }

    private static (string?, string?) FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, OneLine(root.ToString()));
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            // Placement: one or more errors; the first code, every detail.
            var first = errors[0];
            var details = errors.EnumerateArray().Select(e => Text(e, "detail") ?? Text(e, "title")).OfType<string>();
            return (Text(first, "code") ?? Text(first, "title"), OneLine(string.Join("; ", details)));
        }
        if (root.TryGetProperty("NeutronError", out var neutron) && neutron.ValueKind == JsonValueKind.Object)
        {
            return (Text(neutron, "type"), OneLine(Text(neutron, "message") ?? neutron.ToString()));
        }
        if (root.TryGetProperty("error", out var keystone) && keystone.ValueKind == JsonValueKind.Object)
        {
            return (Text(keystone, "title"), OneLine(Text(keystone, "message") ?? keystone.ToString()));
        }
        if (Text(root, "message") is { } glance)
        {
            return (Text(root, "title") ?? Text(root, "code"), OneLine(StripTags(glance)));
        }
        // Nova: a single top-level key naming the error (badRequest, itemNotFound, computeFault, ...).
        var props = root.EnumerateObject().ToList();
        if (props.Count == 1 && props[0].Value.ValueKind == JsonValueKind.Object && Text(props[0].Value, "message") is { } nova)
        {
            return (props[0].Name, OneLine(nova));
        }
        return (null, OneLine(root.ToString()));
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString()
            : null;

    private static string StripTags(string s) => Tags().Replace(s, " ");

    private static string OneLine(string s) => Whitespace().Replace(s, " ").Trim();

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
