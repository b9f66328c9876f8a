using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Contract;
using Smog.OpenStack.Identity;

namespace Smog.OpenStack.Http;

/// <summary>
/// One service endpoint, and the one send path of every client (Tempest's RestClient): builds
/// the request of an <see cref="ApiCall{TRequest,TResponse}"/> under <see cref="BaseUri"/>, adds
/// the token and the service's extra headers (microversions), re-authenticates once on 401
/// (openstack-client.md §2.5), maps errors through <see cref="ErrorMapper"/>, fails on a success status the
/// route does not expect, and reads the body with the route's source-generated metadata.
/// Logs operation, method, path, status and request id — never headers or bodies.
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

    /// <summary>A call without a request body. <paramref name="authenticated"/> false sends no token (version discovery).</summary>
    public Task<ApiResponse<TResponse>> CallAsync<TResponse>(ApiCall<NoBody, TResponse> call, CancellationToken ct, bool authenticated = true) =>
        ExchangeAsync(call.Route, call.Path, null, authenticated, ct);

    /// <summary>A call with a JSON body, serialised with the route's metadata.</summary>
    public Task<ApiResponse<TResponse>> CallAsync<TRequest, TResponse>(ApiCall<TRequest, TResponse> call, TRequest body, CancellationToken ct)
    {
        var type = call.Route.RequestJson ?? throw new InvalidOperationException($"{call.Route} takes no JSON body");
        var json = JsonSerializer.Serialize(body, type);
        return ExchangeAsync(call.Route, call.Path, () => new StringContent(json, Encoding.UTF8, "application/json"), true, ct);
    }

    /// <summary>A call whose body is raw bytes (an image upload).</summary>
    public Task<ApiResponse<TResponse>> CallAsync<TResponse>(ApiCall<OctetStream, TResponse> call, ReadOnlyMemory<byte> data, CancellationToken ct) =>
        ExchangeAsync(call.Route, call.Path, () =>
        {
            var content = new ReadOnlyMemoryContent(data);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return content;
        }, true, ct);

    /// <summary>Base URL + path; "" is the base URL itself (Nova's /v2.1 and /v2.1/ are different routes).</summary>
    public Uri Resolve(string path) =>
        new(BaseUri.AbsoluteUri.TrimEnd('/') + (path.Length == 0 || path.StartsWith('/') ? path : "/" + path));

    private async Task<ApiResponse<TResponse>> ExchangeAsync<TRequest, TResponse>(
        ApiRoute<TRequest, TResponse> route, string path, Func<HttpContent>? content, bool authenticated, CancellationToken ct)
    {
        // A client asking for a path its route does not describe is a bug in Smog, not a cloud problem.
        if (route.Service != Service || !route.Matches(route.Method, path)) throw new InvalidOperationException($"{Service} {path} is not {route}");
        using var response = await SendAsync(route, path, content, authenticated, ct).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var requestId = ErrorMapper.RequestId(response);
        route.EnsureExpected(status, requestId);
        var body = route.ResponseJson is { } type
            ? await ReadAsync(response, route, type, requestId, ct).ConfigureAwait(false)
            : (TResponse)(object)NoBody.Instance;
        return new ApiResponse<TResponse>(body, status, requestId);
    }

    /// <summary>
    /// Sends and returns a 2xx response, or throws the mapped error. <paramref name="content"/>
    /// is a factory because a 401 retry needs a fresh request.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(ApiRoute route, string path, Func<HttpContent>? content, bool authenticated, CancellationToken ct)
    {
        var method = route.Method;
        for (var attempt = 1; ; attempt++)
        {
            var token = authenticated && tokens is not null ? await tokens.GetTokenAsync(ct).ConfigureAwait(false) : null;
            using var request = Build(method, path, content, token);
            var clock = Stopwatch.StartNew();
            var response = await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var requestId = ErrorMapper.RequestId(response);
            log.LogDebug("{Service} {Operation}: {Method} {Path} → {Status} in {Ms} ms (request {RequestId})",
                Service, route.Operation, method, path, (int)response.StatusCode, clock.ElapsedMilliseconds, requestId);
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
                throw ErrorMapper.Map(Service, method, path, response.StatusCode, requestId, body, response.ReasonPhrase, route.Operation);
            }
        }
    }

    private HttpRequestMessage Build(HttpMethod method, string path, Func<HttpContent>? content, Secret? token)
    {
        var request = new HttpRequestMessage(method, Resolve(path)) { Content = content?.Invoke() };
        request.Options.Set(OpenStackRequestOptions.Service, Service);
        request.Headers.Accept.ParseAdd("application/json");
        if (token is not null) request.Headers.TryAddWithoutValidation("X-Auth-Token", token.Reveal());
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, ApiRoute route, JsonTypeInfo<T> type, string? requestId, CancellationToken ct)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false)
                ?? throw new UnreadableResponseException(route.Operation, "empty response body", requestId);
        }
        catch (JsonException e)
        {
            throw new UnreadableResponseException(route.Operation, $"response does not match {typeof(T).Name}: {e.Message}", requestId, e);
        }
    }
}
