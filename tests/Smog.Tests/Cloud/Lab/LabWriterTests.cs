using System.Collections.Immutable;
using CsCheck;
using Smog.Cloud.Lab;

namespace Smog.Tests.Cloud.Lab;

public class LabWriterTests
{
    private static LabDefinition Read(string yaml)
    {
        var parsed = LabReader.Parse(yaml, "written.yml", ".");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    /// <summary>Everything a host is, as the reader gives it.</summary>
    private static object Shape(LabHost h) =>
        (h.Topology with { Hostname = null }, h.Shorthand, h.Conf, h.NovaConfText, string.Join(",", h.Aggregates), h.DiskGiB);

    [Fact]
    public void The_default_lab_written_out_reads_back_as_the_same_lab()
    {
        var lab = LabReader.Default();

        var again = Read(LabWriter.Yaml(lab));

        Assert.Equal(lab.Hosts.Select(h => h.Name), again.Hosts.Select(h => h.Name));
        Assert.Equal(lab.Hosts.Select(Shape), again.Hosts.Select(Shape));
        Assert.Equal((lab.Controller, lab.ControllerConfText), (again.Controller, again.ControllerConfText));
        Assert.Equal(lab.Aggregates, again.Aggregates);
    }

    [Fact]
    public void Aggregates_memberships_disk_and_odd_sizes_survive_the_round_trip()
    {
        var lab = Read("""
            version: 1
            hosts:
              - name: odd
                topology: { sockets: 2, cells: 2, cores_per_cell: 3, threads_per_core: 2, memory_per_cell: 16385MiB, pages_per_cell: { 2M: 7, 64K: 3 } }
                aggregates: [fast]
                disk_gb: 40
            aggregates:
              - name: fast
                availability_zone: "az: 1"
                metadata: { pinned: "true", "odd key": "#x" }
            """);

        var again = Read(LabWriter.Yaml(lab));

        Assert.Equal(Shape(lab.Hosts[0]), Shape(again.Hosts[0]));
        Assert.Equal(lab.Aggregates.Single().Metadata, again.Aggregates.Single().Metadata);
        Assert.Equal("az: 1", again.Aggregates.Single().AvailabilityZone);
    }

    [Fact]
    public void Any_shorthand_reads_back_as_the_same_shorthand_and_topology()
    {
        var pci = Gen.Int[0, 3].SelectMany(n => Gen.Int[0, 8].Array[n]).Select(vfs => vfs.Select((v, i) =>
            new ShorthandPci($"0000:{0x10 + i * 0x10:x2}:00.0", 0, "8086", "10fb", v, v > 0 ? "10ed" : null)).ToImmutableArray());
        var gen = Gen.Select(Gen.Int[1, 2], Gen.Int[1, 4], Gen.Int[1, 2], Gen.Int[1024, 65536], Gen.Int[0, 64], pci,
            (sockets, perSocket, threads, memoryMiB, twoMeg, devices) => new TopologyShorthand
            {
                Sockets = sockets,
                Cells = sockets * perSocket,
                CoresPerCell = 4,
                ThreadsPerCore = threads,
                MemoryPerCellMiB = memoryMiB,
                PagesPerCell = twoMeg > 0 ? [(2048, twoMeg)] : [],
                Pci = devices,
            });

        Property.ForAll(gen, shape =>
        {
            var host = new LabHost { Name = "h", Topology = shape.Expand(), Shorthand = shape };
            var again = Read(LabWriter.Yaml(new LabDefinition { Source = "g", Hosts = [host] })).Hosts.Single();
            Assert.Equal(shape, again.Shorthand);
            Assert.Equal(shape.Expand(), again.Topology with { Hostname = null });
        });
    }

    [Fact]
    public void A_host_read_from_a_discover_document_is_refused_by_name()
    {
        var host = LabReader.Default().Hosts[0] with { Name = "from-file", Shorthand = null };
        var error = Assert.Throws<ArgumentException>(() => LabWriter.Yaml(new LabDefinition { Source = "x", Hosts = [host] }));
        Assert.StartsWith("host from-file: its topology came from a file", error.Message);
    }
}

public class LabGeneratorTests
{
    [Fact]
    public void A_generated_lab_repeats_the_default_labs_hosts_as_the_lab_reader_reads_them()
    {
        var parsed = LabReader.Parse(LabGenerator.Yaml(10), "generated.yml", ".");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        var lab = parsed.Value;
        var defaults = LabReader.Default();
        Assert.Equal(10, lab.Hosts.Length);
        Assert.Equal((defaults.Controller, defaults.ControllerConfText), (lab.Controller, lab.ControllerConfText));
        Assert.Equal(defaults.Aggregates, lab.Aggregates);
        for (var i = 0; i < 10; i++)
        {
            var expected = defaults.Hosts[i % defaults.Hosts.Length];
            Assert.Equal($"compute-{i}", lab.Hosts[i].Name);
            Assert.Equal(expected.Topology with { Hostname = null }, lab.Hosts[i].Topology with { Hostname = null });
            Assert.Equal((expected.Shorthand, expected.Conf, expected.NovaConfText, expected.DiskGiB),
                (lab.Hosts[i].Shorthand, lab.Hosts[i].Conf, lab.Hosts[i].NovaConfText, lab.Hosts[i].DiskGiB));
        }
    }

    [Fact]
    public void Every_generated_host_is_written_out_in_full()
    {
        var yaml = LabGenerator.Yaml(8);
        Assert.DoesNotContain("*", yaml); // no aliases: reading it costs what a hand-written lab costs
        Assert.Equal(8, yaml.Split('\n').Count(l => l.TrimStart().StartsWith("topology:", StringComparison.Ordinal)));
    }
}
