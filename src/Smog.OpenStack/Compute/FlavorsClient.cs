using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Nova;

namespace Smog.OpenStack.Compute;

/// <summary>Flavors, their extra specs and access lists (api-ref compute "Flavors", "Flavors Extra-Specs", "Flavor Access").</summary>
public sealed class FlavorsClient(ApiConnection nova)
{
    /// <summary>GET /flavors/detail; admins pass <paramref name="includePrivate"/> to see private flavors too.</summary>
    public async Task<ApiList<NovaFlavor>> ListAsync(bool includePrivate, CancellationToken ct) =>
        (await nova.CallAsync(Api.ListFlavors.At().With(Query.Empty.AddIf(includePrivate, "is_public", "None")), ct).ConfigureAwait(false)).List(b => b.Flavors);

    public async Task<NovaFlavor> ShowAsync(string id, CancellationToken ct) =>
        (await nova.CallAsync(Api.ShowFlavor.At(id), ct).ConfigureAwait(false)).Take(b => b.Flavor);

    /// <summary>The first flavor of that name, carrying the list's request id.</summary>
    public async Task<NovaFlavor?> FindByNameAsync(string name, bool includePrivate, CancellationToken ct)
    {
        var all = await ListAsync(includePrivate, ct).ConfigureAwait(false);
        return all.FirstOrDefault(f => f.Name == name) is { } found ? ApiRecord.Stamp(found, all.RequestId) : null;
    }

    /// <summary>POST /flavors → 200; 409 when the name or id exists.</summary>
    public async Task<NovaFlavor> CreateAsync(FlavorCreate flavor, CancellationToken ct) =>
        (await nova.CallAsync(Api.CreateFlavor.At(), new FlavorEnvelope<FlavorCreate>(flavor), ct).ConfigureAwait(false)).Take(b => b.Flavor);

    /// <summary>DELETE /flavors/{id} → 202.</summary>
    public async Task<ApiReceipt> DeleteAsync(string id, CancellationToken ct) =>
        (await nova.CallAsync(Api.DeleteFlavor.At(id), ct).ConfigureAwait(false)).Receipt();

    public async Task<ApiMap> ListExtraSpecsAsync(string id, CancellationToken ct) =>
        Map(await nova.CallAsync(Api.ListExtraSpecs.At(id), ct).ConfigureAwait(false));

    /// <summary>POST os-extra_specs: adds or overwrites these keys and keeps the others; returns the echo.</summary>
    public async Task<ApiMap> SetExtraSpecsAsync(string id, IReadOnlyDictionary<string, string> specs, CancellationToken ct) =>
        Map(await nova.CallAsync(Api.SetExtraSpecs.At(id), new ExtraSpecsEnvelope(new(specs)), ct).ConfigureAwait(false));

    /// <summary>GET os-extra_specs/{key} → {key: value}; 404 when unset.</summary>
    public async Task<ExtraSpec> ShowExtraSpecAsync(string id, string key, CancellationToken ct)
    {
        var answer = await nova.CallAsync(Api.ShowExtraSpec.At(id, key), ct).ConfigureAwait(false);
        return answer.Body.TryGetValue(key, out var value)
            ? new ExtraSpec(key, value) { RequestId = answer.RequestId }
            : throw new UnreadableResponseException(Api.ShowExtraSpec.Operation, $"the answer lacks the key {key}", answer.RequestId);
    }

    /// <summary>DELETE os-extra_specs/{key} → 200; 404 when unset.</summary>
    public async Task<ApiReceipt> UnsetExtraSpecAsync(string id, string key, CancellationToken ct) =>
        (await nova.CallAsync(Api.UnsetExtraSpec.At(id, key), ct).ConfigureAwait(false)).Receipt();

    public async Task<ApiList<FlavorAccess>> ListAccessAsync(string id, CancellationToken ct) =>
        (await nova.CallAsync(Api.ListFlavorAccess.At(id), ct).ConfigureAwait(false)).List(b => b.FlavorAccess);

    public Task<ApiList<FlavorAccess>> AddAccessAsync(string id, string projectId, CancellationToken ct) =>
        AccessActionAsync(id, new FlavorAccessAction { Add = new TenantRef(projectId) }, ct);

    public Task<ApiList<FlavorAccess>> RemoveAccessAsync(string id, string projectId, CancellationToken ct) =>
        AccessActionAsync(id, new FlavorAccessAction { Remove = new TenantRef(projectId) }, ct);

    private async Task<ApiList<FlavorAccess>> AccessActionAsync(string id, FlavorAccessAction action, CancellationToken ct) =>
        (await nova.CallAsync(Api.FlavorAccessAction.At(id), action, ct).ConfigureAwait(false)).List(b => b.FlavorAccess);

    private static ApiMap Map(ApiResponse<ExtraSpecsEnvelope> answer) => new(answer.Body.ExtraSpecs, answer.RequestId);
}
