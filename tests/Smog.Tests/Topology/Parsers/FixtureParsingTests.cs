using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

/// <summary>Every real, sample and derived fixture parses, and the result keeps the model's invariants.</summary>
public class FixtureParsingTests
{
    public static TheoryData<string, TopologyFormat> TextFixtures()
    {
        var data = new TheoryData<string, TopologyFormat>();
        foreach (var (path, format) in Fixtures.TextTopologies()) data.Add(path, format);
        return data;
    }

    public static TheoryData<string> SysfsFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var tree in Fixtures.SysfsTrees()) data.Add(tree);
        return data;
    }

    [Theory]
    [MemberData(nameof(TextFixtures))]
    public void Text_fixture_parses_into_a_consistent_topology(string path, TopologyFormat format)
    {
        var topology = Fixtures.Parse(path, format);
        AssertConsistent(topology);
    }

    [Theory]
    [MemberData(nameof(SysfsFixtures))]
    public void Sysfs_tree_parses_into_a_consistent_topology(string tree)
    {
        var topology = Fixtures.Parse(tree, TopologyFormat.Sysfs);
        Assert.NotEmpty(topology.Cells);
        AssertConsistent(topology);
    }

    [Fact]
    public void Detection_recognises_every_text_fixture_by_content()
    {
        foreach (var (path, format) in Fixtures.TextTopologies())
            Assert.True(TopologyFormats.Detect(Fixtures.Read(path)) == format, path);
    }

    [Fact]
    public void Detection_refuses_documents_that_are_not_topologies()
    {
        Assert.Null(TopologyFormats.Detect("policy: default\npreferred node: current\n")); // numactl --show
        Assert.Null(TopologyFormats.Detect("<domain type='kvm'><name>x</name></domain>"));
        Assert.Null(TopologyFormats.Detect(""));
        Assert.Null(TopologyFormats.Detect("name=NUMALatency\n5\n4\n"));
    }

    internal static void AssertConsistent(HostTopology t)
    {
        // Each CPU in exactly one cell, and the cells' CPU lists cover the CPU table.
        Assert.Equal(t.AllCpus, t.Cells.Aggregate(CpuSet.Empty, (all, c) => all | c.Cpus));
        Assert.Equal(t.Cpus.Length, t.Cells.Sum(c => c.Cpus.Count));
        foreach (var cell in t.Cells)
        {
            // Sibling groups partition the cell's CPUs and are ordered by their lowest CPU.
            Assert.Equal(cell.Cpus, cell.Siblings.Aggregate(CpuSet.Empty, (all, g) => all | g));
            Assert.Equal(cell.Cpus.Count, cell.Siblings.Sum(g => g.Count));
            Assert.Equal(cell.Siblings.Select(g => g.Min).Order(), cell.Siblings.Select(g => g.Min));
        }
        Assert.Equal(t.Cells.Select(c => c.Id).Order(), t.Cells.Select(c => c.Id));
        Assert.All(t.Cpus, c => Assert.Equal(t.SiblingsOf(c.Id).Min, c.Core));
    }
}
