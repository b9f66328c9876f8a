using Smog.OpenStack.Http;
using static Smog.OpenStack.Compute.ComputeJsonContext;

namespace Smog.OpenStack.Compute;

/// <summary>Flavors, their extra specs and access lists (api-ref compute "Flavors", "Flavors Extra-Specs", "Flavor Access").</summary>
public sealed class FlavorsClient(ApiConnection nova)
{
    /// <summary>GET /flavors/detail; admins pass <paramref name="includePrivate"/> to see private flavors too.</summary>
    public async Task<IReadOnlyList<NovaFlavor>> ListAsync(bool includePrivate, CancellationToken ct) =>
        (await nova.GetAsync(includePrivate ? "/flavors/detail?is_public=None" : "/flavors/detail", Default.FlavorsEnvelope, ct).ConfigureAwait(false)).Flavors;

    public async Task<NovaFlavor> ShowAsync(string id, CancellationToken ct) =>
        (await nova.GetAsync($"/flavors/{Esc(id)}", Default.FlavorEnvelopeNovaFlavor, ct).ConfigureAwait(false)).Flavor;

    public async Task<NovaFlavor?> FindByNameAsync(string name, bool includePrivate, CancellationToken ct) =>
        (await ListAsync(includePrivate, ct).ConfigureAwait(false)).FirstOrDefault(f => f.Name == name);

    /// <summary>POST /flavors → 200; 409 when the name or id exists.</summary>
    public async Task<NovaFlavor> CreateAsync(FlavorCreate flavor, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Post, "/flavors", new FlavorEnvelope<FlavorCreate>(flavor),
            Default.FlavorEnvelopeFlavorCreate, Default.FlavorEnvelopeNovaFlavor, ct).ConfigureAwait(false)).Flavor;

    /// <summary>DELETE /flavors/{id} → 202.</summary>
    public Task DeleteAsync(string id, CancellationToken ct) => nova.DeleteAsync($"/flavors/{Esc(id)}", ct);

    public async Task<IReadOnlyDictionary<string, string>> ListExtraSpecsAsync(string id, CancellationToken ct) =>
        (await nova.GetAsync($"/flavors/{Esc(id)}/os-extra_specs", Default.ExtraSpecsEnvelope, ct).ConfigureAwait(false)).ExtraSpecs;

    /// <summary>POST os-extra_specs: adds or overwrites these keys and keeps the others; returns the echo.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SetExtraSpecsAsync(string id, IReadOnlyDictionary<string, string> specs, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Post, $"/flavors/{Esc(id)}/os-extra_specs", new ExtraSpecsEnvelope(new(specs)),
            Default.ExtraSpecsEnvelope, Default.ExtraSpecsEnvelope, ct).ConfigureAwait(false)).ExtraSpecs;

    /// <summary>GET os-extra_specs/{key} → {key: value}; 404 when unset.</summary>
    public async Task<string> ShowExtraSpecAsync(string id, string key, CancellationToken ct)
    {
        var one = await nova.GetAsync($"/flavors/{Esc(id)}/os-extra_specs/{Esc(key)}", Default.DictionaryStringString, ct).ConfigureAwait(false);
        return one.TryGetValue(key, out var value) ? value : throw new OpenStackClientException($"nova answered extra spec {key} without that key");
    }

    /// <summary>DELETE os-extra_specs/{key} → 200; 404 when unset.</summary>
    public Task UnsetExtraSpecAsync(string id, string key, CancellationToken ct) =>
        nova.DeleteAsync($"/flavors/{Esc(id)}/os-extra_specs/{Esc(key)}", ct);

    public async Task<IReadOnlyList<FlavorAccess>> ListAccessAsync(string id, CancellationToken ct) =>
        (await nova.GetAsync($"/flavors/{Esc(id)}/os-flavor-access", Default.FlavorAccessEnvelope, ct).ConfigureAwait(false)).FlavorAccess;

    public Task<IReadOnlyList<FlavorAccess>> AddAccessAsync(string id, string projectId, CancellationToken ct) =>
        AccessActionAsync(id, new FlavorAccessAction { Add = new TenantRef(projectId) }, ct);

    public Task<IReadOnlyList<FlavorAccess>> RemoveAccessAsync(string id, string projectId, CancellationToken ct) =>
        AccessActionAsync(id, new FlavorAccessAction { Remove = new TenantRef(projectId) }, ct);

    private async Task<IReadOnlyList<FlavorAccess>> AccessActionAsync(string id, FlavorAccessAction action, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Post, $"/flavors/{Esc(id)}/action", action,
            Default.FlavorAccessAction, Default.FlavorAccessEnvelope, ct).ConfigureAwait(false)).FlavorAccess;

    private static string Esc(string s) => Uri.EscapeDataString(s);
}
