using System.Collections.Immutable;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Contract;

/// <summary>The request or response type of a route that has no body.</summary>
public sealed class NoBody
{
    public static readonly NoBody Instance = new();
    private NoBody() { }
}

/// <summary>The request type of a route whose body is raw bytes (<c>application/octet-stream</c>), not JSON.</summary>
public sealed class OctetStream
{
    private OctetStream() { }
}

/// <summary>
/// One operation of an OpenStack API, as data (Tempest's per-operation status code and
/// response schema): service, operation name, method, path template under the service's
/// versioned base URL, the success statuses the real API answers with, and the JSON
/// metadata of the request and response bodies.
/// </summary>
/// <remarks>
/// Templates name their parameters in braces (<c>/flavors/{flavor_id}</c>); a parameter
/// matches one path segment. The catalogue (<see cref="ApiRoutes"/>) is what the clients send
/// and what an embedded cloud serves, so both speak the same shapes.
/// </remarks>
public abstract partial class ApiRoute
{
    private readonly Regex pattern;

    private protected ApiRoute(string service, string operation, HttpMethod method, string template, ImmutableArray<int> expected)
    {
        if (expected.IsDefaultOrEmpty || expected.Any(s => s is < 200 or > 299))
            throw new ArgumentException($"{operation}: expected statuses must be 2xx", nameof(expected));
        Service = service;
        Operation = operation;
        Method = method;
        Template = template;
        Expected = expected;
        pattern = new Regex("^" + Parameter().Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), "[^/?]+") + @"(\?.*)?$");
    }

    /// <summary>Service name as in logs and recordings: nova, placement, glance, neutron, keystone.</summary>
    public string Service { get; }

    /// <summary>What the operation does, in error messages: "create flavor".</summary>
    public string Operation { get; }

    public HttpMethod Method { get; }

    /// <summary>Path under the service's versioned base URL, e.g. <c>/flavors/{flavor_id}/os-extra_specs</c>; "" is the base itself.</summary>
    public string Template { get; }

    /// <summary>The success statuses the real API answers with; any other 2xx is an <see cref="UnexpectedStatusException"/>.</summary>
    public ImmutableArray<int> Expected { get; }

    /// <summary>Source-generated metadata of the request body; null when there is none or it is raw bytes.</summary>
    public abstract JsonTypeInfo? RequestType { get; }

    /// <summary>Source-generated metadata of the response body; null when the answer has none.</summary>
    public abstract JsonTypeInfo? ResponseType { get; }

    /// <summary>Number of template parameters: a literal route (<c>/flavors/detail</c>) beats a parameter (<c>/flavors/{flavor_id}</c>).</summary>
    public int Parameters => Parameter().Count(Template);

    /// <summary>True when <paramref name="path"/> (under the base URL, query allowed) is this route's.</summary>
    public bool Matches(HttpMethod method, string path) => method == Method && pattern.IsMatch(path);

    /// <summary>Throws <see cref="UnexpectedStatusException"/> unless <paramref name="status"/> is one this operation answers with.</summary>
    public void EnsureExpected(int status, string? requestId)
    {
        if (!Expected.Contains(status)) throw new UnexpectedStatusException(Operation, Expected, status, requestId);
    }

    /// <summary>The template with each parameter replaced, in order, by its percent-encoded value.</summary>
    public string Fill(params string[] values)
    {
        var next = 0;
        var path = Parameter().Replace(Template, _ => next < values.Length
            ? Uri.EscapeDataString(values[next++])
            : throw new ArgumentException($"{Operation}: {Template} needs more than {values.Length} values", nameof(values)));
        return next == values.Length ? path : throw new ArgumentException($"{Operation}: {Template} takes {next} values, not {values.Length}", nameof(values));
    }

    public override string ToString() => $"{Service} {Operation}: {Method} {Template} → {string.Join("/", Expected)}";

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex Parameter();
}

/// <summary>A route with typed bodies; <see cref="NoBody"/> stands for "none".</summary>
public sealed class ApiRoute<TRequest, TResponse> : ApiRoute
{
    public ApiRoute(string service, string operation, HttpMethod method, string template, ImmutableArray<int> expected,
        JsonTypeInfo<TRequest>? request, JsonTypeInfo<TResponse>? response)
        : base(service, operation, method, template, expected)
    {
        if ((response is null) != (typeof(TResponse) == typeof(NoBody)))
            throw new ArgumentException($"{operation}: a response type needs its JSON metadata, and NoBody none", nameof(response));
        RequestJson = request;
        ResponseJson = response;
    }

    public JsonTypeInfo<TRequest>? RequestJson { get; }
    public JsonTypeInfo<TResponse>? ResponseJson { get; }
    public override JsonTypeInfo? RequestType => RequestJson;
    public override JsonTypeInfo? ResponseType => ResponseJson;

    /// <summary>A call of this route: the template filled with <paramref name="values"/> (escaped).</summary>
    public ApiCall<TRequest, TResponse> At(params string[] values) => new(this, Fill(values));
}

/// <summary>A route with its path filled in, ready for <see cref="ApiConnection"/>.</summary>
public readonly record struct ApiCall<TRequest, TResponse>(ApiRoute<TRequest, TResponse> Route, string Path)
{
    /// <summary>The same call with a query string appended.</summary>
    public ApiCall<TRequest, TResponse> With(Query query) => this with { Path = Path + query };
}
