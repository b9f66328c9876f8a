using System.Text.Json;
using Smog.Libvirt.Expectations;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Nova.Cases;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Cli.Commands.Plan;

/// <summary>
/// <c>smog plan --xml</c>: the NUMA-relevant domain elements Nova 26's libvirt driver would write
/// for a planned case (comparable to the boot oracle's <c>numa_xml</c>).
/// </summary>
internal static class PlanXml
{
    /// <summary>The XML text, or null with the reason when Nova would not build a domain.</summary>
    public static (string? Xml, string? Refusal) Render(PlanResult result, PlanCase planCase, NovaComputeConfig? configOverride)
    {
        if (result.Request.ConstraintsError is { } refused) return (null, $"no domain: the API refuses the request ({refused})");
        if (!result.Fits || !result.FilterPasses) return (null, "no domain: the instance does not fit this host (NoValidHost)");
        var config = configOverride ?? ConfigOf(planCase.Raw, result.Host);
        var (domain, error) = DomainGenerator.Generate(planCase.Flavor, planCase.Image, result.Fitted, TopologyOf(result.Host), config);
        return domain is null ? (null, $"no domain: the build fails ({error})") : (DomainWriter.ToText(domain), null);
    }

    /// <summary>
    /// nova.conf from the case's <c>config</c> groups; a direct-oracle host with distinct per-cell
    /// pcpuset/cpuset stands for <c>cpu_dedicated_set</c>/<c>cpu_shared_set</c> when those are absent.
    /// </summary>
    private static NovaComputeConfig ConfigOf(JsonElement raw, NovaHost host)
    {
        var config = NovaInputJson.Config(raw.TryGetProperty("config", out var c) ? c : null);
        if (config.CpuDedicatedSet is not null || config.CpuSharedSet is not null || config.VcpuPinSet is not null) return config;
        var pcpus = host.Cells.Aggregate(CpuSet.Empty, (acc, cell) => acc | cell.Pcpuset);
        var cpus = host.Cells.Aggregate(CpuSet.Empty, (acc, cell) => acc | cell.Cpuset);
        return pcpus == cpus ? config : config with { CpuDedicatedSet = pcpus, CpuSharedSet = cpus };
    }

    /// <summary>The host as the libvirt driver sees it: each cell's usable CPUs and sibling groups.</summary>
    private static HostTopology TopologyOf(NovaHost host)
    {
        var cells = host.Cells.Select(cell => new NumaCell
        {
            Id = cell.Id,
            Cpus = cell.Cpuset | cell.Pcpuset,
            Siblings = [.. cell.Siblings.Select(g => CpuSet.Of(g)).OrderBy(g => g.Min)],
            MemoryMiB = cell.MemoryMiB,
            Pages = [.. cell.Mempages.Select(p => new PagePool(p.SizeKiB, p.Total, p.Free))],
        }).ToList();
        var cpus = cells.SelectMany(cell => cell.Cpus.Select(id =>
            new CpuInfo(id, cell.Id, 0, 0, cell.Siblings.FirstOrDefault(g => g.Contains(id))?.Min ?? id)));
        return new HostTopology { Cells = [.. cells], Cpus = [.. cpus.OrderBy(c => c.Id)] };
    }
}
