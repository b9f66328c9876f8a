using Smog.Cloud.Simulation;
using Smog.Cloud.Simulation.Defects;
using Smog.Libvirt.Verification;
using Smog.Nova.Filters;

namespace Smog.Tests.Cloud.Simulation;

/// <summary>
/// Each defect, booted with a flavor that exercises it on the default lab: the named rule trips
/// with the defect and does not without it (the verifier on the domain, or the aggregate filter on
/// the placement for the one defect the domain cannot show).
/// </summary>
public class DefectTests
{
    public static TheoryData<string> Names => [.. DefectCatalog.All.Select(d => d.Name)];

    /// <summary>The boots that exercise a defect; the last server is the one judged.</summary>
    private static ServerRecord Exercise(SimulationHarness h, string defect)
    {
        FlavorRecord F(int vcpus, long ram, params (string, string)[] specs) => h.Flavor(vcpus, ram, specs);
        switch (defect)
        {
            case DefectCatalog.PinOtherNode:
                return h.Boot(F(4, 2048, ("hw:cpu_policy", "dedicated")));
            case DefectCatalog.IgnoreThreadPolicy:
                // The only SMT host: a faithful Nova refuses isolate there (cpu_dedicated_set, trait forbidden).
                return h.Boot(F(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "isolate")), r => r with { Host = "compute-2" });
            case DefectCatalog.ReusePinnedPcpu:
                // Both span both cells of compute-3, so the second gets the first one's pCPUs when they are not accounted.
                var pinned = F(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2"));
                h.Boot(pinned, r => r with { Host = "compute-3" });
                return h.Boot(pinned, r => r with { Host = "compute-3" });
            case DefectCatalog.WrongPageSize:
                return h.Boot(F(2, 2048, ("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB")));
            case DefectCatalog.DropMemnode:
                return h.Boot(F(8, 4096, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")));
            case DefectCatalog.WrongCpuTopology:
                return h.Boot(F(4, 2048, ("hw:cpu_sockets", "4")));
            case DefectCatalog.PciFarNode:
                return h.Boot(F(2, 2048, ("hw:cpu_policy", "dedicated"), ("pci_passthrough:alias", "nic:1")));
            case DefectCatalog.IgnoreAggregate:
                var aggregate = h.Cloud.CreateAggregate("ssd");
                h.Cloud.SetAggregateMetadata(aggregate.Id, new Dictionary<string, string?> { ["ssd"] = "true" });
                h.Cloud.AddHost(aggregate.Id, "compute-3");
                h.Cloud.AddHost(aggregate.Id, "compute-2");
                return h.Boot(F(2, 1024, ("aggregate_instance_extra_specs:ssd", "true")));
            case DefectCatalog.FloatOnDedicated:
                return h.Boot(F(2, 2048, ("hw:numa_nodes", "1")), r => r with { Host = "compute-2" });
            case DefectCatalog.IgnoreNumaNodes:
                return h.Boot(F(8, 4096, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")));
            default:
                throw new ArgumentException($"no exercise for {defect}");
        }
    }

    /// <summary>The rule ids the server trips: the verifier's errors, plus the suite's aggregate check.</summary>
    private static HashSet<string> Tripped(SimulationHarness h, ServerRecord server)
    {
        Assert.True(server.Status == "ACTIVE", $"{server.Status}: {server.Fault?.Message}");
        var rules = h.Verify(server).Where(f => f.Severity == Severity.Error).Select(f => f.Rule).ToHashSet();
        var metadata = h.Cloud.Aggregates().Where(a => a.Hosts.Contains(server.Host!)).Select(a => (IReadOnlyDictionary<string, string>)a.Metadata);
        if (!AggregateInstanceExtraSpecsFilter.HostPasses(server.Flavor.ToEngine(), metadata).Passes) rules.Add(DefectCatalog.AggregateRule);
        return rules;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_defect_trips_its_rules_and_a_faithful_cloud_does_not(string name)
    {
        var defect = DefectCatalog.Find(name)!;
        var buggy = new SimulationHarness(name);
        var tripped = Tripped(buggy, Exercise(buggy, name));
        Assert.True(defect.Trips.All(tripped.Contains), $"{name} should trip {string.Join(",", defect.Trips)}; tripped {string.Join(",", tripped)}");

        var faithful = new SimulationHarness();
        var server = Exercise(faithful, name);
        if (name == DefectCatalog.IgnoreThreadPolicy)
        {
            // Nova refuses the request instead (the VCPU fallback query makes compute-2 a candidate; the NUMA filter rejects it).
            Assert.Equal(ServerFault.NoValidHost, server.Fault?.Message);
            return;
        }
        var clean = Tripped(faithful, server);
        Assert.True(clean.Count == 0, $"without {name}: tripped {string.Join(",", clean)}");
    }

    [Fact]
    public void Every_defect_has_a_description_and_a_rule_and_names_are_unique()
    {
        Assert.Equal(10, DefectCatalog.All.Length);
        Assert.Equal(DefectCatalog.All.Length, DefectCatalog.All.Select(d => d.Name).Distinct().Count());
        Assert.All(DefectCatalog.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Description) || d.Trips.IsEmpty, d.Name));
        Assert.Null(DefectCatalog.Find("no-such-defect"));
    }

    [Fact]
    public void An_unknown_defect_is_refused_naming_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => new SimulationHarness("pins-everything"));
        Assert.Contains("pin-other-node", e.Message);
    }
}
