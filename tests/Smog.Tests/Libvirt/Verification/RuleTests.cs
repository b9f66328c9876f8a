using Smog.Nova.Config;
using System.Collections.Immutable;
using System.Text.Json;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.OpenStack.Compute;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>Rules one by one on a small named host: 2 cells × 4 cores × 2 threads, siblings c and c+8.</summary>
public class RuleTests
{
    /// <summary>Cell 0 = 0-3,8-11 (socket 0), cell 1 = 4-7,12-15 (socket 0 or 1); PCI 0000:10:00.0 on cell 0, :11: on cell 1, :1f: unknown.</summary>
    private static HostTopology TwoCellsHt(bool oneSocket = false)
    {
        var cpus = Enumerable.Range(0, 16).Select(id =>
        {
            var core = id % 8;
            var cell = core / 4;
            return new CpuInfo(id, cell, oneSocket ? 0 : cell, 0, core);
        }).ToImmutableArray();
        var cells = Enumerable.Range(0, 2).Select(c => new NumaCell
        {
            Id = c,
            Cpus = CpuSet.Of(cpus.Where(x => x.Cell == c).Select(x => x.Id)),
            MemoryMiB = 16384,
            Pages = [new PagePool(4, 4194304), new PagePool(2048, 1024)],
        });
        return new HostTopology
        {
            Cells = [.. cells],
            Cpus = cpus,
            PciDevices =
            [
                new PciDevice { Address = "0000:10:00.0", NumaNode = 0 },
                new PciDevice { Address = "0000:11:00.0", NumaNode = 1 },
                new PciDevice { Address = "0000:1f:00.0", NumaNode = null },
            ],
        };
    }

    private static HostTopology NoSmt() => new()
    {
        Cells = [new NumaCell { Id = 0, Cpus = CpuSet.Range(0, 7) }],
        Cpus = [.. Enumerable.Range(0, 8).Select(id => new CpuInfo(id, 0, 0, 0, id))],
    };

    private static Flavor Flavor(int vcpus, params (string Key, string Value)[] specs) =>
        new(vcpus, 1024L * vcpus, specs.ToImmutableSortedDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));

    private static readonly (string, string) Dedicated = ("hw:cpu_policy", "dedicated");

    /// <summary>A one-cell guest on host cell 0 with the given pins; memory 1 GiB per vCPU.</summary>
    private static string Guest(int[] pins, string emulator, string extraCputune = "", string devices = "", string topology = "")
    {
        var n = pins.Length;
        var vcpupins = string.Concat(pins.Select((p, i) => $"<vcpupin vcpu='{i}' cpuset='{p}'/>"));
        topology = topology.Length > 0 ? topology : $"<topology sockets='{n}' cores='1' threads='1'/>";
        return $"""
            <domain type='kvm'><name>subject</name><memory>{n * 1048576}</memory><vcpu>{n}</vcpu>
              <numatune><memory mode='strict' nodeset='0'/><memnode cellid='0' mode='strict' nodeset='0'/></numatune>
              <cputune><emulatorpin cpuset='{emulator}'/>{vcpupins}{extraCputune}</cputune>
              <cpu mode='host-model' match='exact'>{topology}<numa><cell id='0' cpus='0-{n - 1}' memory='{n * 1048576}'/></numa></cpu>
              <devices>{devices}</devices>
            </domain>
            """;
    }

    private static DomainFacts Facts(string xml) => DomainFactsReader.Parse(xml).Value;

    private static ImmutableArray<Finding> Verify(string xml, Flavor flavor, HostTopology? host = null,
        NovaConf? config = null, string[]? others = null, ServerTopology? api = null) =>
        DomainVerifier.Verify(new VerificationInput
        {
            Host = host ?? TwoCellsHt(),
            Config = config ?? NovaConf.Default,
            Flavor = flavor,
            Domain = Facts(xml),
            Others = [.. (others ?? []).Select(Facts)],
            TopologyApi = api,
        });

    private static string Rules(IEnumerable<Finding> findings) =>
        string.Join(",", findings.Select(f => f.Severity == Severity.Warning ? f.Rule + "?" : f.Rule));

    private static string Neighbour(params int[] pins) =>
        $"<domain><name>n</name><vcpu>{pins.Length}</vcpu><cputune>{string.Concat(pins.Select((p, i) => $"<vcpupin vcpu='{i}' cpuset='{p}'/>"))}</cputune></domain>";

    public static TheoryData<string, int[], string, string> ThreadRows => new()
    {
        // description, pins of a 4-vCPU dedicated guest, thread policy, findings ("?" = warning)
        { "require: two full cores", [0, 8, 1, 9], "require", "" },
        { "require: four half cores", [0, 1, 2, 3], "require", "thread.require" },
        { "isolate: one thread per core", [0, 1, 2, 3], "isolate", "" },
        { "isolate: siblings used by the guest itself", [0, 8, 1, 9], "isolate", "thread.isolate,thread.isolate,thread.isolate,thread.isolate" },
        { "prefer: full cores while whole cores were free", [0, 8, 1, 9], "prefer", "" },
        { "prefer: spread although whole cores were free", [0, 1, 2, 3], "prefer", "thread.prefer?" },
    };

    [Theory]
    [MemberData(nameof(ThreadRows))]
    public void Thread_policies(string description, int[] pins, string policy, string findings)
    {
        _ = description;
        var emulator = CpuSet.Of(pins).ToString();
        Assert.Equal(findings, Rules(Verify(Guest(pins, emulator), Flavor(4, Dedicated, ("hw:cpu_thread_policy", policy)))));
    }

    [Fact]
    public void Require_on_a_host_without_smt_is_an_error() =>
        Assert.Equal("thread.require", Rules(Verify(Guest([0, 1], "0-1"), Flavor(2, Dedicated, ("hw:cpu_thread_policy", "require")), NoSmt())));

    [Fact]
    public void Prefer_has_nothing_to_say_when_neighbours_took_the_whole_cores()
    {
        // Given neighbours pinned on 8, 9 and 10, only core {3,11} is whole: one thread per core is what Nova does
        var findings = Verify(Guest([0, 1, 2, 3], "0-3"), Flavor(4, Dedicated), others: [Neighbour(8, 9, 10)]);
        Assert.Equal("", Rules(findings));
    }

    [Fact]
    public void Isolate_sibling_pinned_by_a_neighbour_is_an_error()
    {
        var findings = Verify(Guest([0, 1], "0-1"), Flavor(2, Dedicated, ("hw:cpu_thread_policy", "isolate")), others: [Neighbour(9)]);
        Assert.Equal("thread.isolate", Rules(findings));
    }

    public static TheoryData<string, string, string, bool> PciRows => new()
    {
        // description, policy, device bus, one socket host, findings
        { "required, local device", "required", "10", false },
        { "required, far device", "required", "11", false },
        { "required, device without NUMA node", "required", "1f", false },
        { "legacy, far device", "legacy", "11", false },
        { "legacy, device without NUMA node", "legacy", "1f", false },
        { "preferred, far device", "preferred", "11", false },
        { "socket, far device on another socket", "socket", "11", false },
        { "socket, far device on the same socket", "socket", "11", true },
    };

    private static readonly Dictionary<string, string> PciExpected = new()
    {
        ["required, local device"] = "",
        ["required, far device"] = "pci.locality",
        ["required, device without NUMA node"] = "pci.locality",
        ["legacy, far device"] = "pci.locality",
        ["legacy, device without NUMA node"] = "",
        ["preferred, far device"] = "pci.locality?",
        ["socket, far device on another socket"] = "pci.locality",
        ["socket, far device on the same socket"] = "",
    };

    [Theory]
    [MemberData(nameof(PciRows))]
    public void Pci_affinity_policies(string description, string policy, string bus, bool oneSocket)
    {
        var hostdev = $"<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x{bus}' slot='0x00' function='0x0'/></source></hostdev>";
        var findings = Verify(Guest([0, 8], "0,8", devices: hostdev), Flavor(2, Dedicated, ("hw:pci_numa_affinity_policy", policy)), TwoCellsHt(oneSocket));
        Assert.Equal(PciExpected[description], Rules(findings));
    }

    [Fact]
    public void Sriov_interface_on_a_far_node_is_found_like_a_hostdev()
    {
        var vf = "<interface type='hostdev' managed='yes'><source><address type='pci' domain='0x0000' bus='0x11' slot='0x00' function='0x0'/></source></interface>";
        Assert.Equal("pci.locality", Rules(Verify(Guest([0, 8], "0,8", devices: vf), Flavor(2, Dedicated))));
    }

    public static TheoryData<string, string, string> ApiRows => new()
    {
        // description, topology API JSON, findings
        { "consistent", """{"nodes":[{"vcpu_set":[0,1],"memory_mb":2048,"host_node":0,"cpu_pinning":{"0":0,"1":8}}],"pagesize_kb":null}""", "" },
        { "other host node", """{"nodes":[{"vcpu_set":[0,1],"memory_mb":2048,"host_node":1,"cpu_pinning":{"0":0,"1":8}}]}""", "api.topology" },
        { "other pinning", """{"nodes":[{"vcpu_set":[0,1],"memory_mb":2048,"host_node":0,"cpu_pinning":{"0":0,"1":2}}]}""", "api.topology" },
        { "other memory", """{"nodes":[{"vcpu_set":[0,1],"memory_mb":1024,"host_node":0}]}""", "api.topology" },
        { "two nodes", """{"nodes":[{"vcpu_set":[0],"memory_mb":1024},{"vcpu_set":[1],"memory_mb":1024}]}""", "api.topology" },
    };

    [Theory]
    [MemberData(nameof(ApiRows))]
    public void Server_topology_api_must_agree(string description, string json, string findings)
    {
        _ = description;
        // The rows are API answers; the client's DTO reads them, as `smog verify --topology-api` does.
        var api = JsonSerializer.Deserialize(json, ComputeJsonContext.Default.NovaServerTopology)!.ToServerTopology();
        Assert.Equal(findings, Rules(Verify(Guest([0, 8], "0,8"), Flavor(2, Dedicated), api: api)));
    }

    [Fact]
    public void A_request_nova_refuses_is_one_finding()
    {
        var findings = Verify(Guest([0, 1, 2], "0-2"), Flavor(3, ("hw:numa_nodes", "2")));
        Assert.Equal("nova.constraints", Rules(findings));
        Assert.Equal("ImageNUMATopologyAsymmetric", findings[0].Actual);
    }

    [Fact]
    public void A_non_numa_guest_must_stay_in_the_configured_shared_set()
    {
        var config = new NovaConf { CpuSharedSet = CpuSet.Parse("0-1"), CpuDedicatedSet = CpuSet.Parse("2-15") };
        var plain = "<domain><memory>2097152</memory><vcpu>2</vcpu><cpu><topology sockets='2' cores='1' threads='1'/></cpu></domain>";
        Assert.Equal("pin.floating", Rules(Verify(plain, Flavor(2), config: config)));
        Assert.Equal("", Rules(Verify(plain.Replace("<vcpu>", "<vcpu cpuset='0-1'>"), Flavor(2), config: config)));
    }

    [Fact]
    public void Floating_over_a_neighbours_pins_is_a_warning_in_legacy_mode_and_an_error_with_separate_pools()
    {
        var shared = Guest([0, 1], "0-3,8-11").Replace("cpuset='0'/>", "cpuset='0-3,8-11'/>").Replace("cpuset='1'/>", "cpuset='0-3,8-11'/>");
        Assert.Equal("pin.floating-overlap?", Rules(Verify(shared, Flavor(2, ("hw:numa_nodes", "1")), others: [Neighbour(2)])));

        var config = new NovaConf { CpuSharedSet = CpuSet.Parse("0-3,8-11"), CpuDedicatedSet = CpuSet.Parse("4-7,12-15") };
        var broken = Verify(shared, Flavor(2, ("hw:numa_nodes", "1")), config: config, others: [Neighbour(2)]);
        Assert.Equal("pin.floating-overlap", Rules(broken));
    }

    [Fact]
    public void Huge_pages_without_a_request_and_unlocked_realtime_memory_are_found()
    {
        var paged = Guest([0, 8], "0,8").Replace("<vcpu>", "<memoryBacking><hugepages><page size='2048' unit='KiB' nodeset='0'/></hugepages></memoryBacking><vcpu>");
        Assert.Equal("hugepages.none", Rules(Verify(paged, Flavor(2, Dedicated))));

        var rt = Flavor(2, Dedicated, ("hw:cpu_realtime", "yes"), ("hw:cpu_realtime_mask", "^0"));
        var sched = "<vcpusched vcpus='1' scheduler='fifo' priority='1'/>";
        Assert.Equal("emulator.share,memory.locked", Rules(Verify(Guest([0, 8], "0,8", sched), rt)));
        Assert.Equal("memory.locked", Rules(Verify(Guest([0, 8], "0", sched), rt)));
    }

    [Fact]
    public void Topology_beyond_the_flavor_maxima_is_found()
    {
        var flavor = Flavor(4, Dedicated, ("hw:cpu_max_sockets", "2"));
        Assert.Equal("topology.choice,topology.limits", Rules(Verify(Guest([0, 8, 1, 9], "0-1,8-9"), flavor)));
        var nova = Guest([0, 8, 1, 9], "0-1,8-9", topology: "<topology sockets='2' cores='2' threads='1'/>");
        Assert.Equal("", Rules(Verify(nova, flavor)));
    }

    [Fact]
    public void Findings_carry_evidence_from_the_document()
    {
        var finding = Verify(Guest([0, 5], "0,5"), Flavor(2, Dedicated)).Single(f => f.Rule == RuleIds.PinCell);
        Assert.Equal("/domain/cputune/vcpupin[@vcpu='1']", finding.Evidence.XPath);
        Assert.Equal("<vcpupin vcpu=\"1\" cpuset=\"5\" />", finding.Evidence.Excerpt);
        Assert.Equal(("a pCPU of 0-3,8-11", "5"), (finding.Expected, finding.Actual));
    }
}
