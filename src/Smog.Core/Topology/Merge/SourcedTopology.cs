using Smog.Topology.Parsers;

namespace Smog.Topology.Merge;

/// <summary>A parsed topology with the label of where it came from ("numactl -H", a file name).</summary>
public sealed record SourcedTopology(string Source, TopologyFormat Format, HostTopology Topology);
