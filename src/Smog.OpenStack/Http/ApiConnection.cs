using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Identity;

namespace Smog.OpenStack.Http;

/// <summary>
/// One service endpoint: builds requests under <see cref="BaseUri"/>, adds the token and the
/// service's extra headers (microversions), re-authenticates once on 401 (openstack-client.md §2.5), maps
/// errors through <see cref="ErrorMapper"/> and reads JSON with source-generated metadata.
/// Logs method, path, status and request id — never headers or bodies.
/// </summary>
public sealed class ApiConnection(
    string service,
    Uri baseUri,
    HttpClient http,
    ITokenSource? tokens,
    IReadOnlyDictionary<string, string>? headers = null,
    ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public string Service { get; } = service;
    public Uri BaseUri { get; } = baseUri;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();
    internal HttpClient Http { get; } = http;

    /// <summary>Runs on every successful response (Nova checks the microversion echo); may log, must not throw.</summary>
    public Action<HttpResponseMessage, ILogger>? ResponseCheck { get; init; }

    /// <summary>The same endpoint with other extra headers (e.g. another microversion) and an optional response check.</summary>
    public ApiConnection WithHeaders(IReadOnlyDictionary<string, string> newHeaders, Action<HttpResponseMessage, ILogger>? check = null) =>
        new(Service, BaseUri, Http, tokens, newHeaders, log) { ResponseCheck = check };

    public async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        return await ReadAsync(response, path, responseType, ct).ConfigureAwait(false);
    }

    public async Task<TResponse> SendJsonAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(body, requestType);
        using var response = await SendAsync(method, path, () => Json(json), ct).ConfigureAwait(false);
        return await ReadAsync(response, path, responseType, ct).ConfigureAwait(false);
    }

    /// <summary>Sends a JSON body and ignores the response body (e.g. 202/204 answers).</summary>
    public async Task SendJsonAsync<TRequest>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(body, requestType);
        using var response = await SendAsync(method, path, () => Json(json), ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends and returns a 2xx response, or throws the mapped error. <paramref name="content"/>
    /// is a factory because a 401 retry needs a fresh request.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, CancellationToken ct, bool authenticated = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = authenticated && tokens is not null ? await tokens.GetTokenAsync(ct).ConfigureAwait(false) : null;
            using var request = Build(method, path, content, token);
            var clock = Stopwatch.StartNew();
            var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var requestId = ErrorMapper.RequestId(response);
            log.LogDebug("{Service} {Method} {Path} → {Status} in {Ms} ms (request {RequestId})",
                Service, method, path, (int)response.StatusCode, clock.ElapsedMilliseconds, requestId);
            if (response.IsSuccessStatusCode)
            {
                ResponseCheck?.Invoke(response, log);
                return response;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null && attempt == 1)
                {
                    // Expired or revoked token: forget it, re-authenticate, try once more.
                    log.LogInformation("{Service} {Method} {Path}: 401, re-authenticating once", Service, method, path);
                    tokens!.Invalidate(token);
                    continue;
                }
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                throw ErrorMapper.Map(Service, method, path, response.StatusCode, requestId, body, response.ReasonPhrase);
            }
        }
    }

    /// <summary>Base URL + path; "" is the base URL itself (Nova's /v2.1 and /v2.1/ are different routes).</summary>
    public Uri Resolve(string path) =>
        new(BaseUri.AbsoluteUri.TrimEnd('/') + (path.Length == 0 || path.StartsWith('/') ? path : "/" + path));

    private HttpRequestMessage Build(HttpMethod method, string path, Func<HttpContent>? content, Secret? token)
    {
        var request = new HttpRequestMessage(method, Resolve(path)) { Content = content?.Invoke() };
        request.Options.Set(OpenStackRequestOptions.Service, Service);
        request.Headers.Accept.ParseAdd("application/json");
        if (token is not null) request.Headers.TryAddWithoutValidation("X-Auth-Token", token.Reveal());
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false)
                ?? throw new OpenStackClientException($"{Service} {path}: empty response body");
        }
        catch (JsonException e)
        {
            throw new OpenStackClientException($"{Service} {path}: response does not match {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
