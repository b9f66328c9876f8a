using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// What <c>GET /servers/{id}/topology</c> (compute API microversion 2.78) says about a server:
/// one node per guest cell with its vCPUs, memory, host node and pinning. Core reads no JSON;
/// Smog.OpenStack's <c>NovaServerTopology</c> reads the answer and maps it to this record.
/// </summary>
/// <param name="PageSizeKiB">Null unless a page size applies.</param>
public sealed record ServerTopology(ImmutableArray<ServerTopologyNode> Nodes, long? PageSizeKiB);

/// <param name="HostNode">Null for non-admins (the key is absent).</param>
/// <param name="CpuPinning">Guest vCPU → host pCPU; empty when unpinned or for non-admins.</param>
public sealed record ServerTopologyNode(CpuSet VcpuSet, long MemoryMiB, int? HostNode, ImmutableSortedDictionary<int, int> CpuPinning);
