using System.Text.Json;
using Smog.Input;
using Smog.Libvirt.Generation;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;

namespace Smog.Tests.Libvirt;

/// <summary>
/// One boot-oracle run: the case (host, flavor, image, config) and Nova 26.2.2's answer
/// (<c>numa_xml</c>, <c>instance_numa_topology</c>, <c>host_numa_topology</c>).
/// </summary>
internal sealed record BootOracleCase(string Name, JsonElement Case, JsonElement Output)
{
    public bool Active => Output.TryGetProperty("status", out var s) && s.GetString() == "ACTIVE"
        && Output.TryGetProperty("numa_xml", out var x) && x.ValueKind == JsonValueKind.String;

    public string NumaXml => Output.GetProperty("numa_xml").GetString()!;

    /// <summary>The case read once by the case reader (its host is not needed: Nova's report replaces it).</summary>
    public NovaCase Read => _read ??= CaseReader.Read(Case, Name, ignoreHost: true).Value;
    private NovaCase? _read;

    public Flavor Flavor => Read.Flavor;

    public ImageProperties Image => Read.Image;

    public NovaConf Config => Read.Conf;

    /// <summary>What the generator gets: the engine's resolution, Nova's own fit and host report.</summary>
    public GenerationInput GenerationInput()
    {
        var resolution = NovaPlanner.Resolve(Flavor, Image);
        return new GenerationInput(
            Flavor,
            OracleBootReader.Fitted(Output.GetProperty("instance_numa_topology"), resolution.Topology),
            HostModel.ToTopology(OracleBootReader.Host(Output.GetProperty("host_numa_topology"), Name).Value),
            Config,
            resolution.CpuTopology.Chosen!,
            resolution.Resolved);
    }

    public override string ToString() => Name;

    /// <summary>
    /// Every committed case: the examples copied from shared/oracle/boot_cases and Smog's own runs
    /// (tests/fixtures/boot-oracle), plus tests/fixtures/nova-boot/{cases,expected}.jsonl.
    /// </summary>
    public static IReadOnlyList<BootOracleCase> All { get; } = Load();

    private static List<BootOracleCase> Load()
    {
        var all = new List<BootOracleCase>();
        foreach (var file in LibvirtFixtures.Files("boot-oracle", "*.out.json"))
        {
            var name = Path.GetFileName(file)[..^".out.json".Length];
            all.Add(new BootOracleCase(name, Parse(File.ReadAllText(file[..^".out.json".Length] + ".json")), Parse(File.ReadAllText(file))));
        }
        all.AddRange(Pairs(LibvirtFixtures.PathOf("boot-oracle", "random-cases.jsonl"), LibvirtFixtures.PathOf("boot-oracle", "random-expected.jsonl"), "random/"));
        all.AddRange(Pairs(LibvirtFixtures.PathOf("nova-boot", "cases.jsonl"), LibvirtFixtures.PathOf("nova-boot", "expected.jsonl"), "nova-boot/"));
        return all;
    }

    /// <summary>Cases and outputs in JSON Lines, paired by <c>name</c>, else by line.</summary>
    private static IEnumerable<BootOracleCase> Pairs(string casesFile, string expectedFile, string prefix)
    {
        var cases = Lines(casesFile);
        var outputs = Lines(expectedFile);
        var byName = outputs.Where(o => o.TryGetProperty("name", out _)).GroupBy(o => o.GetProperty("name").ToString()).ToDictionary(g => g.Key, g => g.First());
        for (var i = 0; i < cases.Count; i++)
        {
            var name = cases[i].TryGetProperty("name", out var n) ? n.ToString() : $"line{i + 1}";
            var output = byName.TryGetValue(name, out var o) ? o : i < outputs.Count ? outputs[i] : default;
            if (output.ValueKind == JsonValueKind.Object) yield return new BootOracleCase(prefix + name, cases[i], output);
        }
    }

    private static List<JsonElement> Lines(string path) =>
        [.. File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(Parse)];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
