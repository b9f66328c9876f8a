using System.Text.Json.Nodes;

namespace Smog.Cloud.Api.Errors;

/// <summary>
/// The error body each real service answers with (recorded in tests/fixtures/openstack-exchanges):
/// Nova <c>{"itemNotFound": {"code", "message"}}</c>, Placement <c>{"errors": [...]}</c>, Keystone
/// <c>{"error": {"code", "message", "title"}}</c>, Glance <c>{"message", "code": "404 Not Found",
/// "title"}</c>, Neutron <c>{"NeutronError": {"type", "message", "detail"}}</c>.
/// </summary>
public static class ErrorBodies
{
    public static JsonObject For(ApiService service, int status, string message, string requestId, string? neutronType = null, TimeSpan? retryAfter = null) =>
        service switch
        {
            ApiService.Compute => Nova(status, message, retryAfter),
            ApiService.Placement => Placement(status, message, requestId),
            ApiService.Image => Glance(status, message),
            ApiService.Network => Neutron(status, message, neutronType),
            _ => Keystone(status, message),
        };

    public static JsonObject Nova(int status, string message, TimeSpan? retryAfter = null)
    {
        var inner = new JsonObject { ["code"] = status, ["message"] = message };
        if (status is 413 or 429 && retryAfter is { } wait) inner["retryAfter"] = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new JsonObject { [NovaName(status)] = inner };
    }

    /// <summary>Nova's fault names by status (webob's, as the API maps them).</summary>
    public static string NovaName(int status) => status switch
    {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 or 429 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    };

    public static JsonObject Keystone(int status, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["title"] = Title(status) } };

    public static JsonObject Placement(int status, string message, string requestId) => new()
    {
        ["errors"] = new JsonArray(new JsonObject
        {
            ["status"] = status,
            ["title"] = Title(status),
            ["detail"] = message,
            ["code"] = status == 409 ? "placement.concurrent_update" : "placement.undefined_code",
            ["request_id"] = requestId,
        }),
    };

    // Glance's webob pages end the message with two breaks and blank lines.
    public static JsonObject Glance(int status, string message) =>
        new() { ["message"] = message + "<br /><br />\n\n\n", ["code"] = $"{status} {Title(status)}", ["title"] = Title(status) };

    public static JsonObject Neutron(int status, string message, string? type) =>
        new() { ["NeutronError"] = new JsonObject { ["type"] = type ?? NeutronDefaultType(status), ["message"] = message, ["detail"] = "" } };

    private static string NeutronDefaultType(int status) => status switch
    {
        400 => "HTTPBadRequest",
        403 => "HTTPForbidden",
        404 => "HTTPNotFound",
        409 => "HTTPConflict",
        429 => "HTTPTooManyRequests",
        503 => "HTTPServiceUnavailable",
        _ => "HTTPInternalServerError",
    };

    public static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
}
