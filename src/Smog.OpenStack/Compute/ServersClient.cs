using System.Text;
using Smog.OpenStack.Http;
using static Smog.OpenStack.Compute.ComputeJsonContext;

namespace Smog.OpenStack.Compute;

/// <summary>Filters for GET /servers/detail. <see cref="Name"/> is a regular expression on Nova's side.</summary>
public sealed record ServerQuery
{
    public string? Name { get; init; }
    /// <summary>Servers carrying all these tags (2.26).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Admin: every project's servers.</summary>
    public bool AllProjects { get; init; }
}

/// <summary>Servers: create, show, list, delete and the NUMA topology view (2.78).</summary>
public sealed class ServersClient(NovaClient owner, ApiConnection nova)
{
    /// <summary>POST /servers → 202 with the new id; the server builds asynchronously (see <see cref="ServerWaiter"/>).</summary>
    public async Task<NovaServerCreated> CreateAsync(ServerCreateRequest request, CancellationToken ct)
    {
        if (request.Server.Host is not null || request.Server.HypervisorHostname is not null) owner.Require(NovaClient.TargetHost, "create with host");
        return (await nova.SendJsonAsync(HttpMethod.Post, "/servers", request, Default.ServerCreateRequest, Default.ServerCreatedEnvelope, ct).ConfigureAwait(false)).Server;
    }

    /// <summary>GET /servers/{id}; 404 itemNotFound once the server is gone.</summary>
    public async Task<NovaServer> ShowAsync(string id, CancellationToken ct) =>
        (await nova.GetAsync($"/servers/{Uri.EscapeDataString(id)}", Default.ServerEnvelope, ct).ConfigureAwait(false)).Server;

    public async Task<IReadOnlyList<NovaServer>> ListAsync(ServerQuery query, CancellationToken ct) =>
        (await nova.GetAsync("/servers/detail" + QueryString(query), Default.ServersEnvelope, ct).ConfigureAwait(false)).Servers;

    /// <summary>DELETE → 204 at once; deletion completes asynchronously (wait for 404).</summary>
    public Task DeleteAsync(string id, CancellationToken ct) => nova.DeleteAsync($"/servers/{Uri.EscapeDataString(id)}", ct);

    /// <summary>GET /servers/{id}/topology (2.78). host_node and cpu_pinning only for admins.</summary>
    public async Task<NovaServerTopology> TopologyAsync(string id, CancellationToken ct)
    {
        owner.Require(NovaClient.Topology, "server topology");
        return await nova.GetAsync($"/servers/{Uri.EscapeDataString(id)}/topology", Default.NovaServerTopology, ct).ConfigureAwait(false);
    }

    internal static string QueryString(ServerQuery query)
    {
        var parts = new List<string>();
        if (query.Name is not null) parts.Add("name=" + Uri.EscapeDataString(query.Name));
        if (query.Tags.Count > 0) parts.Add("tags=" + Uri.EscapeDataString(string.Join(',', query.Tags)));
        if (query.AllProjects) parts.Add("all_tenants=1");
        var sb = new StringBuilder();
        if (parts.Count > 0) sb.Append('?').AppendJoin('&', parts);
        return sb.ToString();
    }
}
