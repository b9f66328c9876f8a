using System.Text.Json;
using Smog.Cli.Commands.Discover;
using Smog.Libvirt.Expectations;
using Smog.Topology;
using Smog.Topology.Merge;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// Reads <c>--host</c>: anything <c>smog discover --from</c> reads (capabilities XML, hwloc XML,
/// numactl, lstopo, discover JSON, a sysfs tree), or the boot oracle's <c>host_numa_topology</c>
/// (a bare cell list, or an oracle output holding one).
/// </summary>
internal static class VerifyHostReader
{
    public static HostTopology Read(string path)
    {
        if (OracleHost(path) is { } oracle) return oracle;
        var sources = TopologyFileReader.ReadAllAsync([path], CancellationToken.None).GetAwaiter().GetResult();
        return TopologyMerger.Merge(sources).Topology;
    }

    private static HostTopology? OracleHost(string path)
    {
        if (Directory.Exists(path)) return null;
        var text = VerifyInputs.ReadText(path).TrimStart();
        if (!text.StartsWith('[') && !(text.StartsWith('{') && text.Contains("\"host_numa_topology\"", StringComparison.Ordinal))) return null;
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return NovaInputJson.Host(root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("host_numa_topology"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{path}: not a host topology ({e.Message.Split('\n')[0]})");
        }
    }
}
