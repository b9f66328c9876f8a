using System.Text.Json;
using CsCheck;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

/// <summary>
/// Every parser survives damaged real fixtures: truncated, lines deleted, swapped, duplicated or
/// shuffled, garbage spliced in, numbers blown up, or empty. The outcome is a value, either a
/// consistent topology or a one-line ParseError, and never an exception.
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFormat = 1500;
    private static readonly string Garbage = "<>\"'/=0123456789abcdefx:-, \n\t#P.LMB{}[]&;\u00e9\0";

    private static readonly Gen<string> GarbageText = Gen.Char[Garbage].Array[1, 12].Select(a => new string(a));

    /// <summary>One damage applied to a text; chained 1 to 3 times per case.</summary>
    private static Gen<Func<string, string>> Mutation(Gen<int> pick) => Gen.OneOf(
        pick.Select<int, Func<string, string>>(n => t => t.Length == 0 ? t : t[..(n % t.Length)]),               // truncate
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l => { if (l.Count > 0) l.RemoveAt(n % l.Count); })),
        Gen.Select(pick, pick).Select<(int, int), Func<string, string>>(p => t => EditLines(t, l =>
        {
            if (l.Count < 2) return;
            var (a, b) = (p.Item1 % l.Count, p.Item2 % l.Count);
            (l[a], l[b]) = (l[b], l[a]);
        })),
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l => { if (l.Count > 0) l.Insert(n % l.Count, l[n % l.Count]); })),
        Gen.Select(pick, GarbageText).Select<(int, string), Func<string, string>>(p => t =>
        {
            var at = t.Length == 0 ? 0 : p.Item1 % t.Length;
            return t[..at] + p.Item2 + t[Math.Min(t.Length, at + p.Item2.Length)..];
        }),
        Gen.Select(pick, GarbageText).Select<(int, string), Func<string, string>>(p => t => t.Insert(t.Length == 0 ? 0 : p.Item1 % t.Length, p.Item2)),
        pick.Select<int, Func<string, string>>(n => t => ReplaceNumber(t, n)),
        Gen.Const<Func<string, string>>(_ => ""),
        pick.Select<int, Func<string, string>>(n => t => EditLines(t, l =>
        {
            var rng = new Random(n);
            for (var i = l.Count - 1; i > 0; i--) { var j = rng.Next(i + 1); (l[i], l[j]) = (l[j], l[i]); }
        })));

    private static string EditLines(string text, Action<List<string>> edit)
    {
        var lines = text.Split('\n').ToList();
        edit(lines);
        return string.Join('\n', lines);
    }

    private static string ReplaceNumber(string text, int n)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
        if (digits.Count == 0) return text;
        var at = digits[n % digits.Count];
        string[] replacements = ["99999999999999999999999", "-1", "2147483648", "0", "1048577", "4294967295"];
        return text[..at] + replacements[n % replacements.Length] + text[(at + 1)..];
    }

    private static Gen<string> Damaged(IReadOnlyList<string> texts) =>
        Gen.Select(Gen.Int[0, texts.Count - 1], Mutation(Gen.Int[0, int.MaxValue]).Array[1, 3])
            .Select(p => p.Item2.Aggregate(texts[p.Item1], (t, m) => m(t)));

    private static void AssertValueOutcome(Parsed<HostTopology> parsed)
    {
        if (parsed.Success)
        {
            FixtureParsingTests.AssertConsistent(parsed.Value);
            return;
        }
        Assert.NotEmpty(parsed.Errors);
        Assert.All(parsed.Errors, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Expected));
            Assert.DoesNotContain('\n', e.ToString());
        });
    }

    public static TheoryData<TopologyFormat> TextFormats() =>
        [TopologyFormat.Numactl, TopologyFormat.LstopoConsole, TopologyFormat.HwlocXml, TopologyFormat.Capabilities, TopologyFormat.TopologyJson];

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Damaged_fixtures_give_a_topology_or_a_parse_error(TopologyFormat format)
    {
        var texts = format == TopologyFormat.TopologyJson
            ? Fixtures.Files("hwloc", ".xml").Take(8).Select(f => JsonSerializer.Serialize(Fixtures.Parse(f, TopologyFormat.HwlocXml), TopologyJsonContext.Default.HostTopology)).ToList()
            : Fixtures.TextTopologies().Where(x => x.Format == format).Select(x => Fixtures.Read(x.Path)).ToList();
        Assert.NotEmpty(texts);
        var cases = 0;
        Damaged(texts).Sample(text =>
        {
            Interlocked.Increment(ref cases);
            AssertValueOutcome(TopologyFormats.Parse(format, text, "fuzz"));
        }, iter: CasesPerFormat, threads: 1);
        output.WriteLine($"{format}: {cases} damaged inputs parsed without an exception");
        Assert.Equal(CasesPerFormat, cases);
    }

    [Fact]
    public void Damaged_sysfs_snapshots_give_a_topology_or_a_parse_error()
    {
        var snapshots = Fixtures.SysfsTrees().Select(Fixtures.Sysfs).ToList();
        Assert.NotEmpty(snapshots);
        var gen = Gen.Select(Gen.Int[0, snapshots.Count - 1], Gen.Int[0, int.MaxValue], Mutation(Gen.Int[0, int.MaxValue]).Array[1, 3], Gen.Int[0, 2]);
        var cases = 0;
        gen.Sample(p =>
        {
            Interlocked.Increment(ref cases);
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
        }, iter: CasesPerFormat, threads: 1);
        output.WriteLine($"Sysfs: {cases} damaged snapshots parsed without an exception");
        Assert.Equal(CasesPerFormat, cases);
    }
}
