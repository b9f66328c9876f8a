using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Tests.Nova.Scheduling;

/// <summary>The engine's one entry point: a node built from a discovered host filters, fits, claims and releases.</summary>
public class ComputeNodeTests
{
    // 4 cells × 4 cores × 2 threads, 16 GiB per cell: smog discover's own JSON contract, committed as a golden file.
    private static readonly HostTopology FourCells = JsonSerializer.Deserialize(
        File.ReadAllText(Path.Combine(Fixtures.Root, "..", "Smog.Tests", "Cli", "Golden", "json-4-nodes.json")),
        TopologyJsonContext.Default.HostTopology)!;

    private static NovaRequest Pinned(int vcpus, int nodes = 1) => new(
        new Flavor(vcpus, 1024, ImmutableSortedDictionary<string, string>.Empty.Add("hw:cpu_policy", "dedicated").Add("hw:numa_nodes", $"{nodes}")),
        ImageProperties.None);

    [Fact]
    public void A_claimed_instances_pcpus_are_not_given_again_and_release_frees_them()
    {
        var conf = new NovaConf { CpuDedicatedSet = CpuSet.Parse("4-15,20-31"), CpuSharedSet = CpuSet.Parse("0-3,16-19") };
        var node = ComputeNode.FromTopology(FourCells, conf);
        var first = NovaPlanner.Plan(node, Pinned(8));
        Assert.True(first.Builds);
        var firstPins = CpuSet.Of(first.Fitted!.Cells.SelectMany(c => c.CpuPinning.Values));
        Assert.True(firstPins.IsSubsetOf(conf.CpuDedicatedSet!), $"{firstPins} outside the dedicated set");

        var (claimed, error) = node.Claim(first.Fitted);
        Assert.Null(error);
        var second = NovaPlanner.Plan(claimed!, Pinned(8));
        Assert.True(second.Builds);
        Assert.False(CpuSet.Of(second.Fitted!.Cells.SelectMany(c => c.CpuPinning.Values)).Overlaps(firstPins));

        var (released, releaseError) = claimed!.Release(first.Fitted);
        Assert.Null(releaseError);
        Assert.Equal(node.Host, released!.Host);
        Assert.Same(FourCells, released.Discovered);
    }

    [Fact]
    public void A_request_for_more_cells_than_the_host_has_is_refused_by_filter_and_fit()
    {
        var plan = NovaPlanner.Plan(ComputeNode.FromTopology(FourCells, NovaConf.Default), Pinned(8, nodes: 8));
        Assert.False(plan.Builds);
        Assert.False(plan.Fits);
        Assert.False(plan.FilterPasses);
        Assert.Null(plan.Resolution.ConstraintsError);
    }

    [Fact]
    public void The_host_model_and_the_topology_convert_into_each_other()
    {
        var conf = new NovaConf { CpuDedicatedSet = CpuSet.Parse("4-15,20-31"), CpuSharedSet = CpuSet.Parse("0-3,16-19") };
        var host = HostModel.FromTopology(FourCells, conf);
        Assert.Equal(CpuSet.Parse("0-3,16-19"), host.Cells[0].Cpuset);
        Assert.Equal(CpuSet.Empty, host.Cells[0].Pcpuset);
        Assert.Equal(CpuSet.Parse("4-7,20-23"), host.Cells[1].Pcpuset);

        var back = HostModel.ToTopology(HostModel.FromTopology(FourCells, NovaConf.Default));
        Assert.Equal(FourCells.Cells.Select(c => c.Cpus), back.Cells.Select(c => c.Cpus));
        Assert.Equal(FourCells.Cells.Select(c => c.Siblings.Length), back.Cells.Select(c => c.Siblings.Length));
        Assert.Equal(FourCells.Cpus.Select(c => (c.Id, c.Cell, c.Core)), back.Cpus.Select(c => (c.Id, c.Cell, c.Core)));
    }

    [Fact]
    public void A_nodes_limits_come_from_nova_conf_ratios()
    {
        var node = ComputeNode.FromTopology(FourCells, new NovaConf { CpuAllocationRatio = 2.0 });
        Assert.Equal(2.0, node.Limits!.CpuAllocationRatio);
        Assert.Equal(1.5, node.Limits.RamAllocationRatio);
    }
}
