using System.Text.Json;
using System.Xml.Linq;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Libvirt.Syntax;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.Suite.Selection;
using Smog.Tests.Cli;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Integration.OpenStack;

/// <summary>
/// Real Nova on the lab's simulated hosts (<c>lab/allinone up --hosts</c>: one real nova-compute
/// per host of the default lab YAML, on Nova's fakelibvirt). Runs when SMOG_LAB_CLOUDS is set and
/// the lab's inventory lists simulated hosts; SMOG_LAB_HOSTS names the lab YAML when it is not
/// the default one. Domain XML is read through the inventory's host access, as Smog reads it.
/// </summary>
[Trait("Category", "Lab")]
[Collection(LabCollection.Name)]
public sealed class SimulatedHostsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly WaitOptions Boot = WaitOptions.Build with { Timeout = TimeSpan.FromSeconds(240) };

    private static readonly string[] NumaElements = ["memory", "currentMemory", "vcpu", "memoryBacking", "numatune", "cputune", "cpu"];

    /// <summary>The lab YAML the simulated hosts were started from; skips when the lab has none.</summary>
    private static LabDefinition Require()
    {
        if (!Lab.HasSimulatedHosts()) Assert.Skip("the lab has no simulated hosts: start it with lab/allinone up --hosts");
        var lab = Environment.GetEnvironmentVariable("SMOG_LAB_HOSTS") is { Length: > 0 } file ? LabReader.Load(file) : Parsed<LabDefinition>.Ok(LabReader.Default());
        Assert.True(lab.Success, lab.Success ? "" : lab.Errors[0].ToString());
        return lab.Value;
    }

    [Fact]
    public async Task Hypervisors_and_placement_inventories_match_the_lab_yaml()
    {
        var lab = Require();
        using var admin = Lab.Connect(Lab.Admin, "simhosts_inventories");
        var nova = await admin.ComputeAsync(Ct);
        var placement = await admin.PlacementAsync(Ct);
        var hypervisors = await nova.Hypervisors.ListAsync(null, withServers: false, Ct);

        foreach (var host in lab.Hosts)
        {
            // one hypervisor per host, named after it, up
            var hypervisor = Assert.Single(hypervisors, h => h.HypervisorHostname == host.Name);
            Assert.Equal("up", hypervisor.State);
            Assert.Equal(host.Name, hypervisor.Service!.Host);

            // placement: VCPU = the shared set, PCPU = the dedicated set, MEMORY_MB = all cells less the reservation
            var provider = Assert.Single(await placement.ListProvidersAsync(host.Name, Ct));
            var inventories = (await placement.InventoriesAsync(provider.Uuid, Ct)).ByResourceClass;
            var online = host.Topology.AllCpus;
            Assert.Equal(host.Conf.SharedCpus(online).Count, inventories["VCPU"].Total);
            Assert.Equal((host.Conf.CpuDedicatedSet! & online).Count, inventories["PCPU"].Total);
            Assert.Equal(host.Topology.Cells.Sum(c => c.MemoryMiB ?? 0), inventories["MEMORY_MB"].Total);
            Assert.Equal(host.Conf.ReservedHostMemoryMiB, inventories["MEMORY_MB"].Reserved);
            Assert.Equal(host.DiskGiB, inventories["DISK_GB"].Total);
        }
    }

    [Fact]
    public async Task Each_simulated_host_reports_the_lab_yaml_cells_cpus_siblings_and_page_pools()
    {
        var lab = Require();
        await using var access = new HostAccessPool(InventoryParser.Load(Lab.InventoryPath()));

        foreach (var host in lab.Hosts)
        {
            // virsh capabilities through the inventory = what fakelibvirt gave the real driver
            var target = access.Find(host.Name, host.Name) ?? throw new InvalidOperationException($"{host.Name} is not in the lab inventory");
            var caps = await access.VirshAsync(target, ["capabilities"], Ct);
            Assert.True(caps is { ExitCode: 0 }, $"virsh capabilities on {host.Name}: {caps?.StandardError}");
            var parsed = CapabilitiesParser.Parse(caps!.StandardOutput, host.Name);
            Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());

            var want = host.Topology.Cells;
            var got = parsed.Value.Cells;
            Assert.Equal(want.Select(c => (c.Id, c.Cpus.ToString(), c.MemoryMiB)), got.Select(c => (c.Id, c.Cpus.ToString(), c.MemoryMiB)));
            Assert.Equal(want.Select(c => string.Join(" ", c.Siblings.Select(s => s.ToString()).Order(StringComparer.Ordinal))),
                got.Select(c => string.Join(" ", c.Siblings.Select(s => s.ToString()).Order(StringComparer.Ordinal))));
            Assert.Equal(want.Select(c => string.Join(" ", c.Pages.Select(p => $"{p.SizeKiB}x{p.Total}").Order(StringComparer.Ordinal))),
                got.Select(c => string.Join(" ", c.Pages.Select(p => $"{p.SizeKiB}x{p.Total}").Order(StringComparer.Ordinal))));
        }
    }

    [Fact]
    public async Task A_two_node_pinned_guest_on_a_four_node_host_has_the_domain_smog_plan_predicts()
    {
        var lab = Require();
        var inventory = InventoryParser.Load(Lab.InventoryPath());
        var host = lab.Hosts.First(h => h.Topology.Cells.Length == 4);
        await using var t = await Trial.StartAsync("simhosts_numa2", Ct);

        // Given an 8-vCPU, two-node, dedicated flavor, booted on a four-node host
        var specs = new Dictionary<string, string> { ["hw:numa_nodes"] = "2", ["hw:cpu_policy"] = "dedicated" };
        var flavor = await t.FlavorAsync(8, 1024, specs);
        var server = await t.BootAsync(flavor, host.Name);

        // Then Nova put it there, and its domain (read through the inventory) is what smog plan --xml says for that host
        Assert.Equal(host.Name, server.Host);
        await using var access = new HostAccessPool(inventory);
        var target = access.Find(host.Name, host.Name) ?? throw new InvalidOperationException($"{host.Name} is not in the lab inventory");
        var dumped = await access.VirshAsync(target, ["dumpxml", server.InstanceName!], Ct);
        Assert.True(dumped is { ExitCode: 0 }, $"virsh dumpxml through the inventory: {dumped?.StandardError}");
        var runner = await access.RunnerAsync(target, Ct);
        var novaConf = await runner.ReadFileAsync("/etc/nova/nova.conf", Ct) ?? throw new InvalidOperationException("no /etc/nova/nova.conf on " + host.Name);
        var planned = Plan(host, 8, 1024, specs, novaConf);

        var actual = NumaPart(XElement.Parse(dumped!.StandardOutput));
        var differences = XmlDiff.Compare(NumaPart(planned), actual);
        Assert.True(differences.IsEmpty, $"real Nova vs smog plan --xml on {host.Name}:\n{string.Join("\n", differences)}\nplanned:\n{planned}\nreal:\n{actual}");
    }

    [Fact]
    public async Task A_2MiB_page_guest_lands_on_a_host_with_2MiB_pages()
    {
        var lab = Require();
        await using var t = await Trial.StartAsync("simhosts_2m", Ct);

        var flavor = await t.FlavorAsync(2, 512, new() { ["hw:mem_page_size"] = "2MB" });
        var server = await t.BootAsync(flavor, null);

        var withPages = lab.Hosts.Where(h => h.Topology.Cells.Any(c => c.Pages.Any(p => p.SizeKiB == 2048 && p.Total > 0))).Select(h => h.Name).ToList();
        Assert.NotEmpty(withPages);
        Assert.Contains(server.Host, withPages.Append(Lab.QemuHost()));
        Assert.Equal(2048, (await t.Nova.Servers.TopologyAsync(server.Id, Ct)).PageSizeKiB);
    }

    [Fact]
    public async Task A_thread_policy_require_guest_lands_on_the_SMT_host_only()
    {
        var lab = Require();
        var smt = Assert.Single(lab.Hosts, h => h.Topology.HasSmt);
        await using var t = await Trial.StartAsync("simhosts_require", Ct);

        var flavor = await t.FlavorAsync(2, 512, new() { ["hw:cpu_policy"] = "dedicated", ["hw:cpu_thread_policy"] = "require" });
        var server = await t.BootAsync(flavor, null);

        Assert.Equal(smt.Name, server.Host);
        // both vCPUs on the two threads of one core
        var pinning = Assert.Single((await t.Nova.Servers.TopologyAsync(server.Id, Ct)).Nodes).CpuPinning!;
        var pcpus = CpuSet.Of(pinning.Values);
        Assert.Contains(smt.Topology.Cells.SelectMany(c => c.Siblings), s => s == pcpus);
    }

    [Fact]
    public async Task A_required_PCI_affinity_guest_gets_its_device_on_its_own_node()
    {
        var lab = Require();
        var inventory = InventoryParser.Load(Lab.InventoryPath());
        var alias = lab.Controller.PciAliases.Select(a => JsonDocument.Parse(a).RootElement)
            .First(a => a.TryGetProperty("numa_policy", out var p) && p.GetString() == "required").GetProperty("name").GetString();
        await using var t = await Trial.StartAsync("simhosts_pci", Ct);

        var flavor = await t.FlavorAsync(2, 512, new()
        {
            ["pci_passthrough:alias"] = $"{alias}:1",
            ["hw:pci_numa_affinity_policy"] = "required",
            ["hw:numa_nodes"] = "1",
            // pinned: each cell of the PCI hosts has one shared CPU, too few for a 2-vCPU floating cell
            ["hw:cpu_policy"] = "dedicated",
        });
        var server = await t.BootAsync(flavor, null);

        // the device Nova passed through sits on the host node that backs the guest's one cell
        var host = Assert.Single(lab.Hosts, h => h.Name == server.Host);
        await using var access = new HostAccessPool(inventory);
        var dumped = await access.VirshAsync(access.Find(host.Name, host.Name)!, ["dumpxml", server.InstanceName!], Ct);
        var domain = XElement.Parse(dumped!.StandardOutput);
        var source = Assert.Single(domain.Descendants("hostdev")).Element("source")!.Element("address")!;
        var address = $"{Hex(source, "domain", 4)}:{Hex(source, "bus", 2)}:{Hex(source, "slot", 2)}.{Convert.ToInt32((string)source.Attribute("function")!, 16)}";
        var device = Assert.Single(host.Topology.PciDevices, d => d.Address == address);
        var memnode = Assert.Single(domain.Descendants("memnode"));
        Assert.Equal(device.NumaNode?.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)memnode.Attribute("nodeset"));
        Assert.Equal(device.NumaNode, Assert.Single((await t.Nova.Servers.TopologyAsync(server.Id, Ct)).Nodes).HostNode);
    }

    [Fact]
    public async Task A_five_node_guest_ends_in_NoValidHost()
    {
        Require();
        await using var t = await Trial.StartAsync("simhosts_numa5", Ct);

        var flavor = await t.FlavorAsync(5, 640, new() { ["hw:numa_nodes"] = "5" });
        var error = await Assert.ThrowsAsync<ServerFaultedException>(() => t.BootAsync(flavor, null));

        Assert.Equal("ERROR", error.Server.Status);
        Assert.StartsWith("No valid host was found", error.Server.Fault!.Message, StringComparison.Ordinal);
    }

    /// <summary><c>smog plan --xml</c> for the lab host: its topology as a discover document, its real nova.conf.</summary>
    private static XElement Plan(LabHost host, int vcpus, int ramMiB, Dictionary<string, string> specs, string novaConf)
    {
        var dir = Directory.CreateTempSubdirectory("smog-simhost-plan-");
        try
        {
            var topology = Path.Combine(dir.FullName, "host.json");
            File.WriteAllText(topology, JsonSerializer.Serialize(host.Topology with { Hostname = host.Name }, TopologyJsonContext.Default.HostTopology));
            var conf = Path.Combine(dir.FullName, "nova.conf");
            File.WriteAllText(conf, novaConf);
            var caseFile = Path.Combine(dir.FullName, "case.json");
            File.WriteAllText(caseFile, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["flavor"] = new Dictionary<string, object> { ["vcpus"] = vcpus, ["memory_mb"] = ramMiB, ["disk_gb"] = 1, ["extra_specs"] = specs },
            }));
            var (exit, stdout, stderr) = CliRunner.Run(["plan", "--case", caseFile, "--host-topology", topology, "--nova-conf", conf, "--xml"]);
            Assert.True(exit == 0 && stdout.Trim().Length > 0, $"smog plan --xml: exit {exit}: {stderr}");
            return XElement.Parse(stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The NUMA-relevant top-level elements of a domain, in document order (what plan --xml prints),
    /// under a bare root: the root's type follows [libvirt] virt_type (qemu in the lab), which plan does
    /// not model.
    /// </summary>
    private static XElement NumaPart(XElement domain) =>
        new(domain.Name, domain.Elements().Where(e => NumaElements.Contains(e.Name.LocalName)));

    private static string Hex(XElement address, string attribute, int width) =>
        Convert.ToInt32((string)address.Attribute(attribute)!, 16).ToString($"x{width}");

    /// <summary>One test's flavors and servers, named after a run id, deleted at the end.</summary>
    private sealed class Trial : IAsyncDisposable
    {
        private readonly OpenStackCloud admin;
        private readonly Cleanup cleanup = new();
        private readonly string run = Lab.NewRunId();
        private string imageId = "";

        private Trial(OpenStackCloud admin, NovaClient nova)
        {
            this.admin = admin;
            Nova = nova;
        }

        public NovaClient Nova { get; }

        public static async Task<Trial> StartAsync(string recordAs, CancellationToken ct)
        {
            var admin = Lab.Connect(Lab.Admin, recordAs);
            await Lab.SweepLeftoversAsync(admin, ct);
            var trial = new Trial(admin, await admin.ComputeAsync(ct));
            trial.imageId = (await (await admin.ImagesAsync(ct)).FindByNameAsync(Lab.Image, ct))?.Id ?? throw new InvalidOperationException($"lab image {Lab.Image} missing");
            return trial;
        }

        public async Task<string> FlavorAsync(int vcpus, int ramMiB, Dictionary<string, string> specs)
        {
            var flavor = await Nova.Flavors.CreateAsync(new FlavorCreate { Name = $"{run}-f{vcpus}", RamMiB = ramMiB, Vcpus = vcpus, DiskGiB = 1 }, Ct);
            cleanup.Add("flavor", () => Nova.Flavors.DeleteAsync(flavor.Id, CancellationToken.None));
            await Nova.Flavors.SetExtraSpecsAsync(flavor.Id, specs, Ct);
            return flavor.Id;
        }

        /// <summary>Boots as admin (on <paramref name="host"/> when given: a requested host, filters still apply) and waits for ACTIVE.</summary>
        public async Task<NovaServer> BootAsync(string flavorId, string? host)
        {
            var created = await Nova.Servers.CreateAsync(new ServerCreateRequest
            {
                Server = new ServerCreateBody { Name = run + "-vm", FlavorRef = flavorId, ImageRef = imageId, Networks = ServerNetworks.None, Host = host, Tags = [run] },
            }, Ct);
            cleanup.Add("server", async () =>
            {
                await Nova.Servers.DeleteAsync(created.Id, CancellationToken.None);
                await admin.ServerWaiter(Nova).WaitForDeletionAsync(created.Id, WaitOptions.Delete, CancellationToken.None);
            });
            await admin.ServerWaiter(Nova).WaitForStatusAsync(created.Id, "ACTIVE", Boot, Ct);
            return await Nova.Servers.ShowAsync(created.Id, Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await cleanup.DisposeAsync();
            admin.Dispose();
        }
    }
}
