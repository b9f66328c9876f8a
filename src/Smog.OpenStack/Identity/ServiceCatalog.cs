using System.Collections.Immutable;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Identity;

/// <summary>
/// The token's service catalog and keystoneauth's endpoint choice (openstack-client.md §2.3): service type,
/// then the first interface in preference order that has endpoints, then region (region_id,
/// falling back to region; empty = any), skipping empty URLs; first match wins.
/// </summary>
public sealed class ServiceCatalog(ImmutableArray<CatalogService> services)
{
    public static readonly ServiceCatalog Empty = new([]);

    public ImmutableArray<CatalogService> Services { get; } = services;

    public Uri Endpoint(string serviceType, IReadOnlyList<string> interfaces, string? region)
    {
        var endpoints = Services.Where(s => s.Type == serviceType).SelectMany(s => s.Endpoints).ToList();
        foreach (var wanted in interfaces.Select(NormaliseInterface))
        {
            var match = endpoints.FirstOrDefault(e =>
                NormaliseInterface(e.Interface) == wanted && InRegion(e, region) && !string.IsNullOrEmpty(e.Url));
            if (match is not null) return new Uri(match.Url!);
        }
        var offered = endpoints.Count == 0
            ? "no such service; the catalog has " + string.Join(", ", Services.Select(s => s.Type).Distinct().Order(StringComparer.Ordinal))
            : "it offers " + string.Join(", ", endpoints.Select(e => $"{e.Interface}@{e.RegionId ?? e.Region ?? "?"}"));
        throw new OpenStackClientException(
            $"no {serviceType} endpoint with interface {string.Join("/", interfaces)} in region {(string.IsNullOrEmpty(region) ? "(any)" : region)}: {offered}");
    }

    /// <summary>Regions in which the catalog offers the service (to warn when no region was chosen).</summary>
    public IReadOnlyList<string> RegionsOf(string serviceType) => Services
        .Where(s => s.Type == serviceType)
        .SelectMany(s => s.Endpoints)
        .Select(e => e.RegionId ?? e.Region)
        .OfType<string>()
        .Distinct()
        .ToList();

    private static bool InRegion(CatalogEndpoint e, string? region) =>
        string.IsNullOrEmpty(region) || (e.RegionId ?? e.Region) == region;

    /// <summary>Legacy v2 names publicURL/internalURL/adminURL mean public/internal/admin.</summary>
    internal static string NormaliseInterface(string name) =>
        name.EndsWith("URL", StringComparison.Ordinal) ? name[..^3] : name;
}
