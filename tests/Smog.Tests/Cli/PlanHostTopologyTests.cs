using System.Xml.Linq;
using Smog.Topology;

namespace Smog.Tests.Cli;

/// <summary><c>plan --host-topology</c>: a discovered host with nova.conf from the case, a file or flags.</summary>
public sealed class PlanHostTopologyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-plan-host-").FullName;
    private static readonly string Host = Path.Combine(Fixtures.Root, "..", "Smog.Tests", "Cli", "Golden", "json-4-nodes.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private const string PinnedCase = """
        {"flavor": {"vcpus": 4, "memory_mb": 2048, "extra_specs": {"hw:cpu_policy": "dedicated", "hw:emulator_threads_policy": "share"}},
         "config": {"libvirt": {"cpu_mode": "custom", "cpu_models": ["Skylake-Server"]}}}
        """;

    [Fact]
    public void The_cases_libvirt_settings_survive_cpu_set_flags()
    {
        var (exit, xml, err) = CliRunner.Run(["plan", "--case", Write("c.json", PinnedCase), "--host-topology", Host,
            "--cpu-dedicated-set", "4-15,20-31", "--cpu-shared-set", "0-3,16-19", "--xml"]);
        Assert.True(exit == 0, err);
        var cpu = XElement.Parse(xml).Element("cpu")!;
        Assert.Equal("custom", cpu.Attribute("mode")?.Value);
        Assert.Equal("Skylake-Server", cpu.Element("model")?.Value);
        var pins = XElement.Parse(xml).Element("cputune")!.Elements("vcpupin").Select(p => CpuSet.Parse(p.Attribute("cpuset")!.Value)).ToList();
        Assert.Equal(4, pins.Count);
        Assert.All(pins, p => Assert.True(p.IsSubsetOf(CpuSet.Parse("4-15,20-31")), $"pin {p} outside cpu_dedicated_set"));
        // emulator threads share: cpu_shared_set
        Assert.Equal("0-3,16-19", XElement.Parse(xml).Element("cputune")!.Element("emulatorpin")!.Attribute("cpuset")!.Value);
    }

    [Fact]
    public void A_nova_conf_file_gives_the_same_domain_as_the_flags()
    {
        var conf = Write("nova.conf", "[compute]\ncpu_dedicated_set = 4-15,20-31\ncpu_shared_set = 0-3,16-19\n[libvirt]\ncpu_mode = custom\ncpu_models = Skylake-Server\n");
        var bare = Write("f.json", """{"flavor": {"vcpus": 4, "memory_mb": 2048, "extra_specs": {"hw:cpu_policy": "dedicated", "hw:emulator_threads_policy": "share"}}}""");
        var fromFile = CliRunner.Run(["plan", "--case", bare, "--host-topology", Host, "--nova-conf", conf, "--xml"]);
        var fromFlags = CliRunner.Run(["plan", "--case", Write("c.json", PinnedCase), "--host-topology", Host,
            "--cpu-dedicated-set", "4-15,20-31", "--cpu-shared-set", "0-3,16-19", "--xml"]);
        Assert.True(fromFile.Exit == 0, fromFile.Err);
        Assert.Equal(fromFlags.Out, fromFile.Out);
    }

    [Fact]
    public void Overlapping_sets_and_a_bad_nova_conf_are_one_line_exit_2()
    {
        var c = Write("c.json", PinnedCase);
        var overlap = CliRunner.Run(["plan", "--case", c, "--host-topology", Host, "--cpu-dedicated-set", "0-7", "--cpu-shared-set", "4-5"]);
        Assert.Equal(2, overlap.Exit);
        Assert.Equal("smog: cpu_dedicated_set and cpu_shared_set overlap on 4-5 (nova-compute refuses to start)", overlap.Err.Trim());
        var bad = Write("bad.conf", "[compute]\ncpu_shared_set = zero\n");
        var badConf = CliRunner.Run(["plan", "--case", c, "--host-topology", Host, "--nova-conf", bad]);
        Assert.Equal(2, badConf.Exit);
        Assert.StartsWith($"smog: {bad}:2: [compute] cpu_shared_set", badConf.Err.Trim());
        Assert.Single(badConf.Err.Trim().Split('\n'));
    }

    [Fact]
    public void A_bare_flavor_plans_on_a_discovered_host_as_the_readme_shows()
    {
        // Given the flavor file lint and verify take ({vcpus, memory_mb, extra_specs}), not a whole case
        var flavor = Write("flavor.json", """{"vcpus": 4, "memory_mb": 2048, "extra_specs": {"hw:cpu_policy": "dedicated"}}""");

        // When it is planned on a discovered host, as README's Plan section does
        var (exit, stdout, stderr) = CliRunner.Run(["plan", "--case", flavor, "--host-topology", Host, "--cpu-dedicated-set", "2-15", "--cpu-shared-set", "0-1"]);

        // Then it fits; without a host it is one line saying what is missing
        Assert.True(exit == 0, stderr);
        Assert.Contains("fits: yes", stdout);
        var alone = CliRunner.Run(["plan", "--case", flavor]);
        Assert.Equal(2, alone.Exit);
        Assert.Equal($"smog: {flavor}: case.flavor is missing (a bare flavor needs a host: --host-topology)", alone.Err.Trim());
    }

    [Fact]
    public void A_cpu_list_beyond_any_host_says_so_rather_than_not_a_range()
    {
        var (exit, _, stderr) = CliRunner.Run(["plan", "--case", Write("c.json", PinnedCase), "--host-topology", Host, "--cpu-dedicated-set", "0-1000000000"]);

        Assert.Equal(2, exit);
        Assert.Equal($"smog: --cpu-dedicated-set: '0-1000000000' is beyond the highest CPU id smog accepts ({CpuSet.MaxCpuId})", stderr.Trim());
    }
}
