using Smog.Hosts;
using Smog.Hosts.Prefixed;
using Smog.Topology.Parsers;

namespace Smog.Tests.Hosts;

public class HostDiscoveryTests
{
    /// <summary>A host whose programs answer from a table and whose files come from a fixture tree.</summary>
    private sealed class FakeHost(Dictionary<string, CommandResult?> programs, string sysRoot) : ICommandRunner
    {
        private readonly LocalCommandRunner _files = new();
        private (int Skip, Dictionary<string, CommandResult?> Tools)? _shim;
        public string HostName => "fake-host";

        /// <summary>Answers as a shim: the tool is the argument after the rest of the prefix; unknown tools exit 127 silently.</summary>
        public FakeHost WithPrefixAnswers(int prefixLength, Dictionary<string, CommandResult?> tools)
        {
            _shim = (prefixLength - 1, tools);
            return this;
        }

        public Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
            Task.FromResult(_shim is { } shim
                ? shim.Tools.GetValueOrDefault(arguments[shim.Skip]) ?? new CommandResult(127, "", $"{arguments[shim.Skip]}: not available\n")
                : programs.GetValueOrDefault(program));

        public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
            _files.ReadFileAsync(Local(path), cancellationToken);

        public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
            _files.ListDirectoryAsync(Local(path), cancellationToken);

        private string Local(string path) => path.StartsWith("/sys/", StringComparison.Ordinal) ? sysRoot + path[4..] : path;
    }

    private const string Host = "synth-4n-2s-4c-2t-linux";

    [Fact]
    public async Task Missing_tools_are_notes_with_their_apt_package()
    {
        var host = new FakeHost([], Fixtures.Require($"sysfs/{Host}"));
        var inputs = await HostDiscovery.CollectAsync(host, "/sys", TestContext.Current.CancellationToken);
        Assert.Equal([TopologyFormat.Sysfs], inputs.Sources.Select(s => s.Format));
        Assert.Equal([
            "numactl is not installed: apt-get install numactl",
            "lstopo-no-graphics is not installed: apt-get install hwloc-nox",
            "virsh is not installed: apt-get install libvirt-clients",
        ], inputs.Notes);
    }

    /// <summary>
    /// A host reached through a <c>command_prefix</c>: the inner runner sees the prefix program with the
    /// tool after it, answers the tools in its table and, for any other, exits 127 without output
    /// (as lab/allinone.d/simhost.py and <c>podman exec</c> do).
    /// </summary>
    private static PrefixedCommandRunner Prefixed(string[] prefix, Dictionary<string, CommandResult?> tools) =>
        new(new FakeHost([], Fixtures.Require($"sysfs/{Host}")).WithPrefixAnswers(prefix.Length, tools), [.. prefix], null);

    [Fact]
    public async Task Behind_a_shim_a_missing_tool_is_a_fact_about_the_host_naming_the_sources_that_answered()
    {
        var shim = Prefixed(["/usr/bin/python3", "lab/allinone.d/simhost.py", "exec", "--state", "/var/lib/smog-lab/sim/compute-3", "--"], new()
        {
            ["numactl"] = new CommandResult(0, Fixtures.Read($"numactl/{Host}.txt"), ""),
            ["virsh"] = new CommandResult(0, Fixtures.Read($"caps/{Host}.xml"), ""),
        });

        var inputs = await HostDiscovery.CollectAsync(shim, "/sys", TestContext.Current.CancellationToken);

        Assert.Equal(["numactl -H", "virsh capabilities", "/sys"], inputs.Sources.Select(s => s.Source));
        Assert.Equal("lstopo-no-graphics does not answer behind the host's command_prefix; topology from numactl -H, virsh capabilities, /sys",
            Assert.Single(inputs.Notes));
    }

    [Fact]
    public async Task Behind_sudo_alone_a_missing_tool_is_still_the_hosts_to_install()
    {
        var sudo = Prefixed(["sudo", "-n"], new() { ["numactl"] = new CommandResult(0, Fixtures.Read($"numactl/{Host}.txt"), "") });

        var inputs = await HostDiscovery.CollectAsync(sudo, "/sys", TestContext.Current.CancellationToken);

        Assert.Equal([
            "lstopo-no-graphics is not installed: apt-get install hwloc-nox",
            "virsh is not installed: apt-get install libvirt-clients",
        ], inputs.Notes);
    }

    [Fact]
    public async Task Working_tools_are_parsed_and_a_failing_virsh_is_a_note()
    {
        var host = new FakeHost(new()
        {
            ["numactl"] = new CommandResult(0, Fixtures.Read($"numactl/{Host}.txt"), ""),
            ["lstopo-no-graphics"] = new CommandResult(0, Fixtures.Read($"hwloc/{Host}.xml"), ""),
            ["virsh"] = new CommandResult(1, "", "error: failed to connect to the hypervisor\nerror: more"),
        }, Fixtures.Require($"sysfs/{Host}"));
        var inputs = await HostDiscovery.CollectAsync(host, "/sys", TestContext.Current.CancellationToken);
        Assert.Equal([TopologyFormat.Numactl, TopologyFormat.HwlocXml, TopologyFormat.Sysfs], inputs.Sources.Select(s => s.Format));
        Assert.Equal("virsh capabilities failed on fake-host: error: failed to connect to the hypervisor", Assert.Single(inputs.Notes));
        Assert.All(inputs.Sources, s => Assert.Equal(4, s.Topology.Cells.Length));
    }

    [Fact]
    public async Task Numactl_without_numa_exits_1_and_still_counts_as_a_source()
    {
        var host = new FakeHost(new()
        {
            ["numactl"] = new CommandResult(1, "", "No NUMA available on this system\n"),
        }, Fixtures.Require("sysfs/real-local"));
        var inputs = await HostDiscovery.CollectAsync(host, "/sys", TestContext.Current.CancellationToken);
        var numactl = inputs.Sources.Single(s => s.Format == TopologyFormat.Numactl);
        Assert.Empty(numactl.Topology.Cells);
    }

    [Fact]
    public async Task Unreadable_tool_output_is_a_note_not_a_failure()
    {
        var host = new FakeHost(new() { ["lstopo-no-graphics"] = new CommandResult(0, "<topology><object", "") }, Fixtures.Require($"sysfs/{Host}"));
        var inputs = await HostDiscovery.CollectAsync(host, "/sys", TestContext.Current.CancellationToken);
        Assert.Contains(inputs.Notes, n => n.StartsWith("lstopo-no-graphics --of xml output could not be read, ignored:", StringComparison.Ordinal));
    }
}
