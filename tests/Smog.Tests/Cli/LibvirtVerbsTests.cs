using System.Text.Json;
using Smog.Cli;
using Smog.Tests.Libvirt;
using Spectre.Console;

namespace Smog.Tests.Cli;

/// <summary>The <c>verify</c> and <c>xml fake-numa</c> verbs end to end, in memory, on files in a temp folder.</summary>
public sealed class LibvirtVerbsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-cli-").FullName;
    private readonly StringWriter _out = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(params string[] args)
    {
        var (exit, stdout, _) = CliRunner.Run(args);
        _out.Write(stdout);
        return exit;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Domain, host and flavor files of boot-oracle case b5 (dedicated, emulator isolate, 2 nodes).</summary>
    private (string Domain, string Host, string Flavor) B5(Func<string, string>? edit = null)
    {
        var output = JsonDocument.Parse(LibvirtFixtures.Read("boot-oracle", "b5_emulator_isolate_numa2.out.json")).RootElement;
        var @case = JsonDocument.Parse(LibvirtFixtures.Read("boot-oracle", "b5_emulator_isolate_numa2.json")).RootElement;
        var xml = output.GetProperty("domain_xml").GetString()!;
        return (Write("dom.xml", edit is null ? xml : edit(xml)),
            Write("host.json", output.GetProperty("host_numa_topology").GetRawText()),
            Write("flavor.json", @case.GetProperty("flavor").GetRawText()));
    }

    [Fact]
    public void Verify_a_correct_domain_exits_0()
    {
        var (domain, host, flavor) = B5();
        Assert.Equal(ExitCodes.Ok, Run("verify", "--domain", domain, "--host", host, "--flavor", flavor));
        Assert.Contains("no findings", _out.ToString());
    }

    [Fact]
    public void Verify_a_broken_domain_exits_1_and_prints_the_rule()
    {
        // Given the emulator thread moved onto vCPU 0's pCPU under emulator isolate
        var (domain, host, flavor) = B5(x => x.Replace("<emulatorpin cpuset=\"6\"/>", "<emulatorpin cpuset=\"0\"/>"));
        Assert.Equal(ExitCodes.CheckFailed, Run("verify", "--domain", domain, "--host", host, "--flavor", flavor));
        Assert.Contains("emulator.isolate", _out.ToString());
    }

    [Fact]
    public void Verify_json_follows_the_contract()
    {
        var (domain, host, flavor) = B5(x => x.Replace("<vcpupin vcpu=\"3\" cpuset=\"15\"/>", "<vcpupin vcpu=\"3\" cpuset=\"7\"/>"));
        Assert.Equal(ExitCodes.CheckFailed, Run("verify", "--domain", domain, "--host", host, "--flavor", flavor, "--output", "json"));

        var root = JsonDocument.Parse(_out.ToString()).RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        var finding = root.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("rule").GetString() == "pin.cell");
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal("a pCPU of 8-15", finding.GetProperty("expected").GetString());
        Assert.Equal("7", finding.GetProperty("actual").GetString());
        Assert.Equal("/domain/cputune/vcpupin[@vcpu='3']", finding.GetProperty("evidence").GetProperty("xpath").GetString());
        Assert.Contains("cpuset=\"7\"", finding.GetProperty("evidence").GetProperty("excerpt").GetString());
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("message").GetString()));
    }

    [Fact]
    public void Verify_reports_a_neighbour_using_the_same_pcpu()
    {
        var (domain, host, flavor) = B5();
        var other = Write("other.xml", "<domain><name>other</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='14'/></cputune></domain>");
        Assert.Equal(ExitCodes.CheckFailed, Run("verify", "--domain", domain, "--host", host, "--flavor", flavor, "--others", other, "--output", "json"));
        Assert.Contains("pin.overlap", _out.ToString());
    }

    [Theory]
    [InlineData("missing domain file")]
    [InlineData("domain is not XML")]
    [InlineData("flavor without vcpus")]
    [InlineData("bad option value")]
    public void Verify_bad_input_exits_2(string problem)
    {
        var (domain, host, flavor) = B5();
        string[] args = problem switch
        {
            "missing domain file" => ["verify", "--domain", Path.Combine(_dir, "nope.xml"), "--host", host, "--flavor", flavor],
            "domain is not XML" => ["verify", "--domain", Write("bad.xml", "<domain>"), "--host", host, "--flavor", flavor],
            "flavor without vcpus" => ["verify", "--domain", domain, "--host", host, "--flavor", Write("f.json", "{\"memory_mb\": 1}")],
            _ => ["verify", "--domain", domain, "--host", host, "--flavor", flavor, "--output", "yaml"],
        };
        Assert.Equal(ExitCodes.BadInput, Run(args));
    }

    [Fact]
    public void Verify_reads_the_host_from_virsh_capabilities()
    {
        // Given the lab's real Nova instance (2 MiB pages) and capabilities taken when the 2 MiB pool was empty
        var domain = LibvirtFixtures.PathOf("domains", "virsh-dumpxml-nova-instance-pinned-hugepages.xml");
        var flavor = Write("flavor.json", """{"vcpus": 1, "memory_mb": 256, "extra_specs": {"hw:numa_nodes": "1", "hw:cpu_policy": "dedicated", "hw:mem_page_size": "2MB"}}""");

        var code = Run("verify", "--domain", domain, "--host", LibvirtFixtures.PathOf("caps", "virsh-capabilities-local.xml"), "--flavor", flavor, "--output", "json");

        Assert.Equal(ExitCodes.CheckFailed, code);
        var rules = JsonDocument.Parse(_out.ToString()).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString());
        Assert.Equal(["hugepages.available"], rules);
    }

    [Fact]
    public void Fake_numa_writes_the_new_document_and_keeps_the_input()
    {
        var input = Write("l1.xml", LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"));
        var output = Path.Combine(_dir, "new.xml");

        Assert.Equal(ExitCodes.Ok, Run("xml", "fake-numa", "--in", input, "--layout", "0-1:1024,2-3:1024", "--distances", "10,21;21,10", "--out", output));

        var text = File.ReadAllText(output);
        Assert.Contains("<cell id=\"1\" cpus=\"2-3\" memory=\"1048576\" unit=\"KiB\">", text);
        Assert.Equal(LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"), File.ReadAllText(input));
        Assert.Equal([Path.GetFileName(input), Path.GetFileName(output)], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Fake_numa_refusal_leaves_the_target_untouched()
    {
        var input = Write("l1.xml", LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"));
        var output = Write("new.xml", "previous content");

        Assert.Equal(ExitCodes.BadInput, Run("xml", "fake-numa", "--in", input, "--cells", "3", "--out", output));

        Assert.Equal("previous content", File.ReadAllText(output));
    }

    [Fact]
    public void Fake_numa_refuses_a_layout_that_resizes_the_domain_unless_asked()
    {
        // Given a 4-vCPU, 2 GiB L1 with four vCPU pins and a layout of 2 vCPUs and 512 MiB
        var input = Write("l1.xml", LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"));
        var output = Write("new.xml", "previous content");
        string[] args = ["xml", "fake-numa", "--in", input, "--layout", "0:256,1:256", "--out", output];

        // When it is applied without --resize, nothing is written and the one line says what would change
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("smog: --layout: would change the domain (vCPUs 4 → 2, memory 2 GiB → 512 MiB, dropped the pins of vCPUs 2-3); give --resize to write it", err.Trim());
        Assert.Equal("previous content", File.ReadAllText(output));

        // When --resize is given, it is written and the "wrote" line says exactly what changed
        var (resized, stdout, _) = CliRunner.Run([.. args, "--resize"]);
        Assert.Equal(ExitCodes.Ok, resized);
        Assert.EndsWith("; changed: vCPUs 4 → 2, memory 2 GiB → 512 MiB, dropped the pins of vCPUs 2-3", stdout.Trim());
        Assert.Contains("<vcpu placement=\"static\">2</vcpu>", File.ReadAllText(output));
    }

    [Fact]
    public void Fake_numa_into_a_missing_directory_is_one_line_and_exit_2()
    {
        var input = Write("l1.xml", LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"));
        var (exit, _, err) = CliRunner.Run(["xml", "fake-numa", "--in", input, "--cells", "2", "--out", "/nonexistent/dir/x.xml"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("smog: /nonexistent/dir/x.xml: cannot write: the directory /nonexistent/dir does not exist", err.Trim());
    }

    [Fact]
    public void Fake_numa_custom_mode_needs_capabilities()
    {
        var input = Write("l1.xml", LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml"));
        Assert.Equal(ExitCodes.BadInput, Run("xml", "fake-numa", "--in", input, "--cells", "2", "--mode", "custom", "--out", Path.Combine(_dir, "o.xml")));
        Assert.Equal(ExitCodes.Ok, Run("xml", "fake-numa", "--in", input, "--cells", "2", "--mode", "custom",
            "--capabilities", LibvirtFixtures.PathOf("caps", "virsh-capabilities-local.xml"), "--out", Path.Combine(_dir, "o.xml")));
        Assert.Contains("Broadwell-noTSX-IBRS", File.ReadAllText(Path.Combine(_dir, "o.xml")));
    }
}
