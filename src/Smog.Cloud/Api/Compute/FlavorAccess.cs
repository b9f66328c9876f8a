using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Smog.Cloud.Api.Compute;

/// <summary>
/// os-flavor-access: which projects may use each private flavor. The simulation schedules any
/// flavor it is given; who may see a private flavor is an API question, so the list lives here.
/// </summary>
public sealed class FlavorAccess
{
    private readonly ConcurrentDictionary<string, ImmutableSortedSet<string>> tenants = new(StringComparer.Ordinal);

    public ImmutableSortedSet<string> Of(string flavorId) => tenants.GetValueOrDefault(flavorId, []);

    public bool Allows(string flavorId, string projectId) => Of(flavorId).Contains(projectId);

    public ImmutableSortedSet<string> Add(string flavorId, string projectId) =>
        tenants.AddOrUpdate(flavorId, _ => [projectId], (_, set) => set.Add(projectId));

    public ImmutableSortedSet<string> Remove(string flavorId, string projectId) =>
        tenants.AddOrUpdate(flavorId, _ => [], (_, set) => set.Remove(projectId));

    public void Forget(string flavorId) => tenants.TryRemove(flavorId, out _);
}
