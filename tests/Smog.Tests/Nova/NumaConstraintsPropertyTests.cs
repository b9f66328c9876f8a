using CsCheck;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Topology;
using static Smog.Tests.Nova.NovaTestData;

namespace Smog.Tests.Nova;

/// <summary>Laws every requested topology satisfies, whatever the flavor.</summary>
public class NumaConstraintsPropertyTests
{
    // Most random flavors are refused and a refusal checks nothing: ~185 of 1,000 are checked.
    private const int Samples = 1000;
    private const int MinimumChecked = 100;

    private static readonly Gen<Flavor> GenFlavor =
        from vcpus in Gen.Int[1, 16]
        from memory in Gen.OneOf(1024L, 2048L, 3000L, 4096L, 6144L)
        from nodes in Gen.OneOf<string?>(null, "1", "2", "3", "4")
        from policy in Gen.OneOf<string?>(null, "shared", "dedicated", "mixed")
        from mask in Gen.OneOf<string?>(null, "0", "^0", "1-2", "^0-1")
        from page in Gen.OneOf<string?>(null, "small", "large", "2MB")
        select Flavor(vcpus, memory, new (string, string?)[]
            {
                ("hw:numa_nodes", nodes), ("hw:cpu_policy", policy), ("hw:cpu_dedicated_mask", mask), ("hw:mem_page_size", page),
            }.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!)).ToArray());

    [Fact]
    public void Cells_partition_the_vcpus_and_the_memory() =>
        Property.Check(GenFlavor, flavor =>
        {
            var result = NumaConstraints.Get(flavor, ImageProperties.None);
            if (result.Topology is not { } topology) return null;
            var cells = topology.Cells;
            var all = cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.AllCpus);
            return all == CpuSet.Range(0, flavor.Vcpus - 1)
                   && cells.Sum(c => c.AllCpus.Count) == flavor.Vcpus
                   && cells.Sum(c => c.MemoryMiB) == flavor.MemoryMiB
                   && cells.Select((c, i) => c.Id == i).All(x => x);
        }, minimum: MinimumChecked, iter: Samples);

    [Fact]
    public void Pinned_and_floating_vcpus_follow_the_policy() =>
        Property.Check(GenFlavor, flavor =>
        {
            var resolved = NumaConstraints.Get(flavor, ImageProperties.None).Constraints;
            if (resolved is null) return null;
            var all = CpuSet.Range(0, flavor.Vcpus - 1);
            var partition = (resolved.PinnedCpus | resolved.FloatingCpus) == all && !resolved.PinnedCpus.Overlaps(resolved.FloatingCpus);
            var byPolicy = resolved.CpuPolicy switch
            {
                CpuPolicy.Dedicated => resolved.PinnedCpus == all,
                CpuPolicy.Mixed => !resolved.PinnedCpus.IsEmpty && !resolved.FloatingCpus.IsEmpty,
                _ => resolved.PinnedCpus.IsEmpty,
            };
            var cellsAgree = resolved.Topology is null || resolved.Topology.Cells.All(c =>
                c.Pcpus.IsSubsetOf(resolved.PinnedCpus) && c.Cpus.IsSubsetOf(resolved.FloatingCpus) && c.CpuPolicy == resolved.CpuPolicy);
            return partition && byPolicy && cellsAgree;
        }, minimum: MinimumChecked, iter: Samples);

    [Fact]
    public void A_topology_exists_exactly_when_something_asks_for_one() =>
        Property.Check(GenFlavor, flavor =>
        {
            var result = NumaConstraints.Get(flavor, ImageProperties.None);
            if (result.IsError) return null;
            var asked = flavor.Spec("hw:numa_nodes") is not null || flavor.Spec("hw:mem_page_size") is not null
                        || flavor.Spec("hw:cpu_policy") is "dedicated" or "mixed";
            return asked == (result.Topology is not null);
        }, minimum: MinimumChecked, iter: Samples);
}
