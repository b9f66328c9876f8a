using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Smog.Nova;
using Smog.OpenStack.Contract;
using Microsoft.Extensions.Logging;

namespace Smog.OpenStack.Http;

public sealed record VersionLink([property: JsonPropertyName("rel")] string Rel, [property: JsonPropertyName("href")] string Href);

public sealed record VersionInfo
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    /// <summary>Nova's max microversion; "" when the API has none.</summary>
    [JsonPropertyName("version")] public string? Version { get; init; }
    /// <summary>Placement's spelling of the max.</summary>
    [JsonPropertyName("max_version")] public string? MaxVersion { get; init; }
    [JsonPropertyName("min_version")] public string? MinVersion { get; init; }
    [JsonPropertyName("links")] public List<VersionLink>? Links { get; init; }
    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }
}

/// <summary>Either a single version (GET /v2.1) or the list (GET /).</summary>
public sealed record VersionDocument
{
    [JsonPropertyName("version")] public VersionInfo? Version { get; init; }
    [JsonPropertyName("versions")] public List<VersionInfo>? Versions { get; init; }
}

[JsonSerializable(typeof(VersionDocument))]
public sealed partial class VersionJsonContext : JsonSerializerContext;

/// <summary>
/// Reads a service's microversion range from its version document, unauthenticated
/// (openstack-client.md §2.4). Nova's catalog URL answers with one version; a root URL with a list, from which
/// the CURRENT entry is taken. A URL ending in a project id that is not a version document is
/// retried without it, as keystoneauth does.
/// </summary>
public static partial class VersionDiscovery
{
    public static async Task<VersionRange> DiscoverAsync(ApiConnection connection, ILogger log, CancellationToken ct)
    {
        var doc = await TryGetAsync(connection, ct).ConfigureAwait(false);
        if (doc is null && ProjectSuffix().IsMatch(connection.BaseUri.AbsolutePath))
        {
            var parent = new Uri(connection.BaseUri, ".");
            log.LogDebug("{Service}: {Url} is not a version document; trying {Parent}", connection.Service, connection.BaseUri, parent);
            doc = await TryGetAsync(new ApiConnection(connection.Service, parent, HttpClientOf(connection), null), ct).ConfigureAwait(false);
        }
        var info = Choose(doc) ?? throw new OpenStackClientException($"{connection.Service}: no version document at {connection.BaseUri}");
        return Range(connection.Service, info);
    }

    internal static VersionInfo? Choose(VersionDocument? doc) =>
        doc?.Version
        ?? doc?.Versions?.FirstOrDefault(v => v.Status == "CURRENT")
        ?? doc?.Versions?.OrderByDescending(v => v.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>"" or absent max means the API has no microversions: only the base version.</summary>
    internal static VersionRange Range(string service, VersionInfo info)
    {
        var max = info.Version is { Length: > 0 } v ? v : info.MaxVersion;
        if (string.IsNullOrEmpty(max) || !Microversion.TryParse(max, out var maxVersion))
        {
            throw new OpenStackClientException($"{service} version {info.Id} offers no microversions");
        }
        var min = Microversion.TryParse(info.MinVersion, out var m) ? m : maxVersion;
        return new VersionRange(min, maxVersion);
    }

    private static async Task<VersionDocument?> TryGetAsync(ApiConnection connection, CancellationToken ct)
    {
        var route = connection.Service == ApiRoutes.Placement.Service ? ApiRoutes.Placement.ShowVersions : ApiRoutes.Nova.ShowVersion;
        try
        {
            var doc = (await connection.CallAsync(route.At(), ct, authenticated: false).ConfigureAwait(false)).Body;
            return doc.Version is null && doc.Versions is null ? null : doc;
        }
        catch (Exception e) when (e is OpenStackApiException or OpenStackResponseException)
        {
            return null;
        }
    }

    private static HttpClient HttpClientOf(ApiConnection connection) => connection.Http;

    /// <summary>/v2.1/&lt;32-hex project id&gt; (old-style Nova catalog entries).</summary>
    [GeneratedRegex(@"/[0-9a-fA-F]{32}/?$")]
    private static partial Regex ProjectSuffix();
}
