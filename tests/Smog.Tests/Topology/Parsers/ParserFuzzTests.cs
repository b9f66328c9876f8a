using System.Text.Json;
using CsCheck;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

/// <summary>
/// Every topology parser survives damaged real fixtures (<see cref="Fuzz"/>). The outcome is a
/// value, either a consistent topology or a one-line ParseError, and never an exception.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private static void AssertValueOutcome(Parsed<HostTopology> parsed)
    {
        if (parsed.Success)
        {
            FixtureParsingTests.AssertConsistent(parsed.Value);
            return;
        }
        Fuzz.AssertOneLineErrors(parsed.Errors);
    }

    public static TheoryData<TopologyFormat> TextFormats() =>
        [TopologyFormat.Numactl, TopologyFormat.LstopoConsole, TopologyFormat.HwlocXml, TopologyFormat.Capabilities, TopologyFormat.TopologyJson];

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Damaged_fixtures_give_a_topology_or_a_parse_error(TopologyFormat format)
    {
        var texts = format == TopologyFormat.TopologyJson
            ? Fixtures.Files("hwloc", "*.xml").Take(8).Select(f => JsonSerializer.Serialize(Fixtures.Parse(f, TopologyFormat.HwlocXml), TopologyJsonContext.Default.HostTopology)).ToList()
            : Fixtures.TextTopologies().Where(x => x.Format == format).Select(x => Fixtures.Read(x.Path)).ToList();
        var cases = Fuzz.Run(format.ToString(), texts, text => AssertValueOutcome(TopologyFormats.Parse(format, text, "fuzz")), output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    [Fact]
    public void Damaged_sysfs_snapshots_give_a_topology_or_a_parse_error()
    {
        var snapshots = Fixtures.SysfsTrees().Select(Fixtures.Sysfs).ToList();
        Assert.NotEmpty(snapshots);
        var gen = Gen.Select(Gen.Int[0, snapshots.Count - 1], Gen.Int[0, int.MaxValue], Fuzz.Mutation(Gen.Int[0, int.MaxValue]).Array[1, 3], Gen.Int[0, 2]);
        var tally = Property.ForAll(gen, p =>
        {
            var (which, fileIndex, mutations, mode) = p;
            var snap = snapshots[which];
            var path = snap.Files.Keys.ElementAt(fileIndex % snap.Files.Count);
            var damaged = mode switch
            {
                0 => snap with { Files = snap.Files.Remove(path) },
                1 => snap with { Files = snap.Files.SetItem(path, mutations.Aggregate(snap.Files[path], (t, m) => m(t))) },
                _ => snap with { Files = snap.Files.SetItem("devices/system/node/node9/cpulist", mutations.Aggregate(snap.Files[path], (t, m) => m(t))) },
            };
            AssertValueOutcome(SysfsParser.Parse(damaged, "fuzz"));
        }, iter: Fuzz.CasesPerFormat);
        output.WriteLine($"Sysfs: {tally.Checked} damaged snapshots, each a topology or a one-line error");
        Assert.Equal(Fuzz.CasesPerFormat, tally.Checked);
    }
}
