using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Smog.Cloud.Api.Network;

/// <summary>
/// Neutron's networks, subnets and ports, kept as the JSON objects the API shows (Neutron's
/// resources are flat attribute bags; a port's <c>binding:*</c> attributes are what Nova reads).
/// Insertion order is kept for listings.
/// </summary>
public sealed class NetworkStore
{
    private readonly ConcurrentDictionary<string, Resource> items = new(StringComparer.Ordinal);
    private long order;

    private sealed record Resource(string Kind, long Order, JsonObject Body);

    public void Put(string kind, string id, JsonObject body) =>
        items.AddOrUpdate(id, _ => new Resource(kind, Interlocked.Increment(ref order), body), (_, old) => old with { Body = body });

    public JsonObject? Find(string kind, string id)
    {
        if (!items.TryGetValue(id, out var r) || r.Kind != kind) return null;
        lock (r.Body) return (JsonObject)r.Body.DeepClone();
    }

    public IEnumerable<JsonObject> All(string kind) =>
        items.Values.Where(r => r.Kind == kind).OrderBy(r => r.Order).Select(r =>
        {
            lock (r.Body) return (JsonObject)r.Body.DeepClone();
        }).ToList();

    public bool Remove(string kind, string id) => items.TryGetValue(id, out var r) && r.Kind == kind && items.TryRemove(id, out _);

    /// <summary>Changes a stored resource in place; false when it is gone.</summary>
    public bool Update(string kind, string id, Action<JsonObject> change)
    {
        if (!items.TryGetValue(id, out var r) || r.Kind != kind) return false;
        lock (r.Body) change(r.Body);
        return true;
    }
}
