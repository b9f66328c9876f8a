using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.Nova;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.OpenStack.Identity;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;
using Smog.OpenStack.Placement;

namespace Smog.OpenStack;

/// <summary>How to build the HTTP stack; everything has a production default.</summary>
public sealed record OpenStackClientOptions
{
    /// <summary>The innermost handler; tests pass a fake. Default: a SocketsHttpHandler with the cloud's TLS settings.</summary>
    public HttpMessageHandler? PrimaryHandler { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    /// <summary>When set, every exchange is appended, sanitised, to this JSON Lines file.</summary>
    public string? RecordExchangesTo { get; init; }
}

/// <summary>
/// One cloud: the Keystone session plus lazily connected service clients, each negotiated
/// once. Handler chain: retries → (recorder) → wire, so each wire attempt is recorded.
/// </summary>
public sealed class OpenStackCloud : IDisposable
{
    private readonly HttpClient http;
    private readonly OpenStackClientOptions options;
    private readonly ILogger log;
    private readonly SemaphoreSlim connecting = new(1, 1);
    private NovaClient? nova;
    private PlacementClient? placement;
    private ImagesClient? images;
    private NetworkClient? network;
    private IdentityClient? identity;

    public OpenStackCloud(CloudConfig config, OpenStackClientOptions? options = null)
    {
        this.options = options ?? new OpenStackClientOptions();
        log = this.options.Loggers.CreateLogger("Smog.OpenStack");
        HttpMessageHandler inner = this.options.PrimaryHandler ?? WireHandler(config.Tls);
        if (this.options.RecordExchangesTo is { } file)
        {
            inner = new ExchangeRecorder(file, () => KnownSecrets(config)) { InnerHandler = inner };
        }
        var retries = new ResilienceHandler(this.options.Retry, this.options.Time, log) { InnerHandler = inner };
        // Per-attempt timeouts live in the retry handler; the client itself waits for the whole retry sequence.
        http = new HttpClient(retries) { Timeout = Timeout.InfiniteTimeSpan };
        Config = config;
        Session = new KeystoneSession(config, http, this.options.Time, log);
    }

    public CloudConfig Config { get; }
    public KeystoneSession Session { get; }
    public TimeProvider Time => options.Time;

    /// <summary>Nova at the negotiated microversion; discovered once per cloud.</summary>
    public Task<NovaClient> ComputeAsync(CancellationToken ct) => OnceAsync(() => nova, c => nova = c, async () =>
        await NovaClient.ConnectAsync(await ConnectionAsync("compute", "nova", null, ct).ConfigureAwait(false),
            NovaClient.Requested(Config.For("compute").ApiVersion), log, ct).ConfigureAwait(false), ct);

    public Task<PlacementClient> PlacementAsync(CancellationToken ct) => OnceAsync(() => placement, c => placement = c, async () =>
        await PlacementClient.ConnectAsync(await ConnectionAsync("placement", "placement", null, ct).ConfigureAwait(false),
            Microversion.TryParse(Config.For("placement").ApiVersion, out var v) && v.Minor > 0 ? v : null, log, ct).ConfigureAwait(false), ct);

    public Task<ImagesClient> ImagesAsync(CancellationToken ct) => OnceAsync(() => images, c => images = c, async () =>
        new ImagesClient(await ConnectionAsync("image", "glance", "v2", ct).ConfigureAwait(false), options.Time, log), ct);

    public Task<NetworkClient> NetworkAsync(CancellationToken ct) => OnceAsync(() => network, c => network = c, async () =>
        new NetworkClient(await ConnectionAsync("network", "neutron", "v2.0", ct).ConfigureAwait(false)), ct);

    /// <summary>Keystone's own API (catalog type identity), for application credentials.</summary>
    public Task<IdentityClient> IdentityAsync(CancellationToken ct) => OnceAsync(() => identity, c => identity = c, async () =>
        new IdentityClient(await ConnectionAsync("identity", "keystone", "v3", ct).ConfigureAwait(false)), ct);

    /// <summary>Connects a service client once, even when several callers ask at the same time.</summary>
    private async Task<T> OnceAsync<T>(Func<T?> get, Action<T> set, Func<Task<T>> connect, CancellationToken ct) where T : class
    {
        if (get() is { } ready) return ready;
        await connecting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (get() is { } raced) return raced;
            var client = await connect().ConfigureAwait(false);
            set(client);
            return client;
        }
        finally
        {
            connecting.Release();
        }
    }

    public ServerWaiter ServerWaiter(NovaClient compute) => new(compute.Servers, options.Time, log);

    /// <summary>Glance and Neutron catalog URLs are usually version-less: append the version unless present.</summary>
    private async Task<ApiConnection> ConnectionAsync(string serviceType, string name, string? versionSuffix, CancellationToken ct)
    {
        var endpoint = await Session.EndpointAsync(serviceType, ct).ConfigureAwait(false);
        if (versionSuffix is not null && !endpoint.AbsolutePath.TrimEnd('/').EndsWith("/" + versionSuffix, StringComparison.Ordinal))
        {
            endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + versionSuffix);
        }
        return new ApiConnection(name, endpoint, http, Session, null, log);
    }

    private IEnumerable<string> KnownSecrets(CloudConfig config) =>
        config.Auth.Secrets().Concat(Session.IssuedTokens).Select(s => s.Reveal());

    private static SocketsHttpHandler WireHandler(TlsSettings tls)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!tls.Verify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (tls.CaCertFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None) return true;
                if (cert is null || chain is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                return chain.Build(new X509Certificate2(cert));
            };
        }
        if (tls.CertFile is { } certFile)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certFile, tls.KeyFile)];
        }
        return handler;
    }

    public void Dispose()
    {
        connecting.Dispose();
        Session.Dispose();
        http.Dispose();
    }
}
