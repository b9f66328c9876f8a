using System.Text.RegularExpressions;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;

namespace Smog.Tests.Suite;

public partial class CatalogueTests
{
    [Fact]
    public void Ids_are_unique_stable_words_with_an_area()
    {
        var ids = Catalogue.All.Select(s => s.Id).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches("^[a-z0-9-]+\\.[a-z0-9-]+$", id));
        Assert.Superset(new HashSet<string> { "numa.one-node", "pinning.simple", "pinning.dedicated", "hugepages.2m", "hugepages.large", "hugepages.any",
            "numa.too-many-nodes", "numa.invalid-split", "fill.pcpus", "lifecycle.hard-reboot", "lifecycle.stop-start", "numa.two-nodes" }, ids.ToHashSet());
    }

    [Fact]
    public void Every_scenario_has_a_one_line_purpose_and_known_needs()
    {
        var known = Capability.All.Select(c => c.Code).ToHashSet();
        Assert.All(Catalogue.All, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.Purpose), s.Id);
            Assert.DoesNotContain('\n', s.Purpose);
            Assert.All(s.Needs, n => Assert.Contains(n, known));
            Assert.Equal(s.Needs.Length, s.Needs.Distinct().Count());
        });
    }

    [Fact]
    public void The_sriov_port_scenarios_cover_every_affinity_policy_and_need_a_physnet()
    {
        var sriov = Catalogue.All.Where(s => s.Area == "sriov").ToList();

        Assert.Equal(["sriov.port-required", "sriov.port-preferred", "sriov.port-legacy", "sriov.port-socket", "sriov.port-required-far", "sriov.port-preferred-far"],
            sriov.Select(s => s.Id));
        Assert.All(sriov, s => Assert.Contains(Capability.Sriov.Code, s.Needs));
        Assert.All(sriov.Where(s => s.Id.EndsWith("-far", StringComparison.Ordinal)), s => Assert.True(s.Exclusive && s.Needs.Contains(Capability.SriovFarCell.Code), s.Id));
    }

    [Fact]
    public void Scenarios_that_move_or_fill_run_alone()
    {
        Assert.All(Catalogue.All.Where(s => s.Area is "fill" or "lifecycle"), s => Assert.True(s.Exclusive, s.Id));
    }

    /// <summary>
    /// The scenarios' source names no host CPU list, host name or host cell: sizing comes from
    /// discovery. Guest shapes (vCPU counts, guest cell masks such as hw:numa_cpus.0) are the
    /// flavor's own and allowed.
    /// </summary>
    [Fact]
    public void No_scenario_hard_codes_a_cpu_list_a_host_name_or_a_host_cell()
    {
        var source = File.ReadAllText(Path.Combine(Fixtures.Root, "..", "..", "src", "Smog.Suite", "Scenarios", "Catalogue.cs"));
        var code = Comments().Replace(source, "");

        Assert.Empty(CpuListLiterals().Matches(code).Select(m => m.Value));
        Assert.Empty(HostLiterals().Matches(code).Select(m => m.Value));
        Assert.DoesNotContain("cpu_dedicated_set", code);
        Assert.DoesNotContain("cpu_shared_set", code);
        Assert.DoesNotContain("sriovnet", code); // the physnet comes from the hosts' [pci] device_spec
        Assert.Empty(HostCellIndex().Matches(code).Select(m => m.Value));
    }

    [GeneratedRegex(@"//.*|/\*[\s\S]*?\*/")]
    private static partial Regex Comments();

    // "0-3", "2,3", "4" as a string literal: a CPU list.
    [GeneratedRegex("\"[0-9]+(?:[-,][0-9]+)+\"|\"[0-9]+\"")]
    private static partial Regex CpuListLiterals();

    [GeneratedRegex("\"(?:compute[-0-9]*|vm|localhost|controller|node[-0-9]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HostLiterals();

    // A host cell picked by number: .Cell(0), HostCell == 1.
    [GeneratedRegex(@"\.Cell\([0-9]+\)|HostCell\s*==\s*[0-9]")]
    private static partial Regex HostCellIndex();
}
