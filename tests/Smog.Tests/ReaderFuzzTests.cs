using System.Text.Json;
using System.Text.Json.Nodes;
using Smog.Hosts;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Syntax;
using Smog.Input;
using Smog.OpenStack.Config;
using Smog.Tests.Hosts;
using Smog.Tests.OpenStack;
using Smog.Tests.OpenStack.Config;

namespace Smog.Tests;

/// <summary>
/// The other readers of user input survive the same damage as the topology parsers
/// (<see cref="Fuzz"/>): domain XML, oracle case files, clouds.yaml and secure.yaml, and the host
/// inventory. Each case ends in a value or an expected one-line error (a ParseError, or the
/// reader's documented exception); any other exception fails.
/// </summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(null, Fuzz.DefaultCases)]
    [InlineData("", Fuzz.DefaultCases)]
    [InlineData("100000", 100000)]
    public void SMOG_FUZZ_CASES_sets_the_cases_per_format(string? variable, int cases) =>
        Assert.Equal(cases, Fuzz.CasesFrom(variable));

    [Theory]
    [InlineData("0")]
    [InlineData("1e5")]
    [InlineData("many")]
    public void A_malformed_SMOG_FUZZ_CASES_stops_the_run(string variable) =>
        Assert.Equal($"SMOG_FUZZ_CASES must be a positive whole number, not '{variable}'", Assert.Throws<ArgumentException>(() => Fuzz.CasesFrom(variable)).Message);

    [Fact]
    public void An_exception_the_reader_lets_through_fails_the_run() =>
        Assert.ThrowsAny<Exception>(() => Fuzz.Run("throwing reader", ["text"], _ => throw new InvalidOperationException("a bug"), output));

    [Fact]
    public void Damaged_domain_xml_gives_facts_or_a_parse_error()
    {
        var texts = LibvirtDocuments().Select(File.ReadAllText).ToList();
        var cases = Fuzz.Run("domain XML", texts, text =>
        {
            var domain = DomainReader.Parse(text, "fuzz");
            if (!domain.Success)
            {
                Fuzz.AssertOneLineErrors(domain.Errors);
                return;
            }
            var facts = DomainFactsReader.From(domain.Value, "fuzz");
            if (!facts.Success) Fuzz.AssertOneLineErrors(facts.Errors);
        }, output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    private static IEnumerable<string> LibvirtDocuments() =>
        new[] { ("domains", "*.xml"), ("boot-oracle", "*.numa.xml"), ("verify", "*.xml") }
            .SelectMany(s => Fixtures.Files(s.Item1, s.Item2)).Select(Fixtures.Require);

    [Fact]
    public void Damaged_case_files_give_a_case_or_a_one_line_error()
    {
        // Indented, so that line damage reaches inside the flavor, image and host objects.
        var texts = CaseSamples().Select(c => JsonNode.Parse(c)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })).ToList();
        var cases = Fuzz.Run("case file", texts, text =>
        {
            _ = ReadCase(text);
        }, output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    private static IEnumerable<string> CaseSamples() =>
        Fixtures.Files("boot-oracle", "*.json").Where(f => !f.EndsWith(".out.json", StringComparison.Ordinal)).Select(Fixtures.Read)
            .Concat(File.ReadLines(Fixtures.Require("nova-fit/cases.jsonl")).Take(40))
            .Concat(File.ReadLines(Fixtures.Require("nova-fit/pci-cases.jsonl")).Take(20))
            .Concat(File.ReadLines(Fixtures.Require("nova-vectors/cases.jsonl")).Take(40));

    /// <summary>
    /// Reads one case text through the case reader, and the same text through the flavor and
    /// image file readers; null when the case read, else its one-line error.
    /// </summary>
    private static string? ReadCase(string text)
    {
        var flavor = FlavorReader.Read(text, "fuzz");
        if (!flavor.Success) Fuzz.AssertOneLineErrors(flavor.Errors);
        var image = FlavorReader.ReadImage(text, "fuzz");
        if (!image.Success) Fuzz.AssertOneLineErrors(image.Errors);
        var parsed = CaseReader.Read(text, "fuzz");
        if (parsed.Success) return null;
        Fuzz.AssertOneLineErrors(parsed.Errors);
        return parsed.Errors[0].ToString();
    }

    [Fact]
    public void A_number_beyond_int_is_a_case_error()
    {
        // Found by this fuzzer: a CPU id past int.MaxValue overflowed instead of naming the field.
        var text = """{"flavor": {"vcpus": 1, "memory_mb": 512}, "host": {"cells": [{"id": 0, "cpus": [0, 21474836486], "memory_mb": 1024}]}}""";
        Assert.Equal("fuzz: host.cells[0].cpus[1] is out of range, found 21474836486", ReadCase(text));
    }

    [Fact]
    public void A_shorthand_host_beyond_the_modelled_cpus_is_a_case_error()
    {
        // Found by this fuzzer: cores_per_node 1048577 threw ArgumentOutOfRangeException from CpuSet.
        var text = """{"flavor": {"vcpus": 1, "memory_mb": 512}, "host": {"numa_nodes": 2, "cores_per_node": 1048577, "threads_per_core": 2}}""";
        Assert.Equal("fuzz: host: numa_nodes × cores_per_node × threads_per_core must be at most 1048577 CPUs", ReadCase(text));
    }

    /// <summary>A clouds.yaml, the secure.yaml beside it, and the OS_* variables that pick the cloud.</summary>
    private sealed record CloudFiles(string Clouds, string Secure, params (string Name, string Value)[] Vars);

    private static readonly CloudFiles[] CloudSamples =
    [
        new(CloudConfigResolverTests.LabCloud, CloudConfigResolverTests.LabSecure),
        new(CloudConfigResolverTests.TwoRegions, "clouds:\n  r:\n    auth:\n      password: from-secure\n", ("OS_REGION_NAME", "RegionTwo")),
        new(CloudConfigResolverTests.ThreeClouds, "clouds:\n  b:\n    auth: {password: s, project_name: p2}\n    region_name: R2\n", ("OS_CLOUD", "b")),
    ];

    [Theory]
    [InlineData("clouds.yaml")]
    [InlineData("secure.yaml")]
    public void Damaged_cloud_config_gives_a_cloud_or_a_one_line_error(string damagedFile)
    {
        var texts = CloudSamples.Select(s => damagedFile == "clouds.yaml" ? s.Clouds : s.Secure).ToList();
        var cases = Fuzz.Run(damagedFile, texts, (index, text) =>
        {
            var sample = CloudSamples[index];
            var clouds = damagedFile == "clouds.yaml" ? text : sample.Clouds;
            var secure = damagedFile == "secure.yaml" ? text : sample.Secure;
            var files = new Dictionary<string, string> { [$"{TestEnv.Cwd}/clouds.yaml"] = clouds, [$"{TestEnv.Cwd}/secure.yaml"] = secure };
            try
            {
                _ = TestEnv.Resolve(files, sample.Vars.ToDictionary(v => v.Name, v => v.Value));
            }
            catch (ConfigException e)
            {
                Fuzz.AssertOneLine(e);
            }
        }, output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    [Fact]
    public void Damaged_inventories_give_hosts_or_a_one_line_error()
    {
        string[] texts = [InventoryParserTests.FullSshHost, InventoryParserTests.LabShape, TwoHosts];
        var cases = Fuzz.Run("host inventory", texts, text =>
        {
            try
            {
                _ = InventoryParser.Parse(text, "hosts.yml", "/etc/smog");
            }
            catch (InventoryException e)
            {
                Fuzz.AssertOneLine(e);
            }
        }, output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    [Fact]
    public void Damaged_lab_files_give_a_lab_or_a_one_line_error()
    {
        using var stream = typeof(Smog.Cloud.Lab.LabReader).Assembly.GetManifestResourceStream("Smog.Cloud.default-lab.yml")!;
        string[] texts = [new StreamReader(stream).ReadToEnd(), SmallLab];
        var cases = Fuzz.Run("lab YAML", texts, text =>
        {
            var lab = Smog.Cloud.Lab.LabReader.Parse(text, "lab.yml", "/nonexistent-lab-dir");
            if (!lab.Success) Fuzz.AssertOneLineErrors(lab.Errors);
        }, output);
        Assert.Equal(Fuzz.CasesPerFormat, cases);
    }

    private const string SmallLab = """
        version: 1
        aggregates:
          - { name: fast, availability_zone: az1, metadata: { ssd: "true" } }
        hosts:
          - name: h1
            disk_gb: 200
            aggregates: [fast]
            topology:
              sockets: 2
              cells: 2
              cores_per_cell: 4
              threads_per_core: 2
              memory_per_cell: 8GiB
              pages_per_cell: { 2M: 512 }
              pci: [{ address: "0000:af:00.0", cell: 1, vendor_id: "15b3", product_id: "1017", kind: pf, vfs: 4, vf_product_id: "1018" }]
            nova_conf: |
              [DEFAULT]
              reserved_huge_pages = node:0,size:2048,count:64
              [compute]
              cpu_dedicated_set = 2-7,10-15
          - name: h2
            topology: { file: h2.json }
        """;

    // The README's example inventory: one SSH host and one local host.
    private const string TwoHosts = """
        hosts:
          - name: compute-1
            address: 10.0.0.5
            port: 22
            user: root
            key: keys/id_ed25519
            known_hosts: known_hosts
            libvirt_uri: qemu:///system
          - name: vm
            access: local
            libvirt_uri: "qemu:///system"
        """;
}
