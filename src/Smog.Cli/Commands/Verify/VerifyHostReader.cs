using System.Text.Json;
using Smog.Libvirt.Expectations;
using Smog.Topology;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// Reads <c>--host</c>: the HostTopology JSON <c>smog discover --output json</c> prints, or the
/// boot oracle's <c>host_numa_topology</c> cell list. The other formats <c>discover --from</c>
/// reads (capabilities XML, hwloc XML, numactl) come through the discover parsers when they are
/// on the same branch.
/// </summary>
internal static class VerifyHostReader
{
    public static HostTopology Read(string path)
    {
        var text = VerifyInputs.ReadText(path);
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith('{') && !trimmed.StartsWith('['))
            throw new InputException($"{path}: expected discover JSON (smog discover --output json) or a host_numa_topology list");
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            if (root.ValueKind == JsonValueKind.Array) return NovaInputJson.Host(root);
            if (root.TryGetProperty("host_numa_topology", out var cells)) return NovaInputJson.Host(cells);
            return JsonSerializer.Deserialize(text, TopologyJsonContext.Default.HostTopology)
                ?? throw new InputException($"{path}: empty host topology");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{path}: not a host topology ({e.Message.Split('\n')[0]})");
        }
    }
}
