using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Cloud.Simulation;

/// <summary><c>GET /servers/{id}/topology</c> (2.78): one node per guest cell; empty with a null page size when the
/// instance has no NUMA topology. <see cref="ServerTopologyNodeView.HostNode"/> and pins are admin-only on the wire:
/// the HTTP layer drops them for members.</summary>
public sealed record ServerTopologyView(ImmutableArray<ServerTopologyNodeView> Nodes, long? PageSizeKiB);

/// <param name="Siblings">Guest vCPU groups that share a core, from the fit's threads per core (empty when 1).</param>
public sealed record ServerTopologyNodeView(
    CpuSet VcpuSet, ImmutableArray<CpuSet> Siblings, long MemoryMiB, int HostNode, ImmutableSortedDictionary<int, int> CpuPinning);
