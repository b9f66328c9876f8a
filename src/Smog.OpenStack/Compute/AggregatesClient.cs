using System.Globalization;
using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Nova;

namespace Smog.OpenStack.Compute;

/// <summary>Host aggregates (admin). Paths take the integer id; the UUID is refused there.</summary>
public sealed class AggregatesClient(ApiConnection nova)
{
    public async Task<ApiList<NovaAggregate>> ListAsync(CancellationToken ct) =>
        (await nova.CallAsync(Api.ListAggregates.At(), ct).ConfigureAwait(false)).List(b => b.Aggregates);

    public async Task<NovaAggregate> ShowAsync(int id, CancellationToken ct) =>
        (await nova.CallAsync(Api.ShowAggregate.At(Id(id)), ct).ConfigureAwait(false)).Take(b => b.Aggregate);

    /// <summary>POST /os-aggregates → 200; 409 on a duplicate name.</summary>
    public async Task<NovaAggregate> CreateAsync(string name, string? availabilityZone, CancellationToken ct) =>
        (await nova.CallAsync(Api.CreateAggregate.At(), new AggregateEnvelope<AggregateCreate>(new(name, availabilityZone)), ct).ConfigureAwait(false))
            .Take(b => b.Aggregate);

    /// <summary>DELETE → 200; 400 while hosts remain.</summary>
    public async Task<ApiReceipt> DeleteAsync(int id, CancellationToken ct) =>
        (await nova.CallAsync(Api.DeleteAggregate.At(Id(id)), ct).ConfigureAwait(false)).Receipt();

    /// <summary>404 for an unknown host, 409 when it is already a member.</summary>
    public Task<NovaAggregate> AddHostAsync(int id, string host, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { AddHost = new HostRef(host) }, ct);

    public Task<NovaAggregate> RemoveHostAsync(int id, string host, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { RemoveHost = new HostRef(host) }, ct);

    /// <summary>Sets keys; a null value deletes that key.</summary>
    public Task<NovaAggregate> SetMetadataAsync(int id, IReadOnlyDictionary<string, string?> metadata, CancellationToken ct) =>
        ActionAsync(id, new AggregateAction { SetMetadata = new MetadataRef(new(metadata)) }, ct);

    private async Task<NovaAggregate> ActionAsync(int id, AggregateAction action, CancellationToken ct) =>
        (await nova.CallAsync(Api.AggregateAction.At(Id(id)), action, ct).ConfigureAwait(false)).Take(b => b.Aggregate);

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
