using System.Text.Json;
using Smog.Cli;
using Smog.Tests.Libvirt;

namespace Smog.Tests.Cli;

/// <summary><c>smog verify --topology-api FILE</c>: the saved answer is read with the OpenStack client's DTO.</summary>
public sealed class VerifyTopologyApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-cli-topology-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Boot-oracle case b5: a dedicated guest on two NUMA nodes.</summary>
    private string[] Verify(string topologyFile)
    {
        var output = JsonDocument.Parse(LibvirtFixtures.Read("boot-oracle", "b5_emulator_isolate_numa2.out.json")).RootElement;
        var @case = JsonDocument.Parse(LibvirtFixtures.Read("boot-oracle", "b5_emulator_isolate_numa2.json")).RootElement;
        return ["verify",
            "--domain", Write("dom.xml", output.GetProperty("domain_xml").GetString()!),
            "--host", Write("host.json", output.GetProperty("host_numa_topology").GetRawText()),
            "--flavor", Write("flavor.json", @case.GetProperty("flavor").GetRawText()),
            "--topology-api", topologyFile, "--output", "json"];
    }

    [Fact]
    public void An_answer_with_other_cells_than_the_domain_is_a_finding()
    {
        // Given an API answer with one node for the two-node guest (cpu_pinning keys are strings on the wire)
        var api = Write("topology.json", """{"nodes": [{"vcpu_set": [0, 1], "siblings": [[0], [1]], "memory_mb": 512, "host_node": 0, "cpu_pinning": {"0": 2, "1": 3}}], "pagesize_kb": null}""");

        var (exit, stdout, _) = CliRunner.Run(Verify(api));

        Assert.Equal(ExitCodes.CheckFailed, exit);
        var rules = JsonDocument.Parse(stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString());
        Assert.Contains("api.topology", rules);
    }

    [Theory]
    [InlineData("""{"nodes": [{"vcpu_set": "0-1", "memory_mb": 512}]}""")]
    [InlineData("""{"nodes": [{"vcpu_set": [0], "memory_mb": 512, "cpu_pinning": {"zero": 2}}]}""")]
    [InlineData("""{"pagesize_kb": 4}""")]
    [InlineData("not json")]
    public void An_answer_that_is_not_a_topology_is_one_line_naming_the_file(string json)
    {
        var api = Write("topology.json", json);

        var (exit, _, stderr) = CliRunner.Run(Verify(api));

        Assert.Equal(ExitCodes.BadInput, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(api, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_the_shared_wording()
    {
        var (exit, _, stderr) = CliRunner.Run(Verify(Path.Combine(_dir, "nope.json")));
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("nope.json: no such file", stderr, StringComparison.Ordinal);
    }
}
