using System.Collections.Immutable;
using Smog.Suite.Results;
using Smog.Topology;

namespace Smog.Tests.Suite.Reports;

/// <summary>
/// Hand-built run reports the report tests render: a realistic run against a 4-node SMT host
/// (one scenario of every verdict, a 2-node pinned guest, a thread-isolate failure pointing at
/// domain XML lines, a NoValidHost guest, dedicated and shared guests side by side), and a
/// hostile one whose every string tries to break out of its report.
/// </summary>
internal static class SampleReports
{
    public static readonly DateTimeOffset Start = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// 2 sockets × 2 NUMA nodes, 4 cores of 2 threads per node, Linux numbering (cpu g and g+16
    /// are siblings), 16 GiB per node with 2048 × 2M and 2 × 1G pages.
    /// </summary>
    public static HostTopology FourNodeHost(string name)
    {
        var cpus = new List<CpuInfo>();
        var cells = new List<NumaCell>();
        for (var node = 0; node < 4; node++)
        {
            var cores = Enumerable.Range(node * 4, 4).ToList();
            foreach (var core in cores)
            {
                cpus.Add(new CpuInfo(core, node, node / 2, 0, core));
                cpus.Add(new CpuInfo(core + 16, node, node / 2, 0, core));
            }
            cells.Add(new NumaCell
            {
                Id = node,
                Cpus = CpuSet.Of(cores.Concat(cores.Select(c => c + 16))),
                Siblings = [.. cores.Select(c => CpuSet.Of(c, c + 16))],
                MemoryMiB = 16384,
                FreeMemoryMiB = 15000 - (node * 1000),
                Pages = [new PagePool(4, 2621440, 2300000), new PagePool(2048, 2048, 2048 - (node * 64)), new PagePool(1048576, 2, 0)],
                Distances = ImmutableSortedDictionary.CreateRange(Enumerable.Range(0, 4).Select(other =>
                    KeyValuePair.Create(other, other == node ? 10 : other / 2 == node / 2 ? 11 : 21))),
            });
        }
        PciDevice[] pci =
        [
            new() { Address = "0000:3b:00.0", VendorId = "8086", ProductId = "158b", ClassCode = "020000", NumaNode = 0, NetDev = "ens1f0",
                Description = "Ethernet Controller XXV710", VirtualFunctions = ["0000:3b:02.0"], SriovTotalVfs = 64 },
            new() { Address = "0000:3b:02.0", VendorId = "8086", ProductId = "154c", ClassCode = "020000", NumaNode = 0, PhysicalFunction = "0000:3b:00.0" },
            new() { Address = "0000:d8:00.0", VendorId = "144d", ProductId = "a808", ClassCode = "010802", NumaNode = 3, BlockDev = "nvme0n1" },
        ];
        return new HostTopology { Hostname = name, Cells = [.. cells], Cpus = [.. cpus.OrderBy(c => c.Id)], PciDevices = [.. pci] };
    }

    private static ImmutableSortedDictionary<string, string> Specs(params (string Key, string Value)[] specs) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, specs.Select(s => KeyValuePair.Create(s.Key, s.Value)));

    private static ImmutableSortedDictionary<int, int> Pins(params (int Vcpu, int Pcpu)[] pins) =>
        ImmutableSortedDictionary.CreateRange(pins.Select(p => KeyValuePair.Create(p.Vcpu, p.Pcpu)));

    private static StepRecord Step(string name, double seconds, bool ok = true, string? detail = null) =>
        new(name, ok, TimeSpan.FromMilliseconds(seconds * 1000), detail);

    /// <summary>The domain XML of the isolate guest as read from the host; lines 12 and 13 are the vcpupins.</summary>
    public const string IsolateDomainXml = """
        <domain type="kvm">
          <name>instance-0000002a</name>
          <uuid>5b0c1b1e-4a52-4d7e-9a43-0c3a2f1d9e10</uuid>
          <memory unit="KiB">2097152</memory>
          <vcpu placement="static">2</vcpu>
          <numatune>
            <memory mode="strict" nodeset="3"/>
            <memnode cellid="0" mode="strict" nodeset="3"/>
          </numatune>
          <cputune>
            <emulatorpin cpuset="12,28"/>
            <vcpupin vcpu="0" cpuset="12"/>
            <vcpupin vcpu="1" cpuset="28"/>
          </cputune>
          <cpu mode="host-model" match="exact">
            <topology sockets="2" cores="1" threads="1"/>
            <numa>
              <cell id="0" cpus="0-1" memory="2097152" unit="KiB"/>
            </numa>
          </cpu>
        </domain>
        """;

    public static RunReport Realistic()
    {
        var twoNodePlacement = new Placement
        {
            Host = "compute-0",
            InstanceName = "instance-00000029",
            Cells =
            [
                new GuestCellPlacement { GuestCell = 0, HostCell = 1, Vcpus = CpuSet.Of(0, 1), Pins = Pins((0, 4), (1, 5)), MemoryMiB = 2048, PageSizeKiB = 2048 },
                new GuestCellPlacement { GuestCell = 1, HostCell = 2, Vcpus = CpuSet.Of(2, 3), Pins = Pins((2, 8), (3, 9)), MemoryMiB = 2048, PageSizeKiB = 2048 },
            ],
            EmulatorCpus = CpuSet.Of(4, 5, 8, 9),
        };
        var twoNodes = new ScenarioResult
        {
            Id = "numa.two-nodes",
            Purpose = "A flavor with hw:numa_nodes=2 gets two guest cells, each on its own host cell",
            Verdict = Verdict.Passed,
            Needs = ["numa-2", "pinning"],
            Duration = TimeSpan.FromSeconds(41.5),
            Guests =
            [
                new GuestEvidence
                {
                    Role = "guest",
                    Flavor = new FlavorSummary("smog-r1a2b3-numa2", 4, 4096, 1,
                        Specs(("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB"), ("hw:numa_nodes", "2"))),
                    ImageProperties = Specs(("hw_machine_type", "q35")),
                    ServerId = "9f1d2c3b-0000-4000-8000-000000000029",
                    ServerName = "smog-r1a2b3-numa-two-nodes",
                    Status = "ACTIVE",
                    Predicted = new Prediction { Outcome = "active", CandidateHosts = ["compute-0"], Determinate = true, Placement = twoNodePlacement },
                    Actual = twoNodePlacement,
                },
            ],
            Steps = [Step("create flavor", 0.4), Step("boot", 35.2), Step("verify domain XML", 1.1)],
        };

        var isolatePredicted = new Placement
        {
            Host = "compute-0",
            Cells = [new GuestCellPlacement { GuestCell = 0, HostCell = 3, Vcpus = CpuSet.Of(0, 1), Pins = Pins((0, 12), (1, 13)), MemoryMiB = 2048 }],
            EmulatorCpus = CpuSet.Of(12, 13),
        };
        var isolateActual = isolatePredicted with
        {
            InstanceName = "instance-0000002a",
            Cells = [isolatePredicted.Cells[0] with { Pins = Pins((0, 12), (1, 28)) }],
            EmulatorCpus = CpuSet.Of(12, 28),
        };
        var isolate = new ScenarioResult
        {
            Id = "pinning.isolate",
            Purpose = "hw:cpu_thread_policy=isolate gives every vCPU a whole core and leaves its siblings idle",
            Verdict = Verdict.Failed,
            Needs = ["pinning", "smt"],
            Duration = TimeSpan.FromSeconds(38.25),
            Guests =
            [
                new GuestEvidence
                {
                    Role = "guest",
                    Flavor = new FlavorSummary("smog-r1a2b3-isolate", 2, 2048, 1,
                        Specs(("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "isolate"))),
                    ServerId = "9f1d2c3b-0000-4000-8000-00000000002a",
                    ServerName = "smog-r1a2b3-pinning-isolate",
                    Status = "ACTIVE",
                    Predicted = new Prediction { Outcome = "active", CandidateHosts = ["compute-0"], Determinate = true, Placement = isolatePredicted },
                    Actual = isolateActual,
                    DomainXml = IsolateDomainXml,
                },
            ],
            Findings =
            [
                new ScenarioFinding
                {
                    Rule = "thread.isolate", Severity = FindingSeverity.Error, Guest = 0,
                    Message = "vCPUs 0 and 1 run on SMT siblings of one core",
                    Expected = "each vCPU on its own core, siblings unused", Actual = "vCPU 0 → 12, vCPU 1 → 28 (sibling of 12)",
                    XPath = "/domain/cputune/vcpupin", XmlLines = [12, 13],
                },
                new ScenarioFinding
                {
                    Rule = "prediction.pins", Severity = FindingSeverity.Error, Guest = 0,
                    Message = "the cloud pinned differently from the determinate prediction",
                    Expected = "0→12, 1→13", Actual = "0→12, 1→28", XmlLines = [13],
                },
                new ScenarioFinding
                {
                    Rule = "emulator.share", Severity = FindingSeverity.Warning, Guest = 0,
                    Message = "emulator threads follow the vCPU pins, including the wrong sibling",
                    Expected = "12-13", Actual = "12,28", XmlLines = [11],
                },
            ],
            Steps = [Step("create flavor", 0.3), Step("boot", 33.0), Step("verify domain XML", 0.9, ok: false, detail: "2 errors")],
        };

        var dedicatedOnSide = new Placement
        {
            Host = "compute-0",
            InstanceName = "instance-0000002b",
            Cells = [new GuestCellPlacement { GuestCell = 0, HostCell = 1, Vcpus = CpuSet.Of(0, 1), Pins = Pins((0, 6), (1, 7)), MemoryMiB = 1024 }],
            EmulatorCpus = CpuSet.Of(6, 7),
        };
        var sharedOnSide = new Placement
        {
            Host = "compute-0",
            InstanceName = "instance-0000002c",
            Cells = [new GuestCellPlacement { GuestCell = 0, HostCell = 0, Vcpus = CpuSet.Of(0, 1), MemoryMiB = 1024 }],
            EmulatorCpus = CpuSet.Parse("0-3,16-19"),
            FloatingCpus = CpuSet.Parse("0-3,16-19"),
        };
        var sideBySide = new ScenarioResult
        {
            Id = "pinning.dedicated-and-shared",
            Purpose = "Dedicated and shared guests on one host never share a pCPU",
            Verdict = Verdict.Passed,
            Needs = ["pinning"],
            Duration = TimeSpan.FromSeconds(52),
            Guests =
            [
                new GuestEvidence
                {
                    Role = "dedicated",
                    Flavor = new FlavorSummary("smog-r1a2b3-dedicated", 2, 1024, 1, Specs(("hw:cpu_policy", "dedicated"))),
                    ServerName = "smog-r1a2b3-side-dedicated", Status = "ACTIVE",
                    Predicted = new Prediction { Outcome = "active", CandidateHosts = ["compute-0", "compute-1"], Determinate = false },
                    Actual = dedicatedOnSide,
                },
                new GuestEvidence
                {
                    Role = "shared",
                    Flavor = new FlavorSummary("smog-r1a2b3-shared", 2, 1024, 1, Specs(("hw:numa_nodes", "1"))),
                    ServerName = "smog-r1a2b3-side-shared", Status = "ACTIVE",
                    Predicted = new Prediction { Outcome = "active", CandidateHosts = ["compute-0"], Determinate = true, Placement = sharedOnSide },
                    Actual = sharedOnSide,
                },
            ],
            NotChecked = ["domain XML of compute-1 guests: no host access to compute-1"],
            Steps = [Step("boot dedicated", 30.1), Step("boot shared", 20.4), Step("check overlap", 0.2)],
        };

        var tooManyNodes = new ScenarioResult
        {
            Id = "numa.too-many-nodes",
            Purpose = "More guest NUMA nodes than any host has ends in NoValidHost",
            Verdict = Verdict.Passed,
            Needs = [],
            Duration = TimeSpan.FromSeconds(9.75),
            Guests =
            [
                new GuestEvidence
                {
                    Role = "guest",
                    Flavor = new FlavorSummary("smog-r1a2b3-numa8", 8, 8192, 1, Specs(("hw:numa_nodes", "8"))),
                    ServerName = "smog-r1a2b3-numa-too-many", Status = "ERROR",
                    Fault = "No valid host was found. There are not enough hosts available.",
                    Predicted = new Prediction { Outcome = "no-valid-host", Determinate = true, Reason = "no host has 8 NUMA cells (most: 4)" },
                },
            ],
            Steps = [Step("boot", 8.9), Step("check fault", 0.1)],
        };

        var oneG = new ScenarioResult
        {
            Id = "hugepages.1g",
            Purpose = "hw:mem_page_size=1GB backs the guest with 1G pages on its cell",
            Verdict = Verdict.Skipped,
            Skip = new SkipReason("no-1g-pages", "no host has a free 1G page on a cell with room for the guest"),
            Needs = ["pages-1g"],
        };

        var migrate = new ScenarioResult
        {
            Id = "lifecycle.live-migrate",
            Purpose = "A pinned guest keeps a valid placement after live migration",
            Verdict = Verdict.Errored,
            Needs = ["live-migration", "pinning"],
            Duration = TimeSpan.FromSeconds(300.5),
            Error = "timed out after 300 s waiting for the server to leave MIGRATING",
            Guests =
            [
                new GuestEvidence
                {
                    Role = "guest",
                    Flavor = new FlavorSummary("smog-r1a2b3-migrate", 2, 1024, 1, Specs(("hw:cpu_policy", "dedicated"))),
                    ServerName = "smog-r1a2b3-lifecycle-live", Status = "MIGRATING",
                    Predicted = new Prediction { Outcome = "active", CandidateHosts = ["compute-0", "compute-1"] },
                    Actual = new Placement
                    {
                        Host = "compute-1",
                        Cells = [new GuestCellPlacement { GuestCell = 0, HostCell = 0, Vcpus = CpuSet.Of(0, 1), Pins = Pins((0, 2), (1, 3)), MemoryMiB = 1024 }],
                    },
                },
            ],
            Steps = [Step("boot", 31), Step("live migrate", 300, ok: false, detail: "still MIGRATING after 300 s")],
        };

        return new RunReport
        {
            RunId = "r1a2b3",
            StartedAt = Start,
            FinishedAt = Start.AddMinutes(7).AddSeconds(30.125),
            Target = new RunTarget
            {
                Kind = "openstack",
                AdminCloud = "smog-admin",
                BootCloud = "smog-member",
                BootsAsMember = true,
                AuthUrl = "https://keystone.example:5000/v3",
                ComputeMicroversion = "2.93",
                Inventory = "lab/.state/inventory.yml",
            },
            Hosts =
            [
                new HostSnapshot
                {
                    Name = "compute-0", Topology = FourNodeHost("compute-0"), HostAccess = true,
                    DedicatedSet = CpuSet.Parse("4-15,20-31"), SharedSet = CpuSet.Parse("0-3,16-19"),
                    Capabilities = ["live-migration", "numa-2", "numa-4", "pages-1g", "pages-2m", "pinning", "smt"], Aggregates = ["pinned"],
                },
                new HostSnapshot { Name = "compute-1", HostAccess = false, Capabilities = ["live-migration", "pinning"], Aggregates = ["pinned"] },
            ],
            Scenarios = [twoNodes, isolate, sideBySide, tooManyNodes, oneG, migrate],
            Cleanup = new CleanupSummary(11, 10, ["server smog-r1a2b3-lifecycle-live (9f1d…): delete timed out"]),
        };
    }

    /// <summary>Every string a cloud or user controls, made hostile: markup, quotes, CDATA ends, control characters.</summary>
    public const string Hostile = "<script>alert('x')</script>\"&amp;]]><!--\u0001\u001b[31m";

    public static RunReport HostileReport()
    {
        var realistic = Realistic();
        var hostileSpecs = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("hw:" + Hostile, Hostile), KeyValuePair.Create("hw:cpu_policy", "dedicated")]);
        var scenarios = realistic.Scenarios.Select(s => s with
        {
            Purpose = Hostile,
            Skip = s.Skip is null ? null : new SkipReason("no-1g-pages", Hostile),
            Error = s.Error is null ? null : Hostile,
            NotChecked = [Hostile],
            Steps = [.. s.Steps.Select(step => step with { Name = Hostile, Detail = Hostile })],
            Findings = [.. s.Findings.Select(f => f with { Message = Hostile, Expected = Hostile, Actual = Hostile })],
            Guests = [.. s.Guests.Select(g => g with
            {
                Role = Hostile,
                ServerName = Hostile,
                Fault = g.Fault is null ? null : Hostile,
                Flavor = g.Flavor with { Name = Hostile, ExtraSpecs = hostileSpecs },
                ImageProperties = hostileSpecs,
                DomainXml = g.DomainXml is null ? null : g.DomainXml.Replace("instance-0000002a", Hostile, StringComparison.Ordinal),
            })],
        }).ToImmutableArray();
        return realistic with
        {
            RunId = "r-" + Hostile,
            Target = realistic.Target with { AdminCloud = Hostile, Defect = Hostile, AuthUrl = "https://user:s3cr3t@keystone.example:5000/v3?token=s3cr3t" },
            Hosts = [.. realistic.Hosts.Select(h => h with { Aggregates = [Hostile] })],
            Scenarios = scenarios,
        };
    }
}
