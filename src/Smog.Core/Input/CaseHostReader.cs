using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova.Constraints;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Nova;
using Smog.Topology;
using static Smog.Input.JsonFields;

namespace Smog.Input;

/// <summary>
/// The host side of an oracle case: the host in either form (cells, or the shorthand), the
/// limits and the Smog extensions <c>pci_pools</c>/<c>pci_requests</c>. Unknown fields are ignored.
/// Throws <see cref="JsonFieldException"/>; <see cref="CaseReader"/> turns it into a ParseError.
/// </summary>
internal static class CaseHostReader
{
    public static NovaHost ParseHost(JsonElement host, string path = "host")
    {
        var dbRoundTrip = Opt(host, "db_round_trip") is not { } rt || Bool(rt, "host.db_round_trip");
        var specs = host.ValueKind == JsonValueKind.Array ? Array(host, path).Select(c => ParseCell(c.Item, c.Path)).ToList()
            : Opt(host, "cells") is { } cells ? Array(cells, $"{path}.cells").Select(c => ParseCell(c.Item, c.Path)).ToList()
            : ExpandShorthand(host);
        if (specs.Count == 0) throw new JsonFieldException($"{path} has no cells");
        CheckDisjoint(specs, host.ValueKind == JsonValueKind.Array ? path : $"{path}.cells");
        return NovaHostBuilder.Build(specs, dbRoundTrip);
    }

    /// <summary>A CPU belongs to one NUMA node, and a node id names one cell; anything else is a typo, not a host.</summary>
    private static void CheckDisjoint(List<HostCellSpec> specs, string path)
    {
        for (var j = 0; j < specs.Count; j++)
            for (var i = 0; i < j; i++)
            {
                if (specs[i].Id == specs[j].Id) throw new JsonFieldException($"{path}[{j}].id: cell {specs[j].Id} is also {path}[{i}]");
                if ((specs[i].Cpus & specs[j].Cpus) is { IsEmpty: false } both)
                    throw new JsonFieldException($"{path}[{j}]: CPUs {both} are also in cell {specs[i].Id}");
            }
    }

    /// <summary>
    /// The shorthand host: Intel-style numbering cpu = thread·(N·C) + node·C + core, so the
    /// threads of a core are N·C apart.
    /// </summary>
    private static List<HostCellSpec> ExpandShorthand(JsonElement host)
    {
        var nodes = Int(Req(host, "numa_nodes", "host"), "host.numa_nodes");
        var cores = Int(Req(host, "cores_per_node", "host"), "host.cores_per_node");
        var threads = Opt(host, "threads_per_core") is { } t ? Int(t, "host.threads_per_core") : 1;
        var memory = Opt(host, "memory_mb_per_node") is { } m ? Long(m, "host.memory_mb_per_node") : 16384;
        if (nodes < 1 || cores < 1 || threads < 1) throw new JsonFieldException("host: numa_nodes, cores_per_node and threads_per_core must be ≥ 1");
        if ((long)nodes * cores > CpuSet.MaxCpuId || (long)nodes * cores * threads > CpuSet.MaxCpuId + 1)
            throw new JsonFieldException($"host: numa_nodes × cores_per_node × threads_per_core must be at most {CpuSet.MaxCpuId + 1} CPUs");
        var huge = new List<(long, long)>();
        foreach (var (key, size) in new[] { ("hugepages_2m_per_node", 2048L), ("hugepages_1g_per_node", 1048576L) })
            if (Opt(host, key) is { } n && Long(n, $"host.{key}") is var count and > 0) huge.Add((size, count));
        var total = nodes * cores;
        return [.. Enumerable.Range(0, nodes).Select(node =>
        {
            var siblings = Enumerable.Range(0, cores)
                .Select(core => Enumerable.Range(0, threads).Select(th => th * total + node * cores + core).ToImmutableArray())
                .ToImmutableArray();
            return new HostCellSpec
            {
                Id = node,
                Cpus = CpuSet.Of(siblings.SelectMany(s => s)),
                Siblings = siblings,
                MemoryMiB = memory,
                HugePages = [.. huge],
            };
        })];
    }

    private static HostCellSpec ParseCell(JsonElement c, string path)
    {
        var order = Opt(c, "siblings_order") is { } o ? Str(o, $"{path}.siblings_order") switch
        {
            "libvirt" => SiblingOrder.Libvirt,
            "given" => SiblingOrder.Given,
            "ascending" => SiblingOrder.Ascending,
            var other => throw new JsonFieldException($"{path}.siblings_order must be libvirt, given or ascending, found \"{other}\""),
        } : SiblingOrder.Libvirt;
        return new HostCellSpec
        {
            Id = Int(Req(c, "id", path), $"{path}.id"),
            // The boot oracle's host_numa_topology lists cpuset/pcpuset instead of cpus.
            Cpus = Opt(c, "cpus") is { } all ? Cpus(all, $"{path}.cpus")
                : Opt(c, "cpuset") is not null || Opt(c, "pcpuset") is not null
                    ? (Opt(c, "cpuset") is { } cs0 ? Cpus(cs0, $"{path}.cpuset") : CpuSet.Empty) | (Opt(c, "pcpuset") is { } pc0 ? Cpus(pc0, $"{path}.pcpuset") : CpuSet.Empty)
                    : Cpus(Req(c, "cpus", path), $"{path}.cpus"),
            Siblings = Opt(c, "siblings") is { } s
                ? [.. Array(s, $"{path}.siblings").Select(g => Ints(g.Item, g.Path))]
                : null,
            Order = order,
            MemoryMiB = Long(Req(c, "memory_mb", path), $"{path}.memory_mb"),
            Pages = Opt(c, "pagesizes") is { } p ? [.. Array(p, $"{path}.pagesizes").Select(x => ParsePages(x.Item, x.Path))] : null,
            PinnedCpus = Opt(c, "pinned_cpus") is { } pin ? Cpus(pin, $"{path}.pinned_cpus") : CpuSet.Empty,
            Pcpuset = Opt(c, "pcpuset") is { } pc ? Cpus(pc, $"{path}.pcpuset") : null,
            Cpuset = Opt(c, "cpuset") is { } cs ? Cpus(cs, $"{path}.cpuset") : null,
            CpuUsage = Opt(c, "cpu_usage") is { } cu ? Int(cu, $"{path}.cpu_usage") : 0,
            MemoryUsageMiB = Opt(c, "memory_usage_mb") is { } mu ? Long(mu, $"{path}.memory_usage_mb") : 0,
            Network = new NetworkMetadata(
                Opt(c, "physnets") is { } pn ? [.. Array(pn, $"{path}.physnets").Select(x => Str(x.Item, x.Path))] : [],
                Opt(c, "tunneled") is { } tu && Bool(tu, $"{path}.tunneled")),
            Socket = Opt(c, "socket") is { } so ? Int(so, $"{path}.socket") : null,
        };
    }

    private static MemPages ParsePages(JsonElement p, string path) => new(
        Long(Req(p, "size_kb", path), $"{path}.size_kb"),
        Long(Req(p, "total", path), $"{path}.total"),
        Opt(p, "used") is { } u ? Long(u, $"{path}.used") : 0,
        Opt(p, "reserved") is { } r ? Long(r, $"{path}.reserved") : 0);

    /// <summary>Absent → Nova's initial ratios; explicit <c>null</c> → no limits at all.</summary>
    public static FitLimits? ParseLimits(JsonElement root)
    {
        if (!root.TryGetProperty("limits", out var l)) return FitLimits.Default;
        if (l.ValueKind == JsonValueKind.Null) return null;
        var network = Opt(l, "network_metadata") is { } nm
            ? new NetworkMetadata(
                Opt(nm, "physnets") is { } pn ? [.. Array(pn, "limits.network_metadata.physnets").Select(x => Str(x.Item, x.Path))] : [],
                Opt(nm, "tunneled") is { } t && Bool(t, "limits.network_metadata.tunneled"))
            : null;
        return new FitLimits(
            Opt(l, "cpu_allocation_ratio") is { } c ? Double(c, "limits.cpu_allocation_ratio") : 16.0,
            Opt(l, "ram_allocation_ratio") is { } r ? Double(r, "limits.ram_allocation_ratio") : 1.5,
            network);
    }

    /// <summary>Both null when the case models no PCI; otherwise each side, empty when absent.</summary>
    public static (ImmutableArray<PciPool>? Pools, ImmutableArray<PciRequest>? Requests) ParsePci(JsonElement root)
    {
        var pools = Opt(root, "host") is { } h ? Opt(h, "pci_pools") : null;
        var requests = Opt(root, "pci_requests");
        if (pools is null && requests is null) return (null, null);
        return (
            pools is { } p ? [.. Array(p, "host.pci_pools").Select(x => new PciPool(
                Opt(x.Item, "numa_node") is { } n ? Int(n, $"{x.Path}.numa_node") : null,
                Int(Req(x.Item, "count", x.Path), $"{x.Path}.count")))] : [],
            requests is { } r ? [.. Array(r, "pci_requests").Select(x => new PciRequest(
                Int(Req(x.Item, "count", x.Path), $"{x.Path}.count"),
                Opt(x.Item, "numa_policy") is { } pol ? ParsePolicy(Str(pol, $"{x.Path}.numa_policy"), x.Path) : PciNumaAffinityPolicy.Legacy))] : []);
    }

    private static PciNumaAffinityPolicy ParsePolicy(string value, string path) => value switch
    {
        "legacy" => PciNumaAffinityPolicy.Legacy,
        "required" => PciNumaAffinityPolicy.Required,
        "preferred" => PciNumaAffinityPolicy.Preferred,
        "socket" => PciNumaAffinityPolicy.Socket,
        _ => throw new JsonFieldException($"{path}.numa_policy must be required, legacy, preferred or socket, found \"{value}\""),
    };
}
