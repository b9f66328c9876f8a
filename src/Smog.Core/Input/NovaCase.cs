using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Input;

/// <summary>
/// One case of the oracle case schema (shared/oracle/README.md, "Direct oracle: case schema"),
/// read once: the request, the host (absent when a discovered host replaces it), the limits, the
/// PCI pools and nova.conf's <c>config</c>.
/// </summary>
public sealed record NovaCase
{
    public string? Name { get; init; }
    public required NovaRequest Request { get; init; }
    /// <summary>The case's own host; null when the case has none (a discovered host must be given).</summary>
    public NovaHost? Host { get; init; }
    /// <summary>Absent → Nova's initial ratios; an explicit <c>null</c> in the case → no limits at all.</summary>
    public FitLimits? Limits { get; init; } = FitLimits.Default;
    public ImmutableArray<PciPool>? PciPools { get; init; }
    public NovaConf Conf { get; init; } = NovaConf.Default;

    public Flavor Flavor => Request.Flavor;
    public ImageProperties Image => Request.Image;

    /// <summary>
    /// The compute node this case describes. A case host's cells carry their own cpuset/pcpuset,
    /// so nova.conf's CPU sets do not reshape them; when the config names no sets, a host whose
    /// cells' pcpuset and cpuset differ stands for <c>cpu_dedicated_set</c>/<c>cpu_shared_set</c>
    /// (what the generator needs for emulator and floating pins).
    /// </summary>
    public ComputeNode Node()
    {
        var host = Host ?? throw new InvalidOperationException("the case has no host: use Node(topology)");
        return new ComputeNode { Host = host, Conf = ConfFor(host, Conf), Limits = Limits, PciPools = PciPools };
    }

    /// <summary>The case on a discovered host: nova.conf shapes the host's CPU pools.</summary>
    public ComputeNode Node(HostTopology discovered) =>
        ComputeNode.FromTopology(discovered, Conf) with { Limits = Limits, PciPools = PciPools };

    private static NovaConf ConfFor(NovaHost host, NovaConf conf)
    {
        if (conf.CpuDedicatedSet is not null || conf.CpuSharedSet is not null || conf.VcpuPinSet is not null) return conf;
        var pcpus = host.Cells.Aggregate(CpuSet.Empty, (acc, cell) => acc | cell.Pcpuset);
        var cpus = host.Cells.Aggregate(CpuSet.Empty, (acc, cell) => acc | cell.Cpuset);
        return pcpus == cpus ? conf : conf with { CpuDedicatedSet = pcpus, CpuSharedSet = cpus };
    }
}
