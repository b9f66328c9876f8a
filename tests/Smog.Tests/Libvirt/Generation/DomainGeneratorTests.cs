using System.Collections.Immutable;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Generation;

/// <summary>Golden XML for what the boot oracle cannot show (fakelibvirt knows no custom CPU models).</summary>
public class DomainGeneratorTests
{
    private static readonly HostTopology TwoCells = new()
    {
        Cells = [new NumaCell { Id = 0, Cpus = CpuSet.Range(0, 3) }, new NumaCell { Id = 1, Cpus = CpuSet.Range(4, 7) }],
        Cpus = [.. Enumerable.Range(0, 8).Select(i => new CpuInfo(i, i / 4, 0, 0, i))],
    };

    private static readonly Flavor Dedicated2 = new(2, 1024, ImmutableSortedDictionary<string, string>.Empty.Add("hw:cpu_policy", "dedicated"));

    private static readonly FittedTopology OnCell1 = new(
    [
        new FittedCell { Id = 0, HostCell = 1, Pcpus = CpuSet.Range(0, 1), MemoryMiB = 1024, CpuPinning = ImmutableSortedDictionary.CreateRange([new KeyValuePair<int, int>(0, 5), new(1, 4)]) },
    ], null);

    private static string Generate(NovaConf config, FittedTopology? fitted = null) =>
        DomainWriter.ToText(DomainGenerator.Generate(new GenerationInput(Dedicated2, fitted ?? OnCell1, TwoCells, config, new GuestCpuTopology(2, 1, 1), null)));

    [Fact]
    public void Custom_mode_writes_the_first_configured_model()
    {
        var xml = Generate(new NovaConf { CpuMode = "custom", CpuModels = ["Skylake-Client"] });
        Assert.Equal("""
            <domain type="kvm">
              <memory>1048576</memory>
              <numatune>
                <memory mode="strict" nodeset="1" />
                <memnode cellid="0" mode="strict" nodeset="1" />
              </numatune>
              <vcpu>2</vcpu>
              <cputune>
                <emulatorpin cpuset="4-5" />
                <vcpupin vcpu="0" cpuset="5" />
                <vcpupin vcpu="1" cpuset="4" />
              </cputune>
              <cpu mode="custom" match="exact">
                <model>Skylake-Client</model>
                <topology sockets="2" cores="1" threads="1" />
                <numa>
                  <cell id="0" cpus="0-1" memory="1048576" />
                </numa>
              </cpu>
            </domain>
            """, xml);
    }

    [Fact]
    public void Mode_none_keeps_topology_and_cells_without_a_mode()
    {
        var cpu = System.Xml.Linq.XElement.Parse(Generate(new NovaConf { CpuMode = "none" })).Element("cpu")!;
        Assert.Null(cpu.Attribute("mode"));
        Assert.Equal("exact", cpu.Attribute("match")?.Value);
        Assert.NotNull(cpu.Element("topology"));
        Assert.NotNull(cpu.Element("numa"));
    }

    [Fact]
    public void Without_a_topology_only_vcpu_cpuset_carries_the_shared_pool()
    {
        var xml = DomainWriter.ToText(DomainGenerator.Generate(new GenerationInput(
            new Flavor(2, 1024, ImmutableSortedDictionary<string, string>.Empty), null, TwoCells,
            new NovaConf { VcpuPinSet = CpuSet.Parse("2-3,6-7") }, new GuestCpuTopology(2, 1, 1), null)));
        Assert.Contains("<vcpu cpuset=\"2-3,6-7\">2</vcpu>", xml);
        Assert.DoesNotContain("cputune", xml);
        Assert.DoesNotContain("numatune", xml);
    }

    [Fact]
    public void A_plan_gives_the_domain_from_its_own_resolution_or_says_why_there_is_none()
    {
        var node = ComputeNode.FromTopology(TwoCells with { Cells = [.. TwoCells.Cells.Select(c => c with { MemoryMiB = 4096 })] }, NovaConf.Default);
        var (domain, why) = DomainGenerator.Generate(NovaPlanner.Plan(node, new NovaRequest(Dedicated2, ImageProperties.None)));
        Assert.Null(why);
        Assert.Equal("2", domain!.Cpu!.Topology!.Sockets);

        var impossible = Dedicated2 with { ExtraSpecs = Dedicated2.ExtraSpecs.Add("hw:cpu_max_sockets", "1").Add("hw:cpu_max_cores", "1").Add("hw:cpu_max_threads", "1") };
        var (none, refusal) = DomainGenerator.Generate(NovaPlanner.Plan(node, new NovaRequest(impossible, ImageProperties.None)));
        Assert.Null(none);
        Assert.Contains("ImageVCPULimitsRangeImpossible", refusal);

        var (tooBig, noHost) = DomainGenerator.Generate(NovaPlanner.Plan(node, new NovaRequest(new Flavor(9, 1024, Dedicated2.ExtraSpecs), ImageProperties.None)));
        Assert.Null(tooBig);
        Assert.Contains("NoValidHost", noHost);
    }
}
