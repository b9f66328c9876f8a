using System.Collections.Immutable;
using System.Text.Json;
using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Nova.Pci;
using Smog.OpenStack.Compute;
using Smog.Suite.Builders;
using Smog.Suite.Runner;
using Smog.Suite.Selection;
using Smog.Topology;
using C = Smog.Suite.Selection.Capability;

namespace Smog.Suite.Scenarios;

/// <summary>
/// Every scenario <c>smog run</c> knows, in run order. Each sizes itself from the discovered
/// cloud: vCPU counts and memory are the guest's, never a host CPU number, host name or node
/// count (a test checks the catalogue for those).
/// </summary>
public static class Catalogue
{
    /// <summary>Guest memory for scenarios that do not test memory: small enough for any lab, a whole number of 2 MiB pages.</summary>
    public const int SmallRamMiB = 128;

    public static readonly ImmutableArray<Scenario> All =
    [
        // ---- guest NUMA topology ----
        new("numa.one-node", "a one-node guest gets one guest cell bound to one host cell (NUMATopologyTest.test_simple)", [C.Vcpu.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithNumaNodes(1), Expect.Active, ct);
                CellCount(s, g, 1);
            }),
        new("numa.two-nodes", "a two-node guest gets two guest cells on two host cells", [C.Vcpu.Code, C.TwoNumaNodes.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(2 * SmallRamMiB, 2).WithNumaNodes(2), Expect.Active, ct);
                CellCount(s, g, 2);
                DistinctHostCells(s, g);
            }),
        new("numa.asymmetric", "hw:numa_cpus.N/hw:numa_mem.N give each guest cell its own vCPUs and memory", [C.Vcpu.Code, C.TwoNumaNodes.Code],
            async (s, ct) =>
            {
                var spec = FlavorSpec.Create(3 * SmallRamMiB, 3).WithNumaNodes(2)
                    .WithNumaCell(0, CpuSet.Of(0), SmallRamMiB).WithNumaCell(1, CpuSet.Range(1, 2), 2 * SmallRamMiB);
                var g = await s.BootAsync("guest", spec, Expect.Active, ct);
                CellCount(s, g, 2);
                if (s.Evidence(g).Actual is { Cells.Length: 2 } p)
                {
                    s.Check(p.Cells[0].MemoryMiB == SmallRamMiB && p.Cells[1].MemoryMiB == 2 * SmallRamMiB, "numa.asymmetric-memory",
                        "the guest cells do not carry the memory hw:numa_mem.N asked", $"{SmallRamMiB} MiB, {2 * SmallRamMiB} MiB", $"{p.Cells[0].MemoryMiB} MiB, {p.Cells[1].MemoryMiB} MiB", g);
                }
            }),
        new("numa.too-many-nodes", "a guest with more NUMA nodes than any host has ends in NoValidHost with that fault", [C.Vcpu.Code, C.HostAccess.Code],
            async (s, ct) =>
            {
                var nodes = s.Cloud.UpHosts.Max(h => h.Topology?.Cells.Count(c => !c.Cpus.IsEmpty) ?? 1) + 1;
                await s.BootAsync("guest", FlavorSpec.Create(nodes * SmallRamMiB, nodes).WithNumaNodes(nodes), Expect.NoValidHost, ct);
            }),
        new("numa.invalid-split", "a vCPU given to two guest cells is refused by the API with 400", [C.Vcpu.Code],
            async (s, ct) =>
            {
                var spec = FlavorSpec.Create(SmallRamMiB, 2).WithNumaNodes(2)
                    .WithNumaCell(0, CpuSet.Of(0), SmallRamMiB / 2).WithNumaCell(1, CpuSet.Of(0), SmallRamMiB / 2);
                await s.BootAsync("guest", spec, Expect.ApiRefusal, ct);
            }),

        // ---- CPU pinning ----
        new("pinning.simple", "a pinned flavor lands on a pinned=true aggregate host with every vCPU pinned (simple_vcpu_pinning)", [C.Pcpu.Code],
            async (s, ct) =>
            {
                var groups = await s.CreateAggregateGroupsAsync("pinned", s.Cloud.UpHosts.Where(h => C.Pcpu.Test(h) == true).Select(h => h.Name), ct);
                var g = await s.BootAsync("guest", groups.On(FlavorSpec.Create(SmallRamMiB, 1).WithPinning()), Expect.Active, ct);
                s.Check(g.Host is not null && groups.OnHosts.Contains(g.Host), "aggregate.host", "the pinned guest is not on a pinned=true host",
                    string.Join(", ", groups.OnHosts), g.Host ?? "unknown", g);
                AllPinned(s, g);
            }) { Pcpus = 1 },
        new("pinning.dedicated", "hw:cpu_policy=dedicated pins every vCPU to its own pCPU of the guest cell", [C.Pcpu.Code],
            async (s, ct) =>
            {
                var free = await MostFreeAsync(s, "PCPU", ct);
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, (int)Math.Clamp(free, 1, 2)).WithPinning(), Expect.Active, ct);
                AllPinned(s, g);
            }) { Pcpus = 2 },
        new("pinning.several-nodes", "a dedicated two-node guest pins each cell's vCPUs inside its own host cell", [C.Pcpu.Code, C.TwoFreePcpus.Code, C.TwoNumaNodes.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(2 * SmallRamMiB, 2).WithNumaNodes(2).WithPinning(), Expect.Active, ct);
                CellCount(s, g, 2);
                AllPinned(s, g);
            }) { Pcpus = 2 },
        new("pinning.thread-prefer", "thread policy prefer pins the guest (siblings preferred, not required)", [C.Pcpu.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(CpuThreadPolicy.Prefer), Expect.Active, ct)))
            { Pcpus = 1 },
        new("pinning.thread-isolate", "thread policy isolate keeps each vCPU's core free of other guests", [C.Pcpu.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(CpuThreadPolicy.Isolate), Expect.Active, ct)))
            { Pcpus = 2 },
        new("pinning.thread-require", "thread policy require places vCPUs on sibling threads of an SMT host", [C.Pcpu.Code, C.TwoFreePcpus.Code, C.Smt.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 2).WithPinning(CpuThreadPolicy.Require), Expect.Active, ct)))
            { Pcpus = 2 },
        new("pinning.thread-require-no-smt", "thread policy require finds no host when no host has SMT (NoValidHost), else an SMT host", [C.Pcpu.Code, C.NoSmt.Code],
            async (s, ct) =>
            {
                var anySmt = s.Cloud.UpHosts.Any(h => C.Smt.Test(h) == true && C.Pcpu.Test(h) == true);
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(CpuThreadPolicy.Require), anySmt ? Expect.Active : Expect.NoValidHost, ct);
                if (g.Active) s.Check(s.Cloud.Host(g.Host) is { } h && C.Smt.Test(h) == true, "thread.require-host", "require landed on a host without SMT", "an SMT host", g.Host ?? "unknown", g);
            }) { Pcpus = 1 },
        new("pinning.mixed", "hw:cpu_policy=mixed pins the masked vCPUs and lets the others float on shared CPUs", [C.Pcpu.Code, C.Vcpu.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 2).WithMixed(CpuSet.Of(0)), Expect.Active, ct);
                if (s.Evidence(g).Actual is { Cells.IsEmpty: false } p)
                {
                    var pins = p.Cells.Sum(c => c.Pins.Count);
                    s.Check(pins == 1, "mixed.pins", "a mixed guest must pin exactly its masked vCPUs", "1 pinned vCPU", $"{pins} pinned vCPU(s)", g);
                }
            }) { Pcpus = 1 },
        new("pinning.realtime", "hw:cpu_realtime pins the guest and gives the masked vCPUs a realtime scheduler", [C.Pcpu.Code, C.TwoFreePcpus.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 2).WithPinning().WithRealtime("^0"), Expect.Active, ct)))
            { Pcpus = 2 },
        new("pinning.side-by-side", "a dedicated and a shared guest on one cloud: no overlap, floating vCPUs stay off dedicated pCPUs", [C.Pcpu.Code, C.Vcpu.Code],
            async (s, ct) =>
            {
                var dedicated = await s.BootAsync("dedicated", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                var shared = await s.BootAsync("shared", FlavorSpec.Create(SmallRamMiB, 1).WithSharedCpus(), Expect.Active, ct);
                var pins = CpuSet.Of(s.Evidence(dedicated).Actual?.Cells.SelectMany(c => c.Pins.Values) ?? []);
                if (s.Evidence(shared).Actual is { } floating && floating.Host == dedicated.Host && !floating.FloatingCpus.IsEmpty)
                {
                    s.Check(!floating.FloatingCpus.Overlaps(pins), "side-by-side.overlap", "the shared guest may float onto the dedicated guest's pCPUs",
                        $"floating CPUs outside {pins}", floating.FloatingCpus.ToString(), shared);
                }
            }) { Pcpus = 1 },

        // ---- emulator threads ----
        new("emulator.share", "emulator threads policy share keeps the guest pinned and the emulator off its own pCPUs when a shared set exists", [C.Pcpu.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning().WithEmulatorThreads(EmulatorThreadsPolicy.Share), Expect.Active, ct)))
            { Pcpus = 1 },
        new("emulator.isolate", "emulator threads policy isolate gives the emulator a dedicated pCPU of its own", [C.Pcpu.Code, C.TwoFreePcpus.Code],
            async (s, ct) => AllPinned(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning().WithEmulatorThreads(EmulatorThreadsPolicy.Isolate), Expect.Active, ct)))
            { Pcpus = 2 },

        // ---- guest CPU topology ----
        new("cpu-topology.flavor", "hw:cpu_sockets/cores/threads give the guest exactly that CPU topology", [C.Vcpu.Code, C.FourVcpus.Code],
            async (s, ct) => await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 4).WithCpuTopology(sockets: 2, cores: 2, threads: 1), Expect.Active, ct)),
        new("cpu-topology.unsatisfiable", "a preferred CPU topology that cannot make the vCPU count falls back to Nova's default", [C.Vcpu.Code],
            async (s, ct) => await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithCpuTopology(sockets: 2), Expect.Active, ct)),
        new("cpu-topology.image", "hw_cpu_sockets/cores/threads on an uploaded image give the guest exactly that CPU topology", [C.Vcpu.Code, C.FourVcpus.Code],
            async (s, ct) => await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 4), Expect.Active, ct,
                Image(("hw_cpu_sockets", 1), ("hw_cpu_cores", 4), ("hw_cpu_threads", 1), ("hw_cpu_max_sockets", 2)))),
        new("cpu-topology.image-max", "hw_cpu_max_sockets on an uploaded image caps the sockets Nova gives the guest", [C.Vcpu.Code, C.FourVcpus.Code],
            async (s, ct) => await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 4), Expect.Active, ct, Image(("hw_cpu_max_sockets", 1)))),

        // ---- huge pages ----
        new("hugepages.small", "hw:mem_page_size=small backs the guest with small pages in one guest cell", [C.Vcpu.Code],
            async (s, ct) => PageSize(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("small"), Expect.Active, ct), 4)),
        new("hugepages.2m", "hw:mem_page_size=2MB backs the guest with 2 MiB huge pages", [C.Vcpu.Code, C.Pages2M.Code],
            async (s, ct) => PageSize(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("2MB"), Expect.Active, ct), 2048))
            { HugeMiB = SmallRamMiB },
        new("hugepages.large", "hw:mem_page_size=large backs the guest with huge pages of some size", [C.Vcpu.Code, C.HugePages.Code],
            async (s, ct) => PageSize(s, await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("large"), Expect.Active, ct), null))
            { HugeMiB = SmallRamMiB },
        new("hugepages.any", "hw:mem_page_size=any boots with whatever page size the host can give", [C.Vcpu.Code],
            async (s, ct) => await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("any"), Expect.Active, ct))
            { HugeMiB = SmallRamMiB },
        new("hugepages.1g", "hw:mem_page_size=1GB backs the guest with 1 GiB huge pages", [C.Vcpu.Code, C.Pages1G.Code],
            async (s, ct) => PageSize(s, await s.BootAsync("guest", FlavorSpec.Create(1024, 1).WithPageSize("1GB"), Expect.Active, ct), 1024 * 1024))
            { HugeMiB = 1024 },
        new("hugepages.exhaustion", "when a cell's 2 MiB pages are used up the next guest goes elsewhere or gets NoValidHost", [C.Vcpu.Code, C.Pages2M.Code, C.HostAccess.Code],
            PagesExhaustedAsync) { Exclusive = true },

        // ---- PCI passthrough ----
        .. new[] { "required", "preferred", "legacy", "socket" }.Select(policy =>
            new Scenario($"pci.{policy}", $"a PCI device with NUMA affinity policy {policy} is attached as the policy allows", [C.Vcpu.Code, C.Pci.Code],
                async (s, ct) =>
                {
                    var alias = s.Cloud.UpHosts.Select(h => h.Conf is { } c ? FirstAlias(c.PciAliases) : null).FirstOrDefault(a => a is not null)
                        ?? throw new ScenarioError("no host names a PCI alias in nova.conf");
                    await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithNumaNodes(1).WithPci(alias, 1, policy), Expect.Active, ct);
                })),

        // ---- SR-IOV ports ----
        .. new[] { "required", "preferred", "legacy", "socket" }.Select(policy =>
            new Scenario($"sriov.port-{policy}", $"a direct port on the discovered physnet gets a VF bound, in the domain and placed as affinity policy {policy} allows", [C.Vcpu.Code, C.Sriov.Code],
                async (s, ct) =>
                {
                    var port = await s.CreatePortAsync("guest", Physnet(s), "direct", ct);
                    var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithNumaNodes(1).WithPciAffinity(policy), Expect.Active, ct, ports: [port]);
                    await CheckVfAsync(s, g, port, policy, ct);
                })),
        new("sriov.port-required-far", "a pinned guest that only fits a NUMA cell without VFs gets NoValidHost when its direct port's VF is required local",
            [C.Pcpu.Code, C.Sriov.Code, C.SriovFarCell.Code], (s, ct) => FarVfAsync(s, "required", Expect.NoValidHost, ct)) { Exclusive = true },
        new("sriov.port-preferred-far", "the same pinned guest boots in the cell without VFs with a VF of another node when the policy is preferred",
            [C.Pcpu.Code, C.Sriov.Code, C.SriovFarCell.Code], (s, ct) => FarVfAsync(s, "preferred", Expect.Active, ct)) { Exclusive = true },

        // ---- aggregates ----
        new("aggregates.pinned-unpinned", "pinned flavors land only on pinned=true hosts, unpinned ones never do", [C.Pcpu.Code, C.Vcpu.Code, C.TwoHosts.Code],
            async (s, ct) =>
            {
                var pinnedHosts = s.Cloud.UpHosts.Where(h => C.Pcpu.Test(h) == true).Select(h => h.Name).ToList();
                var chosen = pinnedHosts.Count == s.Cloud.UpHosts.Length ? pinnedHosts.Take(pinnedHosts.Count / 2) : pinnedHosts;
                var groups = await s.CreateAggregateGroupsAsync("pinned", chosen, ct);
                var pinned = await s.BootAsync("pinned", groups.On(FlavorSpec.Create(SmallRamMiB, 1).WithPinning()), Expect.Active, ct);
                var unpinned = await s.BootAsync("unpinned", groups.Off(FlavorSpec.Create(SmallRamMiB, 1).WithSharedCpus()), Expect.Active, ct);
                s.Check(pinned.Host is not null && groups.OnHosts.Contains(pinned.Host), "aggregate.host", "the pinned guest is not on a pinned=true host", string.Join(", ", groups.OnHosts), pinned.Host ?? "unknown", pinned);
                s.Check(unpinned.Host is not null && groups.OffHosts.Contains(unpinned.Host), "aggregate.host", "the unpinned guest is on a pinned=true host", string.Join(", ", groups.OffHosts), unpinned.Host ?? "unknown", unpinned);
            }) { Pcpus = 1 },

        // ---- fill ----
        new("fill.pcpus", "as many 1-vCPU pinned guests as placement has free PCPUs boot; the next one gets NoValidHost", [C.Pcpu.Code],
            FillAsync) { Exclusive = true },

        // ---- lifecycle ----
        new("lifecycle.hard-reboot", "a pinned guest keeps its cells and pins across a hard reboot", [C.Pcpu.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                await s.ActAsync(g, "hard reboot", ServerAction.Reboot(hard: true), "ACTIVE", ct);
            }) { Exclusive = true },
        new("lifecycle.stop-start", "a pinned guest keeps its cells and pins across stop and start", [C.Pcpu.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                await s.ActAsync(g, "stop", ServerAction.Stop, "SHUTOFF", ct);
                await s.ActAsync(g, "start", ServerAction.Start, "ACTIVE", ct);
            }) { Exclusive = true },
        new("lifecycle.resize-pinned-unpinned", "a guest resized from pinned to unpinned and back is re-verified after each step", [C.Pcpu.Code, C.Vcpu.Code, C.TwoHosts.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                g = await s.ResizeAsync(g, "unpinned", FlavorSpec.Create(SmallRamMiB, 1).WithSharedCpus(), ct);
                await s.ResizeAsync(g, "pinned-again", FlavorSpec.Create(SmallRamMiB, 1).WithPinning().WithNumaNodes(1), ct);
            }) { Exclusive = true },
        new("lifecycle.resize-page-size", "a guest resized from small to 2 MiB pages is re-verified with huge pages", [C.Vcpu.Code, C.Pages2M.Code, C.TwoHosts.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("small"), Expect.Active, ct);
                g = await s.ResizeAsync(g, "2m", FlavorSpec.Create(SmallRamMiB, 1).WithPageSize("2MB"), ct);
                PageSize(s, g, 2048);
            }) { Exclusive = true },
        new("lifecycle.cold-migrate", "a pinned guest cold-migrated to another host is re-verified there", [C.Pcpu.Code, C.TwoHosts.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                await s.MigrateAsync(g, live: false, ct);
            }) { Exclusive = true },
        new("lifecycle.live-migrate", "a pinned guest live-migrated to another host is re-verified there", [C.Pcpu.Code, C.TwoHosts.Code],
            async (s, ct) =>
            {
                var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, 1).WithPinning(), Expect.Active, ct);
                await s.MigrateAsync(g, live: true, ct);
            }) { Exclusive = true },
    ];

    /// <summary>Image properties for a guest shape (counts, like a flavor's vCPUs, are the guest's own).</summary>
    private static ImageProperties Image(params (string Key, int Value)[] properties) =>
        new(properties.ToImmutableSortedDictionary(p => p.Key, p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal));

    public static Scenario? Find(string id) => All.FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// Boots one 1-vCPU pinned guest per free PCPU (counted fresh in placement), then one more:
    /// every guest up to the count must go ACTIVE, the extra one must get NoValidHost.
    /// </summary>
    private static async Task FillAsync(ScenarioContext s, CancellationToken ct)
    {
        var free = 0L;
        foreach (var host in s.Cloud.UpHosts) free += (await s.FreshAsync(host, ct)).Capacity("PCPU")?.Free ?? 0;
        if (free > 128) throw new ScenarioError($"{free} free PCPUs: filling them would boot more guests than a test run should (at most 128)");
        var spec = FlavorSpec.Create(SmallRamMiB / 2, 1).WithPinning();
        for (var i = 0; i < free; i++) AllPinned(s, await s.BootAsync($"fill-{i + 1}", spec, Expect.Active, ct));
        await s.BootAsync("one-too-many", spec, Expect.NoValidHost, ct);
    }

    /// <summary>
    /// Takes every free 2 MiB page of the host cell with the most (Nova's accounting, bounded
    /// by what the kernel still has free), then asks for 2 MiB pages once more: the guest must
    /// land on another cell or host that still has them, or get NoValidHost when none has.
    /// </summary>
    private static async Task PagesExhaustedAsync(ScenarioContext s, CancellationToken ct)
    {
        const long PageKiB = 2048;
        var states = await s.HostStatesAsync(ct);
        var cells = states.Where(st => st.Node is not null).SelectMany(st => st.Node!.Host.Cells.Select(c => (Host: st.Host, Cell: c))).ToList();
        // Nova's accounting decides the scheduler's answer; the kernel's free count (read now) bounds what QEMU can get.
        var kernel = new Dictionary<(string, int), long>();
        foreach (var (host, cell) in cells)
        {
            var text = await s.HostFileAsync(host, $"/sys/devices/system/node/node{cell.Id}/hugepages/hugepages-{PageKiB}kB/free_hugepages", ct);
            if (long.TryParse(text?.Trim(), out var pages)) kernel[(host.Name, cell.Id)] = pages * PageKiB / 1024;
        }
        long FreeMiB((DiscoveredHost Host, Smog.Nova.Host.NovaHostCell Cell) x)
        {
            var nova = x.Cell.Mempages.FirstOrDefault(p => p.SizeKiB == PageKiB)?.FreeKiB / 1024 ?? 0;
            return Math.Min(nova, kernel.GetValueOrDefault((x.Host.Name, x.Cell.Id), nova)) / 2 * 2;
        }
        var fullest = cells.OrderByDescending(FreeMiB).FirstOrDefault();
        var size = fullest.Host is null ? 0 : FreeMiB(fullest);
        var novaFree = fullest.Host is null ? 0 : fullest.Cell.Mempages.FirstOrDefault(p => p.SizeKiB == PageKiB)?.FreeKiB / 1024 ?? 0;
        if (size < novaFree)
            throw new ScenarioError($"{fullest.Host!.Name} cell {fullest.Cell.Id}: the kernel has {size} MiB of free 2 MiB pages, Nova counts {novaFree} MiB; something outside Nova holds pages, so the cell cannot be exhausted as Nova sees it");
        if (size < 64) throw new ScenarioError($"the cell with the most free 2 MiB pages has {size} MiB; too few to exhaust meaningfully");
        var first = await s.BootAsync("fills-cell", FlavorSpec.Create((int)size, 1).WithPageSize("2MB"), Expect.Active, ct);
        PageSize(s, first, 2048);
        var next = FlavorSpec.Create(64, 1).WithPageSize("2MB");
        var elsewhere = cells.Any(c => !(c.Host.Name == fullest.Host!.Name && c.Cell.Id == fullest.Cell.Id) && FreeMiB(c) >= 64);
        var second = await s.BootAsync("next", next, elsewhere ? Expect.Active : Expect.NoValidHost, ct);
        if (second.Active && s.Evidence(second).Actual is { Cells.Length: > 0 } p)
        {
            s.Check(!(p.Host == first.Host && p.Cells[0].HostCell == fullest.Cell.Id), "hugepages.exhausted-cell",
                "the next guest took 2 MiB pages from the cell that had none left", "another cell or host", $"{p.Host} cell {p.Cells[0].HostCell}", second);
        }
    }

    /// <summary>The physnet of the first SR-IOV VF any host's <c>[pci] device_spec</c> names (never a fixed name).</summary>
    private static string Physnet(ScenarioContext s) =>
        s.Cloud.UpHosts.SelectMany(h => h.SriovVfs).Select(d => d.Physnet).FirstOrDefault(p => p is not null)
        ?? throw new ScenarioError("no host has an SR-IOV VF on a physnet");

    /// <summary>
    /// A pinned one-cell guest with one dedicated CPU more than any cell holding a VF on the physnet
    /// has free, which still fits a cell without VFs of such a host (sized from the engine's model of
    /// each host now): under <c>required</c> no host can give it a local VF (NoValidHost); under
    /// <c>preferred</c> it boots there with a VF of another node.
    /// </summary>
    private static async Task FarVfAsync(ScenarioContext s, string policy, Expect expect, CancellationToken ct)
    {
        var physnet = Physnet(s);
        var near = 0;
        var far = 0;
        foreach (var state in await s.HostStatesAsync(ct))
        {
            var vfCells = state.Host.SriovVfs.Where(d => d.Physnet == physnet).Select(d => d.NumaNode).OfType<int>().ToHashSet();
            if (vfCells.Count == 0 || state.Node is not { } node) continue;
            near = Math.Max(near, node.Host.Cells.Where(c => vfCells.Contains(c.Id)).Max(c => c.FreePcpus.Count));
            far = Math.Max(far, node.Host.Cells.Where(c => !vfCells.Contains(c.Id)).Select(c => c.FreePcpus.Count).DefaultIfEmpty(0).Max());
        }
        var vcpus = near + 1;
        if (far < vcpus) throw new ScenarioError($"no cell without VFs on {physnet} has more than {near} free dedicated CPUs (the most a VF cell has free)");
        var port = await s.CreatePortAsync("guest", physnet, "direct", ct);
        var g = await s.BootAsync("guest", FlavorSpec.Create(SmallRamMiB, vcpus).WithNumaNodes(1).WithPinning().WithPciAffinity(policy), expect, ct, ports: [port]);
        if (!g.Active) return;
        AllPinned(s, g);
        await CheckVfAsync(s, g, port, policy, ct);
    }

    /// <summary>
    /// What Neutron, the host and the domain say about a direct port's VF: bound to the guest's
    /// host, a VF of the port's physnet there (binding:profile pci_slot and physical_network), an
    /// <c>&lt;interface type='hostdev'&gt;</c> at that address in the domain, and on a NUMA node the
    /// policy allows for the guest's cells (preferred: local whenever a local VF was free).
    /// </summary>
    private static async Task CheckVfAsync(ScenarioContext s, Guest g, ScenarioPort port, string policy, CancellationToken ct)
    {
        if (!g.Active) return;
        var shown = await s.ShowPortAsync(port, ct);
        s.Check(shown.BindingHost == g.Host, "sriov.binding", "the port is not bound to the guest's host", g.Host ?? "the guest's host", shown.BindingHost is { Length: > 0 } b ? b : "unbound", g);
        string? Profile(string key) => shown.BindingProfile?.GetValueOrDefault(key) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
        var slot = Profile("pci_slot");
        s.Check(slot is not null, "sriov.binding", "the port's binding:profile names no pci_slot", "a VF's PCI address", "none", g);
        s.Check(Profile("physical_network") == port.Physnet, "sriov.binding", "the port's binding:profile names another physnet", port.Physnet, Profile("physical_network") ?? "none", g);
        if (slot is null) return;

        if (s.Evidence(g).DomainXml is { } xml && DomainFactsReader.Parse(xml, g.Role) is { Success: true } domain)
        {
            var interfaces = domain.Value.PciDevices.Where(d => d.Kind == "interface").Select(d => d.Address).ToList();
            s.Check(interfaces.Contains(slot, StringComparer.OrdinalIgnoreCase), "sriov.domain-interface", "the domain has no <interface type='hostdev'> at the port's VF",
                $"interface at {slot}", interfaces.Count == 0 ? "no hostdev interface" : string.Join(", ", interfaces), g);
        }
        else
        {
            s.NotCheckable("sriov.domain-interface: no domain XML of the guest");
        }

        var host = s.Cloud.Host(g.Host);
        if (host?.Topology is not { } topology || host.SriovVfs.IsEmpty)
        {
            s.NotCheckable($"sriov.vf-node: the VFs of {g.Host ?? "the host"} are unknown (no host access or nova.conf)");
            return;
        }
        var vf = host.SriovVfs.FirstOrDefault(d => string.Equals(d.Address, slot, StringComparison.OrdinalIgnoreCase));
        s.Check(vf is not null && vf.Physnet == port.Physnet, "sriov.vf", $"the port's PCI slot is not a VF on {port.Physnet} of {host.Name}",
            $"one of {host.SriovVfs.Count(d => d.Physnet == port.Physnet)} VFs on {port.Physnet}", slot, g);
        if (vf is null || s.Evidence(g).Actual is not { Cells.IsEmpty: false } actual) return;
        var cells = actual.Cells.Select(c => c.HostCell).ToHashSet();
        var local = vf.NumaNode is { } n && cells.Contains(n);
        var sockets = topology.Cpus.Where(c => cells.Contains(c.Cell)).Select(c => c.Socket).ToHashSet();
        var localFree = g.Prediction?.FreePci.GetValueOrDefault(host.Name) is { IsDefault: false } free
            && free.Any(d => d.DeviceType == PciDeviceTypes.Vf && d.Physnet == port.Physnet && d.NumaNode is { } m && cells.Contains(m));
        var (ok, wanted) = policy switch
        {
            "required" => (local, "a node of the guest's cells"),
            "legacy" => (local || vf.NumaNode is null, "a node of the guest's cells (or none)"),
            "socket" => (vf.NumaNode is { } k && topology.Cpus.Any(c => c.Cell == k && sockets.Contains(c.Socket)), "a node on a socket of the guest's cells"),
            _ => (local || !localFree, localFree ? "a node of the guest's cells (a VF was free there)" : "any node (no VF was free on the guest's cells)"),
        };
        s.Check(ok, "sriov.vf-node", $"the VF is on host node {vf.NumaNode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, not where policy {policy} allows",
            $"{wanted}: {string.Join(",", cells.Order())}", $"{vf.Address} on node {vf.NumaNode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}", g);
    }

    private static async Task<long> MostFreeAsync(ScenarioContext s, string resourceClass, CancellationToken ct)
    {
        var best = 0L;
        foreach (var host in s.Cloud.UpHosts) best = Math.Max(best, (await s.FreshAsync(host, ct)).Capacity(resourceClass)?.Free ?? 0);
        return best;
    }

    private static void CellCount(ScenarioContext s, Guest g, int cells)
    {
        if (s.Evidence(g).Actual is { } p && !p.Cells.IsEmpty)
            s.Check(p.Cells.Length == cells, "numa.cells", "the topology API shows another number of guest cells", $"{cells}", $"{p.Cells.Length}", g);
    }

    private static void DistinctHostCells(ScenarioContext s, Guest g)
    {
        if (s.Evidence(g).Actual is { } p && p.Cells.All(c => c.HostCell >= 0))
            s.Check(p.Cells.Select(c => c.HostCell).Distinct().Count() == p.Cells.Length, "numa.host-cells", "two guest cells share a host cell",
                "one host cell per guest cell", string.Join(",", p.Cells.Select(c => c.HostCell)), g);
    }

    private static void AllPinned(ScenarioContext s, Guest g)
    {
        if (s.Evidence(g).Actual is not { Cells.IsEmpty: false } p) return;
        var pins = p.Cells.SelectMany(c => c.Pins).ToList();
        s.Check(pins.Count == g.Spec.Vcpus, "pinning.all-vcpus", "not every vCPU of a dedicated guest is pinned", $"{g.Spec.Vcpus} pinned vCPUs", $"{pins.Count}", g);
        s.Check(pins.Select(kv => kv.Value).Distinct().Count() == pins.Count, "pinning.distinct", "two vCPUs share a pCPU", "one pCPU per vCPU",
            string.Join(",", pins.Select(kv => $"{kv.Key}:{kv.Value}")), g);
    }

    /// <summary>The page size the topology API reports; <paramref name="kib"/> null means "any huge size".</summary>
    private static void PageSize(ScenarioContext s, Guest g, long? kib)
    {
        if (s.Evidence(g).Actual is not { Cells.IsEmpty: false } p) return;
        var actual = p.Cells[0].PageSizeKiB ?? 4;
        var ok = kib is { } want ? actual == want : actual > 4;
        s.Check(ok, "hugepages.size", "the guest's memory is not backed by the page size asked for", kib is { } w ? $"{w} KiB" : "a huge page size", $"{actual} KiB", g);
    }

    /// <summary>The name of the first <c>[pci] alias</c> (a JSON object or list of them).</summary>
    private static string? FirstAlias(ImmutableArray<string> aliases)
    {
        foreach (var text in aliases.IsDefault ? [] : aliases)
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                var first = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().FirstOrDefault() : doc.RootElement;
                if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("name", out var name) && name.GetString() is { } n) return n;
            }
            catch (JsonException)
            {
            }
        }
        return null;
    }
}
