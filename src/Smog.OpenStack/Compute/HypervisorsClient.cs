using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Nova;

namespace Smog.OpenStack.Compute;

/// <summary>Hypervisors (admin), at 2.53+ with UUID ids and their service host.</summary>
public sealed class HypervisorsClient(ApiConnection nova)
{
    /// <summary>
    /// GET /os-hypervisors/detail. <paramref name="hostnamePattern"/> is a substring match; Nova
    /// answers 404 when nothing matches, which this returns as an empty list (with that 404's request id).
    /// </summary>
    public async Task<ApiList<NovaHypervisor>> ListAsync(string? hostnamePattern, bool withServers, CancellationToken ct)
    {
        var query = Query.Empty.Add("hypervisor_hostname_pattern", hostnamePattern).AddIf(withServers, "with_servers", "true");
        try
        {
            return (await nova.CallAsync(Api.ListHypervisors.At().With(query), ct).ConfigureAwait(false)).List(b => b.Hypervisors);
        }
        catch (OpenStackNotFoundException e) when (hostnamePattern is not null)
        {
            return new ApiList<NovaHypervisor>([], e.RequestId);
        }
    }

    public async Task<NovaHypervisor> ShowAsync(string id, bool withServers, CancellationToken ct) =>
        (await nova.CallAsync(Api.ShowHypervisor.At(id).With(Query.Empty.AddIf(withServers, "with_servers", "true")), ct).ConfigureAwait(false))
            .Take(b => b.Hypervisor);
}

/// <summary>os-services (admin): list, disable with a reason, enable.</summary>
public sealed class ComputeServicesClient(ApiConnection nova)
{
    public async Task<ApiList<NovaService>> ListAsync(string? binary, string? host, CancellationToken ct) =>
        (await nova.CallAsync(Api.ListServices.At().With(Query.Empty.Add("binary", binary).Add("host", host)), ct).ConfigureAwait(false))
            .List(b => b.Services);

    public Task<NovaService> DisableAsync(string id, string reason, CancellationToken ct) => UpdateAsync(id, new ServiceUpdate("disabled", reason), ct);

    public Task<NovaService> EnableAsync(string id, CancellationToken ct) => UpdateAsync(id, new ServiceUpdate("enabled", null), ct);

    private async Task<NovaService> UpdateAsync(string id, ServiceUpdate update, CancellationToken ct) =>
        (await nova.CallAsync(Api.UpdateService.At(id), update, ct).ConfigureAwait(false)).Take(b => b.Service);
}
