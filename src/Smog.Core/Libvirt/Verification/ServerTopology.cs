using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// The answer of <c>GET /servers/{id}/topology</c> (compute API microversion 2.78): one node per
/// guest cell with its vCPUs, memory, host node, pinning and host siblings.
/// </summary>
public sealed record ServerTopology(ImmutableArray<ServerTopologyNode> Nodes, long? PageSizeKiB)
{
    public static Parsed<ServerTopology> Parse(string json, string source)
    {
        try
        {
            var root = JsonDocument.Parse(json).RootElement;
            if (!root.TryGetProperty("nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Array)
                return Parsed<ServerTopology>.Fail(new ParseError(source, null, "a 'nodes' array (compute API 2.78 server topology)"));
            var parsed = nodes.EnumerateArray().Select(n => new ServerTopologyNode(
                CpuSet.Of(n.GetProperty("vcpu_set").EnumerateArray().Select(x => x.GetInt32())),
                n.GetProperty("memory_mb").GetInt64(),
                n.TryGetProperty("host_node", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : null,
                n.TryGetProperty("cpu_pinning", out var p) && p.ValueKind == JsonValueKind.Object
                    ? p.EnumerateObject().ToImmutableSortedDictionary(kv => int.Parse(kv.Name, CultureInfo.InvariantCulture), kv => kv.Value.GetInt32())
                    : ImmutableSortedDictionary<int, int>.Empty));
            long? page = root.TryGetProperty("pagesize_kb", out var ps) && ps.ValueKind == JsonValueKind.Number ? ps.GetInt64() : null;
            return Parsed<ServerTopology>.Ok(new ServerTopology([.. parsed], page));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Parsed<ServerTopology>.Fail(new ParseError(source, null, "server topology JSON (nodes[].vcpu_set, memory_mb)", e.Message));
        }
    }
}

public sealed record ServerTopologyNode(CpuSet VcpuSet, long MemoryMiB, int? HostNode, ImmutableSortedDictionary<int, int> CpuPinning);
