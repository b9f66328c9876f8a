using System.Text.Json;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Cli.Commands.Plan;

/// <summary>Turns a <c>smog discover --output json</c> file plus nova.conf CPU options into the Nova host model.</summary>
internal static class DiscoveredHost
{
    public static NovaHost Load(string path, ComputeCpuConfig config) =>
        NovaHostFromTopology.Build(ReadTopology(path), config);

    /// <summary>The nova.conf CPU-set options given on the command line, checked as nova-compute checks them.</summary>
    public static ComputeCpuConfig CpuConfig(PlanCommand.Settings settings)
    {
        var config = new ComputeCpuConfig
        {
            CpuDedicatedSet = Set(settings.CpuDedicatedSet, "--cpu-dedicated-set"),
            CpuSharedSet = Set(settings.CpuSharedSet, "--cpu-shared-set"),
            VcpuPinSet = Set(settings.VcpuPinSet, "--vcpu-pin-set"),
        };
        if (config.CpuDedicatedSet is { } d && config.CpuSharedSet is { } s && d.Overlaps(s))
            throw new InputException($"--cpu-dedicated-set and --cpu-shared-set overlap on {d & s} (nova-compute refuses to start)");
        return config;
    }

    private static HostTopology ReadTopology(string path)
    {
        HostTopology? topology;
        try { topology = JsonSerializer.Deserialize(InputFiles.ReadText(path), TopologyJsonContext.Default.HostTopology); }
        catch (IOException e) { throw new InputException($"{path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new InputException($"{path}: {e.Message}"); }
        catch (JsonException e) { throw new InputException($"{path}: not a discovered topology ({JsonErrors.Plain(e)})"); }
        if (topology is null || topology.Cells.IsEmpty) throw new InputException($"{path}: the topology has no NUMA cells");
        return topology;
    }

    private static CpuSet? Set(string? text, string option) =>
        text is null ? null
        : CpuSet.TryParse(text, out var set, out var error) ? set
        : throw new InputException($"{option}: {error}");
}
