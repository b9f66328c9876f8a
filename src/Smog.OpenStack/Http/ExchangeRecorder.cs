using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Smog.OpenStack.Http;

/// <summary>
/// Writes each request/response pair that reaches the wire as one JSON line: service, method,
/// path, microversion header, status, request id and both bodies, sanitised by
/// <see cref="ExchangeSanitizer"/>. Used while integration tests run against the real lab, so
/// the recordings can pin our DTOs to real shapes.
/// </summary>
public sealed class ExchangeRecorder(string file, Func<IEnumerable<string>> knownSecrets) : DelegatingHandler
{
    // Per file, across recorders: a test's admin and member connections share one file.
    private static readonly Dictionary<string, int> Sequences = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private readonly string path = Path.GetFullPath(file);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = await BodyAsync(request.Content, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is not null) await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var responseBody = await BodyAsync(response.Content, cancellationToken).ConfigureAwait(false);

        var entry = new JsonObject
        {
            ["service"] = request.Options.TryGetValue(OpenStackRequestOptions.Service, out var service) ? service : null,
            ["method"] = request.Method.Method,
            ["path"] = request.RequestUri?.PathAndQuery,
            ["microversion"] = request.Headers.TryGetValues("OpenStack-API-Version", out var mv) ? string.Join(",", mv) : null,
            ["status"] = (int)response.StatusCode,
            ["request_id"] = ErrorMapper.RequestId(response),
            ["request_body"] = requestBody,
            ["response_body"] = responseBody,
        };
        lock (Gate)
        {
            Sequences[path] = Sequences.GetValueOrDefault(path) + 1;
            var numbered = new JsonObject { ["seq"] = Sequences[path] };
            foreach (var (key, value) in entry.ToList())
            {
                entry.Remove(key);
                numbered[key] = value;
            }
            var line = ExchangeSanitizer.Sanitize(numbered, knownSecrets()).ToJsonString(ExchangeSanitizer.Output);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, line + "\n");
        }
        return response;
    }

    private static async Task<JsonNode?> BodyAsync(HttpContent? content, CancellationToken ct)
    {
        if (content is null) return null;
        var type = content.Headers.ContentType?.MediaType;
        if (type == "application/octet-stream") return $"<{content.Headers.ContentLength ?? 0} bytes>";
        var text = await content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (text.Length == 0) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }
}

/// <summary>
/// Replaces secrets in a recorded exchange with <c>&lt;redacted&gt;</c>: string values of secret
/// keys (password, secret, adminPass, token …, the id inside a token method), and any literal
/// occurrence of a known secret (the current tokens, the configured password) anywhere.
/// </summary>
public static class ExchangeSanitizer
{
    public const string Redacted = "<redacted>";

    /// <summary>Output options: readable text (no \u003C for &lt;), one line per exchange.</summary>
    public static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "secret", "adminPass", "admin_pass", "token", "application_credential_secret",
        "x-auth-token", "x-subject-token", "auth_token", "original_password",
    };

    public static JsonNode Sanitize(JsonNode node, IEnumerable<string> knownSecrets)
    {
        var copy = node.DeepClone();
        Walk(copy, parentKey: null);
        var text = copy.ToJsonString(Output);
        foreach (var secret in knownSecrets.Where(s => s.Length >= 4).Distinct().OrderByDescending(s => s.Length))
        {
            text = text.Replace(JsonEncodedText.Encode(secret, Output.Encoder).ToString(), Redacted, StringComparison.Ordinal);
        }
        return JsonNode.Parse(text)!;
    }

    private static void Walk(JsonNode? node, string? parentKey)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var isSecret = SecretKeys.Contains(key) || (string.Equals(parentKey, "token", StringComparison.OrdinalIgnoreCase) && key == "id");
                    if (isSecret && value is JsonValue v && v.GetValueKind() == JsonValueKind.String) obj[key] = Redacted;
                    else Walk(value, key);
                }
                break;
            case JsonArray array:
                foreach (var item in array) Walk(item, parentKey);
                break;
        }
    }

    /// <summary>True when the text still holds a secret: an unredacted secret key or a literal known secret.</summary>
    public static IEnumerable<string> Leaks(string text, IEnumerable<string> knownSecrets)
    {
        foreach (var secret in knownSecrets.Where(s => s.Length >= 4))
        {
            if (text.Contains(secret, StringComparison.Ordinal)) yield return "a known secret value";
        }
        var node = JsonNode.Parse(text);
        foreach (var leak in SecretValues(node, null)) yield return leak;
    }

    private static IEnumerable<string> SecretValues(JsonNode? node, string? parentKey)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var isSecret = SecretKeys.Contains(key) || (string.Equals(parentKey, "token", StringComparison.OrdinalIgnoreCase) && key == "id");
                    if (isSecret && value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() != Redacted)
                    {
                        yield return $"unredacted '{key}'";
                    }
                    foreach (var leak in SecretValues(value, key)) yield return leak;
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var leak in SecretValues(item, parentKey)) yield return leak;
                }
                break;
        }
    }
}
