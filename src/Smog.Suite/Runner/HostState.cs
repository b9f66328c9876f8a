using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Scheduling;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.Suite.Selection;
using Smog.Topology;

namespace Smog.Suite.Runner;

/// <summary>
/// A host as the engine must see it right before a boot: the discovered topology and nova.conf
/// with every guest now on the host claimed from Nova's topology API (its pins, cells, memory
/// and page size). Null <see cref="Node"/> when the state cannot be known.
/// </summary>
public sealed record HostState(DiscoveredHost Host, ComputeNode? Node, ImmutableArray<string> Guests, string? Unknown)
{
    public static async Task<HostState> ReadAsync(SuiteClients clients, DiscoveredHost discovered, CancellationToken ct)
    {
        var host = await CloudDiscovery.WithPlacementAsync(discovered, clients.Placement, ct).ConfigureAwait(false);
        var hypervisor = (await clients.AdminNova.Hypervisors.ListAsync(host.HypervisorHostname, withServers: true, ct).ConfigureAwait(false))
            .FirstOrDefault(h => h.HypervisorHostname == host.HypervisorHostname);
        var guests = (hypervisor?.Servers ?? []).Select(s => s.Uuid).ToImmutableArray();
        if (host.Topology is not { } topology) return new(host, null, guests, "no host access: topology unknown");
        if (host.Conf is not { } conf) return new(host, null, guests, "nova.conf not readable: CPU sets unknown");
        if (clients.AdminNova.Microversion < NovaClient.Topology) return new(host, null, guests, $"compute API {clients.AdminNova.Microversion} has no topology API (2.78)");
        var node = ComputeNode.FromTopology(topology, conf);
        foreach (var id in guests)
        {
            NovaServerTopology answer;
            try
            {
                answer = await clients.AdminNova.Servers.TopologyAsync(id, ct).ConfigureAwait(false);
            }
            catch (OpenStackNotFoundException)
            {
                continue; // deleted meanwhile
            }
            if (answer.Nodes.Count == 0) continue; // no NUMA topology: it claims no cell
            var (claimed, error) = node.Claim(Fitted(answer));
            if (claimed is null) return new(host, null, guests, $"guest {id} cannot be claimed on the model: {error}");
            node = claimed;
        }
        return new(host, node, guests, null);
    }

    /// <summary>The instance topology Nova stored, as the topology API shows it (admin: host node and pins).</summary>
    public static FittedTopology Fitted(NovaServerTopology answer) => new(
        [.. answer.Nodes.Select((n, i) =>
        {
            var pins = (n.CpuPinning ?? []).ToImmutableSortedDictionary();
            var pinned = CpuSet.Of(pins.Keys);
            return new FittedCell
            {
                Id = i,
                HostCell = n.HostNode ?? 0,
                Cpus = CpuSet.Of(n.VcpuSet) - pinned,
                Pcpus = pinned,
                MemoryMiB = n.MemoryMiB,
                PageSizeKiB = answer.PageSizeKiB,
                CpuPolicy = pinned.IsEmpty ? null : pinned.Count == n.VcpuSet.Count ? CpuPolicy.Dedicated : CpuPolicy.Mixed,
                CpuPinning = pins,
            };
        })],
        null);
}
