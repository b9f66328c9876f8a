using System.Collections.Immutable;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Tests.Cloud.Simulation;

public class CloudSimulationTests
{
    private static readonly (string, string)[] Dedicated2Nodes = [("hw:numa_nodes", "2"), ("hw:cpu_policy", "dedicated")];

    [Fact]
    public void A_dedicated_two_node_server_goes_active_on_compute_0_with_a_guest_cell_on_host_cells_0_and_1()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(8, 4096, Dedicated2Nodes));
        Assert.Equal(("ACTIVE", VmStates.Active, (string?)null, PowerStates.Running), (server.Status, server.VmState, server.TaskState, server.PowerState));
        Assert.Equal("compute-0", server.Host);
        Assert.Equal("instance-00000001", server.InstanceName);
        var cells = server.Placement!.Fitted!.Cells;
        Assert.Equal([0, 1], cells.Select(c => c.HostCell));
        Assert.True(cells[0].PinnedHostCpus.IsSubsetOf(CpuSet.Range(1, 7)));
        Assert.True(cells[1].PinnedHostCpus.IsSubsetOf(CpuSet.Range(9, 15)));
        Assert.Equal(8, cells.Sum(c => c.PinnedHostCpus.Count));
        Assert.Equal(new Dictionary<string, long> { ["DISK_GB"] = 1, ["MEMORY_MB"] = 4096, ["PCPU"] = 8 }, server.Placement.Allocations);
        Assert.NotNull(server.LaunchedAt);
    }

    [Fact]
    public void The_domain_holds_the_numa_elements_smog_plan_xml_predicts_for_the_chosen_host()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(8, 4096, Dedicated2Nodes);
        var server = h.Boot(flavor);
        var lab = LabReader.Default().Hosts.Single(x => x.Name == server.Host);
        var plan = NovaPlanner.Plan(ComputeNode.FromTopology(lab.Topology, lab.Conf), new NovaRequest(flavor.ToEngine(), ImageProperties.None));
        var predicted = DomainGenerator.Generate(plan).Domain!;
        var actual = DomainReader.Parse(server.DomainXml!).Value;
        Assert.Equal(Numa(predicted), Numa(actual));
        Assert.Equal(server.Id, actual.Uuid);
        Assert.Equal(server.InstanceName, actual.Name);
    }

    private static string Numa(Domain d) => string.Join("\n", new object?[] { d.Memory?.Value, d.Vcpu?.Value, d.Vcpu?.CpuSet }
        .Select(x => x?.ToString() ?? "")
        .Concat(new[] { d.MemoryBacking is null ? null : DomainWriter.Write(d.MemoryBacking), d.NumaTune is null ? null : DomainWriter.Write(d.NumaTune),
            d.CpuTune is null ? null : DomainWriter.Write(d.CpuTune), d.Cpu is null ? null : DomainWriter.Write(d.Cpu with { Rest = XmlRest.Empty }) }
            .Select(e => e?.ToString() ?? "")));

    [Fact]
    public void Identical_servers_spread_over_hosts_by_free_ram_then_over_host_cells()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(8, 4096, Dedicated2Nodes);
        var first = h.Boot(flavor);
        var second = h.Boot(flavor);
        var third = h.Boot(flavor);
        Assert.Equal(["compute-0", "compute-1", "compute-0"], new[] { first, second, third }.Select(s => s.Host));
        Assert.Equal([2, 3], third.Placement!.Fitted!.Cells.Select(c => c.HostCell));
        Assert.False(first.Placement!.Fitted!.Cells.SelectMany(c => c.PinnedHostCpus).Intersect(third.Placement.Fitted.Cells.SelectMany(c => c.PinnedHostCpus)).Any());
    }

    [Fact]
    public void Nothing_passing_the_filters_is_NoValidHost_with_novas_fault()
    {
        var h = new SimulationHarness();
        // 8 GiB of 1 GiB pages in one cell: only compute-2 has 1 GiB pages, 4 per cell.
        var server = h.Boot(h.Flavor(2, 8192, ("hw:mem_page_size", "1GB")));
        Assert.Equal("ERROR", server.Status);
        Assert.Null(server.Host);
        Assert.Equal(500, server.Fault!.Code);
        Assert.Equal("No valid host was found. There are not enough hosts available.", server.Fault.Message);
        Assert.All(h.Cloud.ResourceProviders(), rp => Assert.Empty(rp.Allocations));
    }

    [Fact]
    public void No_allocation_candidate_is_NoValidHost_with_an_empty_reason_as_nova_records_it()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(40, 1024, ("hw:cpu_policy", "dedicated")));
        Assert.Equal("ERROR", server.Status);
        Assert.Equal("No valid host was found. ", server.Fault!.Message);
    }

    [Fact]
    public void The_api_refuses_what_numa_get_constraints_refuses()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(6, 4096, ("hw:numa_nodes", "4"));
        var e = Assert.Throws<SimulationException>(() => h.Cloud.Boot(h.Request(flavor)));
        Assert.Equal(SimulationFault.BadRequest, e.Fault);
        Assert.Empty(h.Cloud.Servers());
    }

    [Fact]
    public void Delete_releases_pins_pages_pci_and_allocations_so_the_same_boot_lands_the_same_way()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("pci_passthrough:alias", "nic:1"));
        var first = h.Boot(flavor);
        var provider = h.Cloud.ResourceProviders().Single(rp => rp.Name == first.Host);
        Assert.Equal(4, provider.Usages["PCPU"]);
        Assert.Equal([first.Id], provider.Allocations.Keys);
        h.Cloud.Delete(first.Id);
        Assert.Null(h.Cloud.Server(first.Id));
        provider = h.Cloud.ResourceProviders().Single(rp => rp.Name == first.Host);
        Assert.All(provider.Usages.Values, u => Assert.Equal(0, u));
        Assert.Empty(provider.Allocations);
        Assert.Equal(0, h.Cloud.Hypervisor(first.Host!)!.VcpusUsed);
        var again = h.Boot(flavor);
        Assert.Equal(first.Host, again.Host);
        Assert.Equal(first.Placement!.Fitted!.Cells[0].CpuPinning, again.Placement!.Fitted!.Cells[0].CpuPinning);
        Assert.Equal(first.Placement.PciDevices.Select(d => d.Address), again.Placement.PciDevices.Select(d => d.Address));
    }

    [Fact]
    public void A_pci_alias_with_required_affinity_gets_the_nic_of_the_guests_node_as_a_hostdev()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(2, 2048, ("hw:cpu_policy", "dedicated"), ("pci_passthrough:alias", "nic:1")));
        Assert.Equal("compute-0", server.Host);
        Assert.Equal(0, server.Placement!.Fitted!.Cells.Single().HostCell);
        var device = Assert.Single(server.Placement.PciDevices);
        Assert.Equal(("0000:18:00.0", 0), (device.Address, device.NumaNode ?? -1));
        Assert.Contains("bus=\"0x18\"", server.DomainXml);
        Assert.Empty(h.Verify(server).Where(f => f.Severity == Severity.Error));
    }

    [Fact]
    public void An_sriov_port_gets_a_vf_on_its_physnet_on_the_only_host_with_vfs()
    {
        var h = new SimulationHarness();
        var port = new PortRequest { PortId = "port-1", VnicType = "direct", Physnet = "sriovnet", NetworkName = "sriov" };
        var server = h.Boot(h.Flavor(2, 2048), r => r with { Ports = [port] });
        Assert.Equal("compute-3", server.Host);
        var vf = Assert.Single(server.Placement!.PciDevices);
        Assert.Equal(("0000:5e:02.0", "154c", "port-1"), (vf.Address, vf.ProductId, vf.PortId));
        var wrongNet = h.Boot(h.Flavor(2, 2048), r => r with { Ports = [port with { PortId = "port-2", Physnet = "other" }] });
        Assert.Equal("ERROR", wrongNet.Status);
    }

    [Fact]
    public void A_direct_ports_vf_is_a_hostdev_interface_with_the_ports_mac_and_an_alias_device_a_hostdev()
    {
        var h = new SimulationHarness();
        var port = new PortRequest { PortId = "port-1", VnicType = "direct", Physnet = "sriovnet", MacAddress = "fa:16:3e:00:00:01" };

        var server = h.Boot(h.Flavor(1, 1024, ("hw:numa_nodes", "1")), r => r with { Ports = [port] });
        var devices = System.Xml.Linq.XElement.Parse(server.DomainXml!).Element("devices")!;

        var vf = Assert.Single(server.Placement!.PciDevices);
        var nic = Assert.Single(devices.Elements("interface"));
        Assert.Equal(("hostdev", "yes"), ((string?)nic.Attribute("type"), (string?)nic.Attribute("managed")));
        Assert.Equal("fa:16:3e:00:00:01", (string?)nic.Element("mac")?.Attribute("address"));
        var address = nic.Element("source")!.Element("address")!;
        Assert.Equal(vf.Address, $"{((string)address.Attribute("domain")!)[2..]}:{((string)address.Attribute("bus")!)[2..]}:{((string)address.Attribute("slot")!)[2..]}.{((string)address.Attribute("function")!)[2..]}");
        Assert.Equal("pci", (string?)address.Attribute("type"));
        Assert.Empty(devices.Elements("hostdev"));
        Assert.Empty(h.Verify(server).Where(f => f.Severity == Severity.Error));
        var alias = h.Boot(h.Flavor(1, 1024, ("hw:numa_nodes", "1"), ("pci_passthrough:alias", "nic:1")));
        Assert.Single(System.Xml.Linq.XElement.Parse(alias.DomainXml!).Element("devices")!.Elements("hostdev"));
    }

    [Theory]
    [InlineData("required", "ERROR")]
    [InlineData("legacy", "ERROR")]
    [InlineData("socket", "ERROR")]
    [InlineData("preferred", "ACTIVE")]
    public void A_pinned_guest_that_fits_only_the_cell_without_vfs_gets_a_far_vf_only_when_preferred(string policy, string status)
    {
        // compute-3: cells 0 and 1 hold the VFs and 6 dedicated CPUs each, cell 2 holds 7 and no VF.
        var h = new SimulationHarness();
        var port = new PortRequest { PortId = "port-1", VnicType = "direct", Physnet = "sriovnet" };

        var server = h.Boot(h.Flavor(7, 1024, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "1"), ("hw:pci_numa_affinity_policy", policy)), r => r with { Ports = [port] });

        Assert.Equal(status, server.Status);
        if (status == "ERROR")
        {
            Assert.StartsWith("No valid host was found", server.Fault!.Message, StringComparison.Ordinal);
            return;
        }
        Assert.Equal(("compute-3", 2), (server.Host, server.Placement!.Fitted!.Cells.Single().HostCell));
        Assert.NotEqual(2, Assert.Single(server.Placement.PciDevices).NumaNode);
    }

    [Fact]
    public void Aggregate_metadata_steers_a_flavor_with_aggregate_instance_extra_specs()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(2, 1024, ("aggregate_instance_extra_specs:ssd", "true"));
        Assert.Equal("ERROR", h.Boot(flavor).Status);
        var aggregate = h.Cloud.CreateAggregate("fast");
        h.Cloud.SetAggregateMetadata(aggregate.Id, new Dictionary<string, string?> { ["ssd"] = "true" });
        h.Cloud.AddHost(aggregate.Id, "compute-3");
        Assert.Equal("compute-3", h.Boot(flavor).Host);
        Assert.Equal(["compute-3"], h.Cloud.Aggregate(aggregate.Id)!.Hosts);
        Assert.Contains(aggregate.Uuid, h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-3").AggregateUuids);
    }

    [Fact]
    public void Aggregates_refuse_duplicates_and_deletion_while_hosts_remain()
    {
        var h = new SimulationHarness();
        var a = h.Cloud.CreateAggregate("a", "az1");
        Assert.Equal("az1", a.AvailabilityZone);
        Assert.Equal(SimulationFault.Conflict, Assert.Throws<SimulationException>(() => h.Cloud.CreateAggregate("a")).Fault);
        h.Cloud.AddHost(a.Id, "compute-1");
        Assert.Equal(SimulationFault.Conflict, Assert.Throws<SimulationException>(() => h.Cloud.AddHost(a.Id, "compute-1")).Fault);
        Assert.Equal(SimulationFault.NotFound, Assert.Throws<SimulationException>(() => h.Cloud.AddHost(a.Id, "compute-9")).Fault);
        Assert.Equal(SimulationFault.BadRequest, Assert.Throws<SimulationException>(() => h.Cloud.DeleteAggregate(a.Id)).Fault);
        h.Cloud.RemoveHost(a.Id, "compute-1");
        h.Cloud.DeleteAggregate(a.Id);
        Assert.Empty(h.Cloud.Aggregates());
        var zoned = h.Cloud.CreateAggregate("b", "az1");
        h.Cloud.AddHost(zoned.Id, "compute-2");
        Assert.Equal("compute-2", h.Boot(h.Flavor(1, 512), r => r with { AvailabilityZone = "az1" }).Host);
    }

    [Fact]
    public void A_disabled_or_down_compute_is_skipped_and_no_enabled_compute_is_NoValidHost()
    {
        var h = new SimulationHarness();
        var flavor = h.Flavor(1, 512);
        h.Cloud.UpdateService("compute-0", enabled: false, disabledReason: "maintenance");
        Assert.Equal("compute-1", h.Boot(flavor).Host);
        Assert.Contains("COMPUTE_STATUS_DISABLED", h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-0").Traits);
        h.Cloud.UpdateService("compute-1", forcedDown: true);
        Assert.Equal("down", h.Cloud.Hypervisor("compute-1")!.State);
        Assert.Equal("compute-2", h.Boot(flavor).Host);
        foreach (var host in h.Cloud.HostNames) h.Cloud.UpdateService(host, enabled: false);
        Assert.Equal("No valid host was found. ", h.Boot(flavor).Fault!.Message);
    }

    [Fact]
    public void A_requested_host_is_the_only_candidate_and_its_filters_still_run()
    {
        var h = new SimulationHarness();
        Assert.Equal("compute-3", h.Boot(h.Flavor(2, 1024), r => r with { Host = "compute-3" }).Host);
        // thread policy require on a host without SMT: the NUMA filter rejects it.
        var require = h.Flavor(2, 1024, ("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "require"));
        Assert.Equal("ERROR", h.Boot(require, r => r with { Host = "compute-0" }).Status);
        Assert.Equal("compute-2", h.Boot(require).Host);
    }

    [Fact]
    public void A_failed_build_is_retried_on_alternates_then_errors_and_counts_against_the_hosts()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(1, 512), r => r with { FailBuild = true });
        Assert.Equal("ERROR", server.Status);
        Assert.StartsWith("Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ", server.Fault!.Message);
        // The build-failure weigher now prefers the host that never failed.
        Assert.Equal("compute-3", h.Boot(h.Flavor(1, 512)).Host);
    }

    [Fact]
    public void Stop_start_and_reboot_pass_through_novas_states()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(1, 512));
        Assert.Equal("powering-off", h.Cloud.Stop(server.Id).TaskState);
        Assert.Equal(("SHUTOFF", PowerStates.Shutdown), Settled(h, server.Id));
        Assert.Equal(SimulationFault.Conflict, Assert.Throws<SimulationException>(() => h.Cloud.Stop(server.Id)).Fault);
        h.Cloud.Start(server.Id);
        Assert.Equal(("ACTIVE", PowerStates.Running), Settled(h, server.Id));
        Assert.Equal("HARD_REBOOT", h.Cloud.Reboot(server.Id, hard: true).Status);
        Assert.Equal(("ACTIVE", PowerStates.Running), Settled(h, server.Id));
        Assert.Equal("REBOOT", h.Cloud.Reboot(server.Id, hard: false).Status);
        Assert.Equal(("ACTIVE", PowerStates.Running), Settled(h, server.Id));
    }

    private static (string, int) Settled(SimulationHarness h, string id)
    {
        var s = h.Settle(id);
        return (s.Status, s.PowerState);
    }

    [Fact]
    public void Resize_claims_on_another_host_and_confirm_frees_the_source()
    {
        var h = new SimulationHarness();
        var small = h.Flavor(2, 1024, ("hw:cpu_policy", "dedicated"));
        var large = h.Flavor(4, 2048, ("hw:cpu_policy", "dedicated"));
        var server = h.Boot(small);
        Assert.Equal("RESIZE", h.Cloud.Resize(server.Id, large.Id).Status);
        var resized = h.Settle(server.Id);
        Assert.Equal(("VERIFY_RESIZE", "compute-1", large.Id, small.Id), (resized.Status, resized.Host, resized.Flavor.Id, resized.OldFlavor!.Id));
        var source = h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-0");
        var destination = h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-1");
        Assert.Equal(2, source.Usages["PCPU"]);
        Assert.DoesNotContain(server.Id, source.Allocations.Keys); // held by the migration record
        Assert.Equal(4, destination.Allocations[server.Id]["PCPU"]);
        var confirmed = h.Cloud.ConfirmResize(server.Id);
        Assert.Equal(("ACTIVE", (FlavorRecord?)null), (confirmed.Status, confirmed.OldFlavor));
        Assert.Equal(0, h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-0").Usages["PCPU"]);
        Assert.Equal(4, h.Cloud.Allocations(server.Id).ByProvider.Single().Value["PCPU"]);
    }

    [Fact]
    public void Revert_resize_returns_to_the_source_and_frees_the_destination()
    {
        var h = new SimulationHarness();
        var small = h.Flavor(2, 1024, ("hw:cpu_policy", "dedicated"));
        var server = h.Boot(small);
        h.Cloud.Resize(server.Id, h.Flavor(4, 2048, ("hw:cpu_policy", "dedicated")).Id);
        h.Settle(server.Id);
        h.Cloud.RevertResize(server.Id);
        var reverted = h.Settle(server.Id);
        Assert.Equal(("ACTIVE", "compute-0", small.Id), (reverted.Status, reverted.Host, reverted.Flavor.Id));
        Assert.Equal(2, h.Cloud.Allocations(server.Id).ByProvider.Single().Value["PCPU"]);
        Assert.Empty(h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-1").Allocations);
    }

    [Fact]
    public void Live_and_cold_migration_move_the_claim_and_recompute_the_pins()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(2, 1024, ("hw:cpu_policy", "dedicated")));
        Assert.Equal("MIGRATING", h.Cloud.LiveMigrate(server.Id, "compute-3").Status);
        var moved = h.Settle(server.Id);
        Assert.Equal(("ACTIVE", "compute-3"), (moved.Status, moved.Host));
        Assert.True(moved.Placement!.Fitted!.Cells[0].PinnedHostCpus.IsSubsetOf(CpuSet.Parse("2-7,10-15,17-23")));
        Assert.Empty(h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-0").Allocations);
        Assert.Empty(h.Verify(moved).Where(f => f.Severity == Severity.Error));

        h.Cloud.Migrate(moved.Id);
        var migrated = h.Settle(moved.Id);
        Assert.Equal("VERIFY_RESIZE", migrated.Status);
        Assert.NotEqual("compute-3", migrated.Host);
        h.Cloud.ConfirmResize(moved.Id);
        Assert.Empty(h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-3").Allocations);
    }

    [Fact]
    public void Placement_reports_the_libvirt_drivers_inventories_and_traits()
    {
        var h = new SimulationHarness();
        var c0 = h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-0");
        Assert.Equal(new InventoryRecord(4, 0, 1, 4, 1, 16.0), c0.Inventories["VCPU"]);
        Assert.Equal(new InventoryRecord(28, 0, 1, 28, 1, 1.0), c0.Inventories["PCPU"]);
        Assert.Equal(new InventoryRecord(131072, 512, 1, 131072, 1, 1.5), c0.Inventories["MEMORY_MB"]);
        Assert.Equal(new InventoryRecord(1000, 0, 1, 1000, 1, 1.0), c0.Inventories["DISK_GB"]);
        Assert.Equal(195840, c0.Inventories["MEMORY_MB"].Capacity);
        Assert.DoesNotContain("HW_CPU_HYPERTHREADING", c0.Traits);
        Assert.Contains("HW_CPU_HYPERTHREADING", h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-2").Traits);
        Assert.Contains("COMPUTE_NODE", c0.Traits);
        Assert.Equal(new InventoryRecord(5, 0, 1, 5, 1, 16.0), h.Cloud.ResourceProviders().Single(rp => rp.Name == "compute-3").Inventories["VCPU"]);
        Assert.Equal(new ConsumerAllocations(ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, long>>.Empty,
            ImmutableSortedDictionary<string, long>.Empty, 0, null, null).ByProvider, h.Cloud.Allocations("nobody").ByProvider);
    }

    [Fact]
    public void Hypervisors_report_the_shared_pool_and_statistics_sum_them()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(2, 1024));
        var c0 = h.Cloud.Hypervisor("compute-0")!;
        Assert.Equal((4, 2, 131072L, 512L + 1024, 1), (c0.Vcpus, c0.VcpusUsed, c0.MemoryMiB, c0.MemoryMiBUsed, c0.RunningVms));
        Assert.Equal([(server.Id, server.InstanceName)], c0.Servers);
        Assert.Equal("compute-0", h.Cloud.Hypervisor(c0.Id)!.HypervisorHostname);
        var stats = h.Cloud.Statistics();
        Assert.Equal((4, 4 + 4 + 4 + 5, 2 * 131072L + 65536L + 98304L), (stats.Count, stats.Vcpus, stats.MemoryMiB));
        Assert.Contains("\"threads\":2", h.Cloud.Hypervisor("compute-2")!.CpuInfo);
    }

    [Fact]
    public void The_topology_api_shows_guest_cells_host_nodes_pins_and_page_size()
    {
        var h = new SimulationHarness();
        var server = h.Boot(h.Flavor(4, 2048, ("hw:cpu_policy", "dedicated"), ("hw:mem_page_size", "2MB")));
        Assert.Equal("compute-2", server.Host);
        var topology = h.Cloud.Topology(server.Id)!;
        var node = Assert.Single(topology.Nodes);
        Assert.Equal((CpuSet.Range(0, 3), 2048L, 2048L), (node.VcpuSet, node.MemoryMiB, topology.PageSizeKiB ?? 0));
        Assert.Equal(4, node.CpuPinning.Count);
        // Prefer on an SMT host packs two vCPUs per core: the guest sees sibling pairs.
        Assert.Equal([CpuSet.Of(0, 1), CpuSet.Of(2, 3)], node.Siblings);
        var plain = h.Boot(h.Flavor(1, 512));
        Assert.Equal(new ServerTopologyView([], null), h.Cloud.Topology(plain.Id));
        Assert.Null(h.Cloud.Topology("nobody"));
    }

    [Fact]
    public void Every_kind_of_default_lab_boot_gives_a_domain_the_verifier_accepts()
    {
        var h = new SimulationHarness();
        (string, string)[][] flavors =
        [
            [],
            [("hw:numa_nodes", "2")],
            [("hw:cpu_policy", "dedicated")],
            [("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")],
            [("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "isolate")],
            [("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "require")],
            [("hw:cpu_policy", "dedicated"), ("hw:emulator_threads_policy", "isolate")],
            [("hw:cpu_policy", "mixed"), ("hw:cpu_dedicated_mask", "2-3")],
            [("hw:cpu_policy", "dedicated"), ("hw:cpu_realtime", "yes"), ("hw:cpu_realtime_mask", "^0")],
            // Shared guests with a NUMA topology fit only within a cell's shared CPUs (2 on compute-2).
            [("hw:mem_page_size", "2MB"), ("hw:cpu_sockets", "1")],
            [("hw:mem_page_size", "large"), ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")],
            [("hw:mem_page_size", "1GB"), ("hw:cpu_sockets", "1")],
            [("hw:cpu_sockets", "2")],
            [("hw:cpu_policy", "dedicated"), ("pci_passthrough:alias", "nic:1")],
            [("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2"), ("pci_passthrough:alias", "nic-legacy:1")],
        ];
        var booted = new List<ServerRecord>();
        foreach (var specs in flavors)
        {
            var vcpus = specs.Any(s => s.Item1 == "hw:mem_page_size") && !specs.Any(s => s.Item2 == "dedicated") ? 2 : 4;
            var server = h.Boot(h.Flavor(vcpus, 2048, specs));
            Assert.True(server.Status == "ACTIVE", $"{string.Join(",", specs)}: {server.Status} {server.Fault?.Message}");
            booted.Add(server);
        }
        var sriov = new PortRequest { PortId = "p", VnicType = "direct", Physnet = "sriovnet" };
        booted.Add(h.Boot(h.Flavor(4, 2048, ("hw:cpu_policy", "dedicated")), r => r with { Ports = [sriov] }));
        booted.Add(h.Boot(h.Flavor(2, 1024, ("hw:cpu_policy", "dedicated")), r => r with { Host = "compute-2" }));
        foreach (var server in booted)
        {
            var errors = h.Verify(h.Cloud.Server(server.Id)!).Where(f => f.Severity == Severity.Error).ToList();
            Assert.True(errors.Count == 0, $"{server.Flavor.Name} {string.Join(",", server.Flavor.ExtraSpecs)} on {server.Host}:\n{SimulationHarness.Describe(errors)}");
        }
    }

    [Fact]
    public async Task Builds_complete_on_their_own_with_a_zero_build_time_and_changes_are_announced()
    {
        var cloud = new CloudSimulation(LabReader.Default(), new SimulationOptions { BuildTime = TimeSpan.Zero });
        var statuses = new List<string>();
        cloud.ServerChanged += s => { lock (statuses) statuses.Add(s.Status); };
        var flavor = cloud.CreateFlavor(new FlavorSpec("tiny", 1, 512, 1));
        var server = cloud.Boot(new BootRequest { Name = "vm", FlavorId = flavor.Id, ProjectId = "p", UserId = "u" });
        var settled = await cloud.WhenSettled(server.Id, TestContext.Current.CancellationToken);
        Assert.Equal("ACTIVE", settled.Status);
        lock (statuses) Assert.Equal(["BUILD", "ACTIVE"], statuses);
        Assert.Equal("ACTIVE", (await cloud.WhenSettled(server.Id, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public void Flavors_are_created_updated_and_refused_as_nova_does()
    {
        var h = new SimulationHarness();
        var f = h.Cloud.CreateFlavor(new FlavorSpec("m1", 2, 2048, 10) { Id = "42", SwapMiB = 1536 });
        Assert.Equal(("42", 12L), (f.Id, f.DiskRequestGiB));
        Assert.Equal(SimulationFault.Conflict, Assert.Throws<SimulationException>(() => h.Cloud.CreateFlavor(new FlavorSpec("m1", 1, 1, 1))).Fault);
        Assert.Equal("x", h.Cloud.SetExtraSpecs("42", new Dictionary<string, string> { ["a"] = "x", ["b"] = "y" }).ExtraSpecs["a"]);
        Assert.Equal(["b"], h.Cloud.DeleteExtraSpec("42", "a").ExtraSpecs.Keys);
        Assert.Equal(SimulationFault.NotFound, Assert.Throws<SimulationException>(() => h.Cloud.DeleteExtraSpec("42", "a")).Fault);
        Assert.Equal("d", h.Cloud.UpdateFlavor("42", "d").Description);
        h.Cloud.DeleteFlavor("42");
        Assert.Null(h.Cloud.Flavor("42"));
        Assert.Equal("Flavor 42 could not be found.", Assert.Throws<SimulationException>(() => h.Cloud.DeleteFlavor("42")).Message);
    }
}
