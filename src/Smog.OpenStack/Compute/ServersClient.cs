using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Nova;

namespace Smog.OpenStack.Compute;

/// <summary>Filters for GET /servers/detail. <see cref="Name"/> is a regular expression on Nova's side.</summary>
public sealed record ServerQuery
{
    public string? Name { get; init; }
    /// <summary>Servers carrying all these tags (2.26).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Admin: every project's servers.</summary>
    public bool AllProjects { get; init; }

    internal Query ToQuery() => Query.Empty
        .Add("name", Name)
        .AddIf(Tags.Count > 0, "tags", string.Join(',', Tags))
        .AddIf(AllProjects, "all_tenants", "1");
}

/// <summary>Servers: create, show, list, delete and the NUMA topology view (2.78).</summary>
public sealed class ServersClient(NovaClient owner, ApiConnection nova)
{
    /// <summary>POST /servers → 202 with the new id; the server builds asynchronously (see <see cref="ServerWaiter"/>).</summary>
    public async Task<NovaServerCreated> CreateAsync(ServerCreateRequest request, CancellationToken ct)
    {
        if (request.Server.Host is not null || request.Server.HypervisorHostname is not null) owner.Require(NovaClient.TargetHost, "create with host");
        return (await nova.CallAsync(Api.CreateServer.At(), request, ct).ConfigureAwait(false)).Take(b => b.Server);
    }

    /// <summary>GET /servers/{id}; 404 itemNotFound once the server is gone.</summary>
    public async Task<NovaServer> ShowAsync(string id, CancellationToken ct) =>
        (await nova.CallAsync(Api.ShowServer.At(id), ct).ConfigureAwait(false)).Take(b => b.Server);

    public async Task<ApiList<NovaServer>> ListAsync(ServerQuery query, CancellationToken ct) =>
        (await nova.CallAsync(Api.ListServers.At().With(query.ToQuery()), ct).ConfigureAwait(false)).List(b => b.Servers);

    /// <summary>DELETE → 204 at once; deletion completes asynchronously (wait for 404).</summary>
    public async Task<ApiReceipt> DeleteAsync(string id, CancellationToken ct) =>
        (await nova.CallAsync(Api.DeleteServer.At(id), ct).ConfigureAwait(false)).Receipt();

    /// <summary>POST /servers/{id}/action: 202 (confirmResize 204); the action completes asynchronously.</summary>
    public async Task<ApiReceipt> ActionAsync(string id, ServerAction action, CancellationToken ct) =>
        (await nova.CallAsync(Api.ServerAction.At(id), action, ct).ConfigureAwait(false)).Receipt();

    /// <summary>GET /servers/{id}/topology (2.78). host_node and cpu_pinning only for admins.</summary>
    public async Task<NovaServerTopology> TopologyAsync(string id, CancellationToken ct)
    {
        owner.Require(NovaClient.Topology, "server topology");
        return (await nova.CallAsync(Api.ShowServerTopology.At(id), ct).ConfigureAwait(false)).Take(b => b);
    }
}
