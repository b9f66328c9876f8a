using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Config;
using Smog.OpenStack.Contract;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Identity;

/// <summary>A Keystone token and what came with it. Printing it shows no token value.</summary>
public sealed record KeystoneToken(
    Secret Value,
    DateTimeOffset ExpiresAt,
    string? UserId,
    string? UserName,
    string? ProjectId,
    string? ProjectName,
    ImmutableArray<string> Roles,
    ServiceCatalog Catalog)
{
    /// <summary>Zed's effective admin: role admin on a project-scoped token (openstack-client.md §4).</summary>
    public bool IsAdmin => Roles.Contains("admin") && ProjectId is not null;
}

/// <summary>
/// Authenticates against Keystone v3 and keeps one token: re-authenticates when it expires
/// within <see cref="RefreshMargin"/> or when a service answered 401, one re-auth at a time
/// (keystoneauth's session behaviour, openstack-client.md §2.5).
/// </summary>
public sealed class KeystoneSession : ITokenSource, IDisposable
{
    /// <summary>keystoneauth refreshes a token that expires within 120 s.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(120);

    private readonly CloudConfig config;
    private readonly HttpClient http;
    private readonly TimeProvider time;
    private readonly ILogger log;
    private readonly SemaphoreSlim gate = new(1, 1);
    private KeystoneToken? current;
    private readonly List<Secret> issued = [];

    public KeystoneSession(CloudConfig config, HttpClient http, TimeProvider time, ILogger? logger = null)
    {
        this.config = config;
        this.http = http;
        this.time = time;
        log = logger ?? NullLogger.Instance;
    }

    public CloudConfig Config => config;

    /// <summary>Every token this session obtained, so recorders can scrub them.</summary>
    public IReadOnlyList<Secret> IssuedTokens
    {
        get
        {
            lock (issued) return [.. issued];
        }
    }

    /// <summary>Number of successful token requests (for tests and diagnostics).</summary>
    public int Authentications { get; private set; }

    /// <summary>The current token, authenticating first if needed. Null for auth types none/admin_token.</summary>
    public async Task<KeystoneToken?> TokenAsync(CancellationToken ct)
    {
        if (config.AuthType is AuthType.None or AuthType.AdminToken) return null;
        var token = current;
        if (token is not null && !ExpiresSoon(token)) return token;
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller may have re-authenticated while this one waited.
            if (current is { } fresh && !ExpiresSoon(fresh)) return fresh;
            current = await AuthenticateAsync(ct).ConfigureAwait(false);
            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask<Secret?> GetTokenAsync(CancellationToken cancellationToken) =>
        config.AuthType == AuthType.AdminToken ? config.Auth.Token : (await TokenAsync(cancellationToken).ConfigureAwait(false))?.Value;

    public void Invalidate(Secret token)
    {
        // Only the refused token is forgotten; a newer one obtained meanwhile stays.
        var refused = current;
        if (refused is not null && refused.Value.Equals(token)) Interlocked.CompareExchange(ref current, null, refused);
    }

    /// <summary>The endpoint for a service type: <c>&lt;svc&gt;_endpoint_override</c>, the fixed endpoint, or the catalog.</summary>
    public async Task<Uri> EndpointAsync(string serviceType, CancellationToken ct)
    {
        var choice = config.For(serviceType);
        if (choice.EndpointOverride is { } over) return new Uri(over);
        if (config.AuthType is AuthType.None or AuthType.AdminToken)
        {
            return new Uri(config.Auth.Endpoint ?? throw new OpenStackClientException($"no endpoint for {serviceType}: set {serviceType}_endpoint_override"));
        }
        var token = await TokenAsync(ct).ConfigureAwait(false);
        if (choice.Region is null && token!.Catalog.RegionsOf(serviceType) is { Count: > 1 } regions)
        {
            log.LogWarning("no region chosen and the catalog offers {Service} in {Regions}; taking the first", serviceType, string.Join(", ", regions));
        }
        return token!.Catalog.Endpoint(serviceType, [choice.Interface], choice.Region);
    }

    private bool ExpiresSoon(KeystoneToken token) => token.ExpiresAt - time.GetUtcNow() < RefreshMargin;

    private async Task<KeystoneToken> AuthenticateAsync(CancellationToken ct)
    {
        var url = TokenRequest.TokenUrl(config.Auth.AuthUrl ?? throw new OpenStackClientException("auth.auth_url is missing"));
        var body = TokenRequest.Body(config.AuthType, config.Auth).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Options.Set(OpenStackRequestOptions.Service, "keystone");
        request.Headers.Accept.ParseAdd("application/json");
        if (config.AuthType == AuthType.Token) request.Headers.TryAddWithoutValidation("X-Auth-Token", config.Auth.Token!.Reveal());

        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var requestId = ErrorMapper.RequestId(response);
        var route = ApiRoutes.Keystone.IssueToken;
        if (!response.IsSuccessStatusCode)
        {
            throw ErrorMapper.Map("keystone", HttpMethod.Post, url.AbsolutePath, response.StatusCode, requestId, text, response.ReasonPhrase, route.Operation);
        }
        route.EnsureExpected((int)response.StatusCode, requestId);
        var subject = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(subject)) throw new UnreadableResponseException(route.Operation, "201 without an X-Subject-Token header", requestId);
        TokenBody token;
        try
        {
            token = JsonSerializer.Deserialize(text, route.ResponseJson!)?.Token
                ?? throw new UnreadableResponseException(route.Operation, "empty token body", requestId);
        }
        catch (JsonException e)
        {
            throw new UnreadableResponseException(route.Operation, $"token body not understood: {e.Message}", requestId, e);
        }
        Authentications++;
        lock (issued) issued.Add(new Secret(subject));
        log.LogDebug("authenticated to {Cloud} as {User} on project {Project}, token expires {Expires:O}",
            config.Name, token.User.Name ?? token.User.Id, token.Project?.Name ?? token.Project?.Id ?? "(unscoped)", token.ExpiresAt);
        return new KeystoneToken(
            new Secret(subject),
            token.ExpiresAt,
            token.User.Id,
            token.User.Name,
            token.Project?.Id,
            token.Project?.Name,
            [.. (token.Roles ?? []).Select(r => r.Name).OfType<string>()],
            new ServiceCatalog([.. token.Catalog ?? []]));
    }

    public void Dispose() => gate.Dispose();
}
