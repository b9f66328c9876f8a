using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace Smog.OpenStack.Contract;

/// <summary>
/// The catalogue of every OpenStack operation Smog's clients call, by service (nested classes
/// <see cref="Nova"/>, <see cref="Placement"/>, <see cref="Glance"/>, <see cref="Neutron"/>,
/// <see cref="Keystone"/>). The clients send through these routes, so an answer with another
/// success status fails naming the operation; an embedded cloud can serve the same routes with
/// the same DTOs; and the recorded real exchanges are checked against it.
/// </summary>
/// <remarks>
/// Expected statuses follow what Zed's APIs answer (the recordings in
/// tests/fixtures/openstack-exchanges and the api-ref), e.g. flavor create 200, flavor delete
/// 202, server create 202, server delete 204, Glance and Neutron creates 201.
/// </remarks>
public static partial class ApiRoutes
{
    /// <summary>
    /// Path prefix of each service's versioned API under its endpoint's host, as the usual
    /// catalog URLs end (Placement's root is its API).
    /// </summary>
    public static readonly ImmutableDictionary<string, string> PathPrefixes = new Dictionary<string, string>
    {
        ["keystone"] = "/v3",
        ["nova"] = "/v2.1",
        ["placement"] = "",
        ["glance"] = "/v2",
        ["neutron"] = "/v2.0",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Every route, service by service in declaration order.</summary>
    public static ImmutableArray<ApiRoute> All => AllRoutes.Value;

    // Lazy: the service classes call this class's factories while they initialise.
    private static readonly Lazy<ImmutableArray<ApiRoute>> AllRoutes = new(() =>
    [
        .. RoutesOf(typeof(Keystone)), .. RoutesOf(typeof(Nova)), .. RoutesOf(typeof(Placement)),
        .. RoutesOf(typeof(Glance)), .. RoutesOf(typeof(Neutron)),
    ]);

    /// <summary>
    /// The route serving a request, given the full path as it went over the wire (prefix and
    /// query included); a literal segment beats a parameter (<c>/flavors/detail</c> is not a
    /// flavor id). Null when no route matches.
    /// </summary>
    public static ApiRoute? Find(string service, HttpMethod method, string fullPath)
    {
        if (!PathPrefixes.TryGetValue(service, out var prefix) || !fullPath.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var path = fullPath[prefix.Length..];
        if (path == "/" || path.StartsWith("/?", StringComparison.Ordinal)) path = path[1..]; // the base URL itself
        return All.Where(r => r.Service == service && r.Matches(method, path)).MinBy(r => r.Parameters);
    }

    // The catalogue lists itself: every public static route field of a service class, in declaration order.
    private static IEnumerable<ApiRoute> RoutesOf(Type service) =>
        service.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => typeof(ApiRoute).IsAssignableFrom(f.FieldType))
            .OrderBy(f => f.MetadataToken)
            .Select(f => (ApiRoute)f.GetValue(null)!);

    private static ApiRoute<NoBody, TResponse> Get<TResponse>(string service, string operation, string template, JsonTypeInfo<TResponse> response) =>
        new(service, operation, HttpMethod.Get, template, [200], null, response);

    private static ApiRoute<NoBody, NoBody> Delete(string service, string operation, string template, int status) =>
        new(service, operation, HttpMethod.Delete, template, [status], null, null);

    private static ApiRoute<TRequest, TResponse> Send<TRequest, TResponse>(string service, string operation, HttpMethod method, string template, int status,
        JsonTypeInfo<TRequest>? request, JsonTypeInfo<TResponse>? response) =>
        new(service, operation, method, template, [status], request, response);
}
