using System.Collections.Immutable;

namespace Smog.Topology;

/// <summary>
/// The merged result of discovery: the topology, which source supplied each fact
/// (<see cref="Provenance"/>, e.g. <c>cells[1].memory_mb</c> → <c>numactl -H</c>; keys are listed in
/// <see cref="Merge.TopologyMerger"/>) and the
/// disagreements between sources, as warnings.
/// </summary>
public sealed record DiscoveryReport
{
    public required HostTopology Topology { get; init; }
    public ImmutableArray<string> Sources { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Provenance { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public ImmutableArray<string> Warnings { get; init; } = [];
}
