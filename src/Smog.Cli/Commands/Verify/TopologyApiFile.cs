using System.Text.Json;
using Smog.Cli.Input;
using Smog.Libvirt.Verification;
using Smog.OpenStack.Compute;
using Smog.Topology;

namespace Smog.Cli.Commands.Verify;

/// <summary>
/// <c>verify --topology-api FILE</c>: the server's GET /servers/{id}/topology answer, read through
/// the OpenStack client's own DTO (the one reader of that JSON).
/// </summary>
internal static class TopologyApiFile
{
    public static ServerTopology Read(string path)
    {
        var text = InputFiles.Text(path);
        try
        {
            var answer = JsonSerializer.Deserialize(text, ComputeJsonContext.Default.NovaServerTopology)
                ?? throw new JsonException("null instead of an object");
            return answer.ToServerTopology();
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? (int)n + 1 : (int?)null;
            throw new InputException(ParseError.Fault(path, line, $"not a compute API 2.78 server topology (nodes[].vcpu_set, memory_mb): {JsonFaults.Describe(e)}").ToString());
        }
    }
}
