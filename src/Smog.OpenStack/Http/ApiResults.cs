using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Smog.OpenStack.Http;

/// <summary>
/// A resource as one answer returned it, carrying that answer's request id (to grep the
/// service's logs for). Items inside a list carry none; the <see cref="ApiList{T}"/> does.
/// </summary>
public abstract record ApiRecord
{
    /// <summary>x-openstack-request-id (or x-compute-request-id) of the answer; null when the service sent none.</summary>
    [JsonIgnore] public string? RequestId { get; init; }

    /// <summary>The same record stamped with <paramref name="requestId"/>.</summary>
    public static T Stamp<T>(T record, string? requestId) where T : ApiRecord => (T)((ApiRecord)record with { RequestId = requestId });
}

/// <summary>A list answer: the items in the service's order, and the answer's request id.</summary>
public sealed class ApiList<T>(IEnumerable<T> items, string? requestId) : IReadOnlyList<T>
{
    private readonly ImmutableArray<T> items = [.. items];

    public string? RequestId { get; } = requestId;
    public int Count => items.Length;
    public T this[int index] => items[index];
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A key → value answer (flavor extra specs) and its request id.</summary>
public sealed class ApiMap(IEnumerable<KeyValuePair<string, string>> values, string? requestId) : IReadOnlyDictionary<string, string>
{
    private readonly ImmutableDictionary<string, string> values = values.ToImmutableDictionary(StringComparer.Ordinal);

    public string? RequestId { get; } = requestId;
    public string this[string key] => values[key];
    public IEnumerable<string> Keys => values.Keys;
    public IEnumerable<string> Values => values.Values;
    public int Count => values.Count;
    public bool ContainsKey(string key) => values.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => values.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What is left of an answer without a body (a 202 or 204 to a delete): its status and request id.</summary>
public sealed record ApiReceipt(int Status, string? RequestId);

/// <summary>One answer as <see cref="ApiConnection"/> returns it: the body read with the route's DTO, the status and the request id.</summary>
public sealed record ApiResponse<T>(T Body, int Status, string? RequestId)
{
    /// <summary>A record out of the body (usually the envelope's one member), stamped with the request id.</summary>
    public TOut Take<TOut>(Func<T, TOut> pick) where TOut : ApiRecord => ApiRecord.Stamp(pick(Body), RequestId);

    /// <summary>A list out of the body, carrying the request id.</summary>
    public ApiList<TItem> List<TItem>(Func<T, IEnumerable<TItem>> pick) => new(pick(Body), RequestId);

    public ApiReceipt Receipt() => new(Status, RequestId);
}
