using Smog.Tests.Cli;

namespace Smog.Tests.Integration.NetnsHosts;

/// <summary>
/// The <c>smog env</c> verbs over real SSH against the namespaced hosts: nova.conf edits with
/// the journal on this machine, restart and restore (on A directly, on B through A); huge
/// pages through the (tmpfs) sysfs files; the preflight; nested on A as an L0; shell
/// metacharacters as data. What the hosts hold afterwards is read over SSH and compared with
/// text written here by hand.
/// </summary>
[Collection(NetnsLab.Collection)]
public sealed class NetnsEnvTests
{
    private const string Conf = "/etc/nova/nova.conf";

    // The seed with: [libvirt] virt_type=kvm (preset numa) and cpu_mode added after it, the
    // enabled_filters of Zed plus the preset's two filters and PciPassthroughFilter in a new
    // [filter_scheduler] at the end; comments, order and both alias lines untouched.
    private static string Expected(string hostname) => $$"""
        # nova.conf of {{hostname}} (smog netns CI host)
        [DEFAULT]
        # the host name Nova reports
        host = {{hostname}}
        debug = false

        [pci]
        # two aliases: a repeated key
        alias = {"name": "nic-a", "vendor_id": "8086", "product_id": "1572"}
        alias = {"name": "nic-b", "vendor_id": "8086", "product_id": "1583"}

        [libvirt]
        virt_type = kvm
        cpu_mode = host-passthrough

        [oslo_concurrency]
        lock_path = /var/lib/nova/tmp

        [filter_scheduler]
        enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,NUMATopologyFilter,AggregateInstanceExtraSpecsFilter,PciPassthroughFilter

        """;

    [Theory]
    [InlineData(NetnsLab.A, "compute-a")]
    [InlineData(NetnsLab.B, "compute-b")]
    public async Task Nova_conf_edit_restart_and_restore_over_ssh(string host, string hostname)
    {
        var inventory = NetnsLab.InventoryPath();
        var scratch = NetnsLab.Scratch();
        try
        {
            await NetnsLab.ResetNovaConfAsync(host);
            var before = await NetnsLab.ShellAsync(host, $"sha256sum {Conf}");
            Assert.StartsWith(NetnsLab.Sha256(NetnsLab.Seed(host)), before);
            var pidFile = Path.Join(NetnsLab.Dir, NetnsLab.HostDir(host), "nova-compute.pid");
            var oldPid = File.ReadAllText(pidFile).Trim();
            var restarts = File.ReadAllLines(Path.Join(NetnsLab.Dir, NetnsLab.HostDir(host), "restarts.log")).Length;

            var (exit, output, error) = CliRunner.Run(["env", "nova-conf", "--inventory", inventory, "--host", host, "--set", "libvirt.cpu_mode=host-passthrough",
                "--add-filter", "PciPassthroughFilter", "--preset", "numa", "--restart", "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            Assert.Contains($"{host}:{Conf}", output);
            Assert.Equal(Expected(hostname), await NetnsLab.ShellAsync(host, $"cat {Conf}"));

            // The journal is on this machine and holds the old bytes.
            var journal = File.ReadAllText(Path.Join(scratch, "env-journal.jsonl"));
            Assert.Contains($"\"host\":\"{host}\"", journal);
            Assert.Contains(NetnsLab.Sha256(NetnsLab.Seed(host)), journal);

            // --restart ran the host's command: a new dummy nova-compute runs, the old one is gone.
            var newPid = File.ReadAllText(pidFile).Trim();
            Assert.NotEqual(oldPid, newPid);
            Assert.Equal(("gone", "runs"), (await NetnsLab.ProcessAsync(host, oldPid), await NetnsLab.ProcessAsync(host, newPid)));
            var log = File.ReadAllLines(Path.Join(NetnsLab.Dir, NetnsLab.HostDir(host), "restarts.log"));
            Assert.Equal(restarts + 1, log.Length);
            Assert.EndsWith($"restarted: {oldPid} -> {newPid}", log[^1]);

            (exit, output, error) = CliRunner.Run(["env", "restore", "--inventory", inventory, "--host", host, "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            Assert.Contains($"restored {host}:{Conf}", output);
            Assert.Equal(before, await NetnsLab.ShellAsync(host, $"sha256sum {Conf}"));
        }
        finally
        {
            await NetnsLab.ResetNovaConfAsync(host);
            Directory.Delete(scratch, true);
        }
    }

    [Fact]
    public async Task Hugepages_write_the_node_files_over_ssh_and_restore_puts_the_old_values_back()
    {
        var inventory = NetnsLab.InventoryPath();
        var scratch = NetnsLab.Scratch();
        const string node1 = "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages";
        const string node0 = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages";
        try
        {
            await NetnsLab.ShellAsync(NetnsLab.A, $"echo 0 > {node0}; echo 2 > {node1}");
            var (exit, output, error) = CliRunner.Run(["env", "hugepages", "--inventory", inventory, "--host", NetnsLab.A, "--size", "2M", "--count", "6", "--node", "1", "--state-dir", scratch]);
            // Exit 0 or 1 follows the hugetlbfs/libvirtd check, which sees this machine's mounts
            // and processes (the namespaces share them); the grant itself is not in doubt.
            Assert.True(exit is 0 or 1, error);
            Assert.DoesNotContain("granted", error);
            Assert.Equal("0\n6\n", await NetnsLab.ShellAsync(NetnsLab.A, $"cat {node0} {node1}"));
            // The report is per node, as the files say (free_hugepages stays 0: no kernel here).
            Assert.Contains("  node 0: 0 pages, 0 free\n  node 1: 6 pages, 0 free\n", output.ReplaceLineEndings("\n"));

            (exit, _, error) = CliRunner.Run(["env", "restore", "--inventory", inventory, "--host", NetnsLab.A, "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            Assert.Equal("0\n2\n", await NetnsLab.ShellAsync(NetnsLab.A, $"cat {node0} {node1}"));
        }
        finally
        {
            await NetnsLab.ShellAsync(NetnsLab.A, $"echo 0 > {node0}; echo 0 > {node1}");
            Directory.Delete(scratch, true);
        }
    }

    /// <summary>
    /// The preflight against the embedded cloud (no cloud named), whose hypervisors compute-0 and
    /// compute-1 are here A and B: their facts come from the hosts' own tools over SSH.
    /// </summary>
    [Fact]
    public async Task Check_shows_each_hosts_nodes_and_smt_from_its_own_tools()
    {
        NetnsLab.InventoryPath();
        var scratch = NetnsLab.Scratch();
        try
        {
            await NetnsLab.ResetNovaConfAsync(NetnsLab.A);
            await NetnsLab.ResetNovaConfAsync(NetnsLab.B);
            var inventory = NetnsLab.WriteInventory(scratch, "compute-0", "compute-1");
            var (_, output, error) = CliRunner.Run(["env", "check", "--inventory", inventory, "-o", "json"]);
            using var json = System.Text.Json.JsonDocument.Parse(output);
            var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!);
            Assert.True(hosts.ContainsKey("compute-0"), error);
            Assert.Equal((2, true, "qemu"), (hosts["compute-0"].GetProperty("numa_nodes").GetInt32(), hosts["compute-0"].GetProperty("smt").GetBoolean(), hosts["compute-0"].GetProperty("virt_type").GetString()));
            Assert.Equal((4, false, "qemu"), (hosts["compute-1"].GetProperty("numa_nodes").GetInt32(), hosts["compute-1"].GetProperty("smt").GetBoolean(), hosts["compute-1"].GetProperty("virt_type").GetString()));
            // A's fake kvm_intel says nested=N; B has no KVM module at all.
            Assert.Equal("no (kvm_intel nested=N)", hosts["compute-0"].GetProperty("nested").GetString());
            Assert.Equal("no (kvm_intel/kvm_amd not loaded)", hosts["compute-1"].GetProperty("nested").GetString());
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
    }

    [Fact]
    public async Task Nested_on_A_as_an_L0_plans_applies_once_and_restores()
    {
        NetnsLab.InventoryPath();
        var scratch = NetnsLab.Scratch();
        const string modprobeConf = "/etc/modprobe.d/smog-nested.conf";
        const string nested = "/sys/module/kvm_intel/parameters/nested";
        var modprobeLog = Path.Join(NetnsLab.Dir, "a", "modprobe.log");
        try
        {
            await NetnsLab.ShellAsync(NetnsLab.A, $"rm -f {modprobeConf}; echo N > {nested}");
            File.WriteAllText(modprobeLog, "");
            var inventory = NetnsLab.WriteInventory(scratch, extra: $"  - name: l1-fake\n    parent: {NetnsLab.A}\n");
            string[] args = ["env", "nested", "--inventory", inventory, "--state-dir", scratch];

            var (exit, output, error) = CliRunner.Run([.. args, "--dry-run"]);
            Assert.True(exit == 0, error + output);
            Assert.Contains("netns-a (L0): CPU GenuineIntel → module kvm_intel; kvm_intel nested=N", output);
            Assert.Contains($"  - write {modprobeConf}: options kvm_intel nested=1 (journaled)", output);
            Assert.Contains("  - reload kvm_intel (no guest runs)", output);
            Assert.Equal("absent\n", await NetnsLab.ShellAsync(NetnsLab.A, $"test -e {modprobeConf} && echo present || echo absent"));
            Assert.Equal("", File.ReadAllText(modprobeLog));

            (exit, output, error) = CliRunner.Run(args);
            Assert.True(exit == 0, error + output);
            Assert.Equal("# written by smog env nested: nested virtualisation for KVM guests\noptions kvm_intel nested=1\n",
                await NetnsLab.ShellAsync(NetnsLab.A, $"cat {modprobeConf}"));
            Assert.Equal("-r kvm_intel\nkvm_intel\n", File.ReadAllText(modprobeLog));
            Assert.Equal("Y\n", await NetnsLab.ShellAsync(NetnsLab.A, $"cat {nested}"));

            (exit, output, error) = CliRunner.Run(args);
            Assert.True(exit == 0, error + output);
            Assert.Contains("= nested virtualisation already enabled and persistent: nothing to change", output);
            Assert.Equal("-r kvm_intel\nkvm_intel\n", File.ReadAllText(modprobeLog));

            (exit, _, error) = CliRunner.Run(["env", "restore", "--inventory", inventory, "--host", NetnsLab.A, "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            Assert.Equal("absent\n", await NetnsLab.ShellAsync(NetnsLab.A, $"test -e {modprobeConf} && echo present || echo absent"));
        }
        finally
        {
            await NetnsLab.ShellAsync(NetnsLab.A, $"rm -f {modprobeConf}; echo N > {nested}");
            Directory.Delete(scratch, true);
        }
    }

    [Fact]
    public async Task Shell_metacharacters_in_a_value_and_a_host_name_stay_data()
    {
        NetnsLab.InventoryPath();
        var scratch = NetnsLab.Scratch();
        var canary = $"/tmp/smog-netns-canary-{Guid.NewGuid():N}";
        var value = $"it's \"quoted\"; $(touch {canary}) `touch {canary}` a b";
        var nameB = $"b 'x\" ; $(touch {canary})";
        try
        {
            await NetnsLab.ResetNovaConfAsync(NetnsLab.B);
            var inventory = NetnsLab.WriteInventory(scratch, nameB: nameB);
            var (exit, _, error) = CliRunner.Run(["env", "nova-conf", "--inventory", inventory, "--host", nameB, "--set", $"DEFAULT.my_note={value}", "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            var conf = await NetnsLab.ShellAsync(NetnsLab.B, $"cat {Conf}");
            Assert.Contains($"debug = false\nmy_note = {value}\n\n[pci]", conf);

            (exit, _, error) = CliRunner.Run(["env", "restore", "--inventory", inventory, "--host", nameB, "--state-dir", scratch]);
            Assert.True(exit == 0, error);
            Assert.Equal(NetnsLab.Seed(NetnsLab.B), await NetnsLab.ShellAsync(NetnsLab.B, $"cat {Conf}"));
            foreach (var host in new[] { NetnsLab.A, NetnsLab.B })
                Assert.Equal("absent\n", await NetnsLab.ShellAsync(host, $"test -e {canary} && echo present || echo absent"));
            Assert.False(File.Exists(canary));
        }
        finally
        {
            await NetnsLab.ResetNovaConfAsync(NetnsLab.B);
            File.Delete(canary);
            Directory.Delete(scratch, true);
        }
    }
}
