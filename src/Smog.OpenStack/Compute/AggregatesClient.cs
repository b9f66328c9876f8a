using Smog.OpenStack.Http;
using static Smog.OpenStack.Compute.ComputeJsonContext;

namespace Smog.OpenStack.Compute;

/// <summary>Host aggregates (admin). Paths take the integer id; the UUID is refused there.</summary>
public sealed class AggregatesClient(ApiConnection nova)
{
    public async Task<IReadOnlyList<NovaAggregate>> ListAsync(CancellationToken ct) =>
        (await nova.GetAsync("/os-aggregates", Default.AggregatesEnvelope, ct).ConfigureAwait(false)).Aggregates;

    public async Task<NovaAggregate> ShowAsync(int id, CancellationToken ct) =>
        (await nova.GetAsync($"/os-aggregates/{id}", Default.AggregateEnvelopeNovaAggregate, ct).ConfigureAwait(false)).Aggregate;

    /// <summary>POST /os-aggregates → 200; 409 on a duplicate name.</summary>
    public async Task<NovaAggregate> CreateAsync(string name, string? availabilityZone, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Post, "/os-aggregates", new AggregateEnvelope<AggregateCreate>(new(name, availabilityZone)),
            Default.AggregateEnvelopeAggregateCreate, Default.AggregateEnvelopeNovaAggregate, ct).ConfigureAwait(false)).Aggregate;

    /// <summary>DELETE → 200; 400 while hosts remain.</summary>
    public Task DeleteAsync(int id, CancellationToken ct) => nova.DeleteAsync($"/os-aggregates/{id}", ct);

    /// <summary>404 for an unknown host, 409 when it is already a member.</summary>
    public Task<NovaAggregate> AddHostAsync(int id, string host, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { AddHost = new HostRef(host) }, ct);

    public Task<NovaAggregate> RemoveHostAsync(int id, string host, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { RemoveHost = new HostRef(host) }, ct);

    /// <summary>Sets keys; a null value deletes that key.</summary>
    public Task<NovaAggregate> SetMetadataAsync(int id, IReadOnlyDictionary<string, string?> metadata, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { SetMetadata = new MetadataRef(new(metadata)) }, ct);

    private async Task<NovaAggregate> ActionAsync(int id, AggregateAction action, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Post, $"/os-aggregates/{id}/action", action,
            Default.AggregateAction, Default.AggregateEnvelopeNovaAggregate, ct).ConfigureAwait(false)).Aggregate;
}
