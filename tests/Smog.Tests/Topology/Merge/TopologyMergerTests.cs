using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Merge;

public class TopologyMergerTests
{
    private static SourcedTopology Source(string path, TopologyFormat format) => new(path, format, Fixtures.Parse(path, format));

    private const string Host = "synth-4n-2s-4c-2t-linux";

    [Fact]
    public void Agreeing_sources_merge_without_warnings_and_record_provenance()
    {
        var report = TopologyMerger.Merge([
            Source($"numactl/{Host}.txt", TopologyFormat.Numactl),
            Source($"hwloc/{Host}.xml", TopologyFormat.HwlocXml),
            Source($"caps/{Host}.xml", TopologyFormat.Capabilities),
            Source($"sysfs/{Host}", TopologyFormat.Sysfs),
        ]);
        Assert.Empty(report.Warnings);
        Assert.Equal(4, report.Topology.Cells.Length);
        Assert.Equal($"sysfs/{Host}", report.Provenance["cells"]);
        Assert.Equal($"sysfs/{Host}", report.Provenance["cpus"]);
        Assert.Equal($"sysfs/{Host}", report.Provenance["cells[0].memory_mb"]);
        Assert.Equal($"caps/{Host}.xml", report.Provenance["cells[0].pages[4kB]"]); // sysfs has no 4 KiB pool
        Assert.Equal($"sysfs/{Host}", report.Provenance["cells[0].pages[2048kB]"]);
        Assert.Equal(4, report.Sources.Length);
    }

    [Fact]
    public void Precedence_prefers_numactl_memory_over_capabilities_when_sysfs_is_absent()
    {
        var report = TopologyMerger.Merge([
            Source($"caps/{Host}.xml", TopologyFormat.Capabilities),
            Source($"numactl/{Host}.txt", TopologyFormat.Numactl),
        ]);
        Assert.Equal($"numactl/{Host}.txt", report.Provenance["cells[1].memory_mb"]);
        Assert.Equal($"caps/{Host}.xml", report.Provenance["cpus"]); // numactl knows no cores
        Assert.True(report.Topology.HasSmt);
    }

    [Fact]
    public void Different_node_counts_are_a_warning()
    {
        // numactl says 2 nodes, capabilities says 1.
        var numactl = NumactlParser.Parse("available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 0 size: 100 MB\nnode 1 cpus: 1\nnode 1 size: 100 MB\n").Value;
        var caps = CapabilitiesParser.Parse("<capabilities><host><topology><cells num='1'><cell id='0'><memory unit='KiB'>204800</memory><cpus num='2'><cpu id='0' siblings='0'/><cpu id='1' siblings='1'/></cpus></cell></cells></topology></host></capabilities>").Value;
        var report = TopologyMerger.Merge([new("numactl", TopologyFormat.Numactl, numactl), new("caps", TopologyFormat.Capabilities, caps)]);
        Assert.Single(report.Topology.Cells);
        Assert.Contains(report.Warnings, w => w.StartsWith("numactl reports 2 NUMA cells (0-1), caps (used) reports 1 (0)", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("cell 0 CPUs: numactl says '0'", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Contains("cell 0 memory: caps says 200 MiB, numactl (used) says 100 MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Distances_come_only_from_a_source_whose_cells_exist()
    {
        // Given numactl with 2 nodes (distances to node 1) and capabilities with 1 cell, which wins the cells
        var numactl = NumactlParser.Parse("available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 0 size: 100 MB\nnode 1 cpus: 1\nnode 1 size: 100 MB\nnode distances:\nnode   0   1\n  0:  10  21\n  1:  21  10\n").Value;
        var caps = CapabilitiesParser.Parse("<capabilities><host><topology><cells num='1'><cell id='0'><memory unit='KiB'>204800</memory><cpus num='2'><cpu id='0' siblings='0'/><cpu id='1' siblings='1'/></cpus></cell></cells></topology></host></capabilities>").Value;
        Assert.Equal([0, 1], numactl.Cells[0].Distances.Keys);

        var report = TopologyMerger.Merge([new("numactl", TopologyFormat.Numactl, numactl), new("caps", TopologyFormat.Capabilities, caps)]);

        // Then the one-cell host names no distance to the cell it does not have, and the disagreement is a warning
        var cell = Assert.Single(report.Topology.Cells);
        Assert.DoesNotContain(1, cell.Distances.Keys);
        Assert.Contains(report.Warnings, w => w.StartsWith("numactl reports 2 NUMA cells (0-1), caps (used) reports 1 (0)", StringComparison.Ordinal));
    }

    [Fact]
    public void Memory_within_tolerance_is_no_warning_but_beyond_it_is()
    {
        static HostTopology WithMemory(HostTopology t, long mib) =>
            t with { Cells = [.. t.Cells.Select(c => c with { MemoryMiB = c.Id == 0 ? mib : c.MemoryMiB })] };
        var caps = Fixtures.Parse($"caps/{Host}.xml", TopologyFormat.Capabilities);
        var base0 = caps.Cells[0].MemoryMiB!.Value; // 16384 MiB: 2 % is 327 MiB
        var near = TopologyMerger.Merge([new("caps", TopologyFormat.Capabilities, caps), new("numactl", TopologyFormat.Numactl, WithMemory(caps, base0 - 300))]);
        Assert.DoesNotContain(near.Warnings, w => w.Contains("memory", StringComparison.Ordinal));
        var far = TopologyMerger.Merge([new("caps", TopologyFormat.Capabilities, caps), new("numactl", TopologyFormat.Numactl, WithMemory(caps, base0 - 400))]);
        Assert.Contains(far.Warnings, w => w.StartsWith("cell 0 memory: caps says", StringComparison.Ordinal));
    }

    [Fact]
    public void Different_sibling_groups_are_a_warning()
    {
        // The same 4-node host numbered two ways: Linux (0,16) pairs against hwloc's sequential (0,1).
        var linux = Fixtures.Parse($"hwloc/{Host}.xml", TopologyFormat.HwlocXml);
        var seq = Fixtures.Parse("hwloc/synth-4n-2s-4c-2t-seq.xml", TopologyFormat.HwlocXml);
        var report = TopologyMerger.Merge([new("a", TopologyFormat.Capabilities, linux), new("b", TopologyFormat.HwlocXml, seq)]);
        Assert.Contains(report.Warnings, w => w.StartsWith("SMT sibling groups: b says [0-1]", StringComparison.Ordinal));
        Assert.Equal("a", report.Provenance["cpus"]);
        Assert.Equal(linux.Cells.Select(c => c.Siblings.Length), report.Topology.Cells.Select(c => c.Siblings.Length));
    }

    [Fact]
    public void Numactl_alone_warns_that_siblings_are_unknown()
    {
        var report = TopologyMerger.Merge([Source($"numactl/{Host}.txt", TopologyFormat.Numactl)]);
        Assert.Contains(report.Warnings, w => w.StartsWith("no source reports CPU cores", StringComparison.Ordinal));
        Assert.False(report.Topology.HasSmt);
    }

    [Fact]
    public void Pci_fields_missing_in_the_chosen_source_are_filled_from_others()
    {
        var sysfs = Fixtures.Parse("sysfs/real-local", TopologyFormat.Sysfs);
        var hwloc = Fixtures.Parse("hwloc/real-local.xml", TopologyFormat.HwlocXml);
        var report = TopologyMerger.Merge([new("hwloc", TopologyFormat.HwlocXml, hwloc), new("sysfs", TopologyFormat.Sysfs, sysfs)]);
        Assert.Equal("sysfs", report.Provenance["pci_devices"]);
        Assert.Contains(report.Topology.PciDevices, d => d.BlockDev is not null); // only hwloc names block devices
        // hwloc puts the I/O of this one-node VM on node 0; sysfs says -1 (no affinity), and that stays.
        Assert.Contains(hwloc.PciDevices, d => d.NumaNode == 0);
        Assert.All(report.Topology.PciDevices, d => Assert.Null(d.NumaNode));
    }
}
