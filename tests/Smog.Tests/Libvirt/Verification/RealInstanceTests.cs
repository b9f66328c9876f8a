using System.Collections.Immutable;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>
/// The instance real Nova 26.2.2 booted in the all-in-one lab (shared/research/real-components.md §4:
/// flavor numa.pinned = 1 vCPU, 256 MiB, hw:numa_nodes=1, dedicated, hw:mem_page_size=2MB) on the lab
/// VM: one cell, CPUs 0-1, 2 MiB pages reserved for the test (the capabilities sample, taken later,
/// shows the pool emptied again), 1 GiB size listed without pages.
/// </summary>
public class RealInstanceTests
{
    private static readonly HostTopology LabVm = new()
    {
        Cells =
        [
            new NumaCell
            {
                Id = 0,
                Cpus = CpuSet.Range(0, 1),
                MemoryMiB = 7002,
                Pages = [new PagePool(4, 1792565), new PagePool(2048, 256), new PagePool(1048576, 0)],
            },
        ],
        Cpus = [new CpuInfo(0, 0, 0, 0, 0), new CpuInfo(1, 0, 0, 0, 1)],
    };

    private static readonly Flavor NumaPinned = new(1, 256, new Dictionary<string, string>
    {
        ["hw:numa_nodes"] = "1",
        ["hw:cpu_policy"] = "dedicated",
        ["hw:mem_page_size"] = "2MB",
    }.ToImmutableSortedDictionary(StringComparer.Ordinal));

    private static ImmutableArray<Finding> Verify(string xml) => DomainVerifier.Verify(new VerificationInput
    {
        Host = LabVm,
        Flavor = NumaPinned,
        Domain = DomainFactsReader.Parse(xml).Value,
    });

    private static string Sample => LibvirtFixtures.Read("domains", "virsh-dumpxml-nova-instance-pinned-hugepages.xml");

    [Fact]
    public void The_lab_instance_keeps_every_promise()
    {
        var facts = DomainFactsReader.Parse(Sample).Value;
        Assert.Equal("numa.pinned", facts.NovaFlavorName);
        Assert.Equal([], Verify(Sample).Select(f => $"{f.Rule}: {f.Message}"));
    }

    [Theory]
    [InlineData("1 GiB pages the cell has none of", "<page size='2048' unit='KiB' nodeset='0'/>", "<page size='1' unit='GiB' nodeset='0'/>", RuleIds.HugepageAvailable)]
    [InlineData("memory not bound", "<memnode cellid='0' mode='strict' nodeset='0'/>", "", RuleIds.MemNode)]
    [InlineData("vCPU floating over the cell", "<vcpupin vcpu='0' cpuset='1'/>", "<vcpupin vcpu='0' cpuset='0-1'/>", RuleIds.PinSingle)]
    [InlineData("memAccess private", "memAccess='shared'", "memAccess='private'", RuleIds.MemAccess)]
    public void Edits_of_the_lab_instance_are_found(string description, string from, string to, string rule)
    {
        _ = description;
        Assert.Contains(rule, Verify(Sample.Replace(from, to, StringComparison.Ordinal)).Select(f => f.Rule));
    }
}
