using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.Nova;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Compute;

/// <summary>
/// Nova at one negotiated microversion (openstack-client.md §3.1): discovers the server's range, takes
/// min(wanted, server max) and sends it on every call in both headers keystoneauth sends.
/// Never "latest", so shapes do not drift with the server.
/// </summary>
public sealed class NovaClient
{
    /// <summary>Highest microversion whose shapes Smog models: covers 2.74 host, 2.78 topology, 2.86 extra-spec validation.</summary>
    public static readonly Microversion Wanted = new(2, 88);

    public static readonly Microversion Topology = new(2, 78);
    public static readonly Microversion TargetHost = new(2, 74);
    public static readonly Microversion UuidIds = new(2, 53);

    private NovaClient(ApiConnection connection, VersionRange server, Microversion microversion)
    {
        Connection = connection;
        ServerRange = server;
        Microversion = microversion;
        Flavors = new FlavorsClient(connection);
        Aggregates = new AggregatesClient(connection);
        Servers = new ServersClient(this, connection);
        Hypervisors = new HypervisorsClient(connection);
        Services = new ComputeServicesClient(connection);
    }

    public ApiConnection Connection { get; }
    public VersionRange ServerRange { get; }
    public Microversion Microversion { get; }
    public FlavorsClient Flavors { get; }
    public AggregatesClient Aggregates { get; }
    public ServersClient Servers { get; }
    public HypervisorsClient Hypervisors { get; }
    public ComputeServicesClient Services { get; }

    /// <param name="unversioned">The compute endpoint without microversion headers.</param>
    /// <param name="requested">A configured compute_api_version, or null for <see cref="Wanted"/>.</param>
    public static async Task<NovaClient> ConnectAsync(ApiConnection unversioned, Microversion? requested, ILogger? logger, CancellationToken ct)
    {
        var log = logger ?? NullLogger.Instance;
        var range = await VersionDiscovery.DiscoverAsync(unversioned, log, ct).ConfigureAwait(false);
        var effective = range.Negotiate("nova", requested ?? Wanted);
        if (effective < UuidIds) throw new OpenStackClientException($"nova supports up to {range.Max}; Smog needs at least {UuidIds}");
        log.LogDebug("nova: server {Min}–{Max}, using {Effective}", range.Min, range.Max, effective);
        return new NovaClient(unversioned.WithHeaders(Headers(effective), (r, l) => CheckEcho(r, effective, l)), range, effective);
    }

    /// <summary>
    /// Nova echoes the microversion it served (Tempest's BaseComputeClient checks it): a
    /// missing or different echo means a proxy dropped the header or the server ignored it, and
    /// the shapes may not be the ones Smog modelled.
    /// </summary>
    internal static void CheckEcho(HttpResponseMessage response, Microversion sent, ILogger log)
    {
        var echo = response.Headers.TryGetValues("OpenStack-API-Version", out var values) ? values.FirstOrDefault() : null;
        if (echo != $"compute {sent}")
        {
            log.LogWarning("nova {Path}: sent microversion {Sent} but the answer says {Echo}",
                response.RequestMessage?.RequestUri?.AbsolutePath, sent, echo ?? "nothing");
        }
    }

    /// <summary>compute_api_version from config: a non-zero minor is a request; "2", "2.0", "2.1" mean no preference.</summary>
    public static Microversion? Requested(string? configured) =>
        Microversion.TryParse(configured, out var v) && v.Minor > 1 ? v : null;

    public static IReadOnlyDictionary<string, string> Headers(Microversion v) => new Dictionary<string, string>
    {
        ["OpenStack-API-Version"] = $"compute {v}",
        ["X-OpenStack-Nova-API-Version"] = v.ToString(),
    };

    /// <summary>Fails with "cloud supports up to X; FEATURE needs Y" when the negotiated version is too low.</summary>
    public void Require(Microversion needed, string feature)
    {
        if (Microversion < needed)
        {
            throw new OpenStackClientException($"nova at {Microversion} (cloud supports up to {ServerRange.Max}); {feature} needs {needed}");
        }
    }
}
