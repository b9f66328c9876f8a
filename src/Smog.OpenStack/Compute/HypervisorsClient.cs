using Smog.OpenStack.Http;
using static Smog.OpenStack.Compute.ComputeJsonContext;

namespace Smog.OpenStack.Compute;

/// <summary>Hypervisors (admin), at 2.53+ with UUID ids and their service host.</summary>
public sealed class HypervisorsClient(ApiConnection nova)
{
    /// <summary>
    /// GET /os-hypervisors/detail. <paramref name="hostnamePattern"/> is a substring match; Nova
    /// answers 404 when nothing matches, which this returns as an empty list.
    /// </summary>
    public async Task<IReadOnlyList<NovaHypervisor>> ListAsync(string? hostnamePattern, bool withServers, CancellationToken ct)
    {
        var query = new List<string>();
        if (hostnamePattern is not null) query.Add("hypervisor_hostname_pattern=" + Uri.EscapeDataString(hostnamePattern));
        if (withServers) query.Add("with_servers=true");
        var path = "/os-hypervisors/detail" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        try
        {
            return (await nova.GetAsync(path, Default.HypervisorsEnvelope, ct).ConfigureAwait(false)).Hypervisors;
        }
        catch (OpenStackNotFoundException) when (hostnamePattern is not null)
        {
            return [];
        }
    }

    public async Task<NovaHypervisor> ShowAsync(string id, bool withServers, CancellationToken ct) =>
        (await nova.GetAsync($"/os-hypervisors/{Uri.EscapeDataString(id)}{(withServers ? "?with_servers=true" : "")}",
            Default.HypervisorEnvelope, ct).ConfigureAwait(false)).Hypervisor;
}

/// <summary>os-services (admin): list, disable with a reason, enable.</summary>
public sealed class ComputeServicesClient(ApiConnection nova)
{
    public async Task<IReadOnlyList<NovaService>> ListAsync(string? binary, string? host, CancellationToken ct)
    {
        var query = new List<string>();
        if (binary is not null) query.Add("binary=" + Uri.EscapeDataString(binary));
        if (host is not null) query.Add("host=" + Uri.EscapeDataString(host));
        var path = "/os-services" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return (await nova.GetAsync(path, Default.ServicesEnvelope, ct).ConfigureAwait(false)).Services;
    }

    public Task<NovaService> DisableAsync(string id, string reason, CancellationToken ct) => UpdateAsync(id, new ServiceUpdate("disabled", reason), ct);

    public Task<NovaService> EnableAsync(string id, CancellationToken ct) => UpdateAsync(id, new ServiceUpdate("enabled", null), ct);

    private async Task<NovaService> UpdateAsync(string id, ServiceUpdate update, CancellationToken ct) =>
        (await nova.SendJsonAsync(HttpMethod.Put, $"/os-services/{Uri.EscapeDataString(id)}", update,
            Default.ServiceUpdate, Default.ServiceEnvelope, ct).ConfigureAwait(false)).Service;
}
