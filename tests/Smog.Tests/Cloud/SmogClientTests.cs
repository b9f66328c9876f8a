using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;

namespace Smog.Tests.Cloud;

/// <summary>Smog's own OpenStack client, configured by the clouds.yaml the embedded cloud writes, doing the suite's work on the default lab.</summary>
public sealed class SmogClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly WaitOptions Quick = new(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30));

    internal static async Task<NovaServer> BootAsync(OpenStackCloud cloud, string name, string flavorId)
    {
        var compute = await cloud.ComputeAsync(Ct);
        var image = await (await cloud.ImagesAsync(Ct)).FindByNameAsync("smog-blank", Ct);
        var created = await compute.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = name, FlavorRef = flavorId, ImageRef = image!.Id, Networks = ServerNetworks.None },
        }, Ct);
        return await cloud.ServerWaiter(compute).WaitForStatusAsync(created.Id, "ACTIVE", Quick, Ct);
    }

    [Fact]
    public async Task A_member_boots_a_pinned_flavor_on_the_aggregate_the_admin_made_and_everything_is_released_on_delete()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.FromMilliseconds(100) });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var nova = await admin.ComputeAsync(Ct);
        Assert.Equal(new Smog.Nova.Microversion(2, 88), nova.Microversion);

        // Given an admin's pinned flavor tied to an aggregate holding compute-2
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "pinned-4", RamMiB = 2048, Vcpus = 4, DiskGiB = 1 }, Ct);
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string>
        {
            ["hw:cpu_policy"] = "dedicated",
            ["hw:cpu_thread_policy"] = "require",
            ["aggregate_instance_extra_specs:smt"] = "yes",
        }, Ct);
        Assert.Equal("require", (await nova.Flavors.ShowExtraSpecAsync(flavor.Id, "hw:cpu_thread_policy", Ct)).Value);
        var aggregate = await nova.Aggregates.CreateAsync("smt-hosts", null, Ct);
        await nova.Aggregates.AddHostAsync(aggregate.Id, "compute-2", Ct);
        await nova.Aggregates.SetMetadataAsync(aggregate.Id, new Dictionary<string, string?> { ["smt"] = "yes" }, Ct);

        // When a member boots it
        var booted = await BootAsync(member, "pinned-vm", flavor.Id);

        // Then it is ACTIVE on compute-2, pinned to sibling pairs, and placement holds 4 PCPU there
        var asAdmin = await nova.Servers.ShowAsync(booted.Id, Ct);
        Assert.Equal(("ACTIVE", "compute-2"), (asAdmin.Status, asAdmin.Host));
        Assert.Null(booted.Host);
        var topology = await nova.Servers.TopologyAsync(booted.Id, Ct);
        var node = Assert.Single(topology.Nodes);
        Assert.Equal(4, node.CpuPinning!.Count);
        var memberTopology = await (await member.ComputeAsync(Ct)).Servers.TopologyAsync(booted.Id, Ct);
        Assert.Null(Assert.Single(memberTopology.Nodes).HostNode);
        var placement = await admin.PlacementAsync(Ct);
        var provider = Assert.Single(await placement.ListProvidersAsync("compute-2", Ct));
        Assert.Equal(4, (await placement.UsagesAsync(provider.Uuid, Ct)).ByResourceClass["PCPU"]);
        Assert.True((await placement.InventoriesAsync(provider.Uuid, Ct)).ByResourceClass["PCPU"].Total >= 4);

        // And deleting it releases everything
        await (await member.ComputeAsync(Ct)).Servers.DeleteAsync(booted.Id, Ct);
        await admin.ServerWaiter(nova).WaitForDeletionAsync(booted.Id, Quick, Ct);
        Assert.Equal(0, (await placement.UsagesAsync(provider.Uuid, Ct)).ByResourceClass.GetValueOrDefault("PCPU"));
        Assert.Empty((await placement.ConsumerAllocationsAsync(booted.Id, Ct)).ByProvider);
    }

    [Fact]
    public async Task Projects_see_only_their_own_servers_and_admins_see_all_with_all_tenants()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var nova = await admin.ComputeAsync(Ct);
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "small", RamMiB = 512, Vcpus = 1, DiskGiB = 1 }, Ct);
        var adminsServer = await BootAsync(admin, "admins", flavor.Id);
        var membersServer = await BootAsync(member, "members", flavor.Id);
        var memberNova = await member.ComputeAsync(Ct);

        var seenByMember = await memberNova.Servers.ListAsync(new ServerQuery(), Ct);
        var seenByAdmin = await nova.Servers.ListAsync(new ServerQuery { AllProjects = true }, Ct);

        Assert.Equal([membersServer.Id], seenByMember.Select(s => s.Id));
        Assert.Equal(new[] { adminsServer.Id, membersServer.Id }.Order(StringComparer.Ordinal), seenByAdmin.Select(s => s.Id).Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<OpenStackNotFoundException>(() => memberNova.Servers.ShowAsync(adminsServer.Id, Ct));
    }

    [Fact]
    public async Task A_member_is_refused_admin_work_with_the_rule_named()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default());
        using var clients = new CloudClients(cloud);
        using var member = clients.Open("smog-member");
        var nova = await member.ComputeAsync(Ct);

        var flavor = await Assert.ThrowsAsync<OpenStackForbiddenException>(() => nova.Flavors.CreateAsync(new FlavorCreate { Name = "x", RamMiB = 64, Vcpus = 1, DiskGiB = 1 }, Ct));
        var hypervisors = await Assert.ThrowsAsync<OpenStackForbiddenException>(() => nova.Hypervisors.ListAsync(null, false, Ct));
        var aggregate = await Assert.ThrowsAsync<OpenStackForbiddenException>(() => nova.Aggregates.CreateAsync("a", null, Ct));

        Assert.Contains("os_compute_api:os-flavor-manage:create", flavor.Message);
        Assert.Contains("os_compute_api:os-hypervisors", hypervisors.Message);
        Assert.Contains("os_compute_api:os-aggregates:create", aggregate.Message);
    }

    [Fact]
    public async Task A_flavor_nothing_can_hold_ends_in_ERROR_with_Novas_fault()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        var nova = await admin.ComputeAsync(Ct);
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "numa8", RamMiB = 1024, Vcpus = 8, DiskGiB = 1 }, Ct);
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:numa_nodes"] = "8" }, Ct);
        var image = await (await admin.ImagesAsync(Ct)).FindByNameAsync("smog-blank", Ct);

        var created = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = "nowhere", FlavorRef = flavor.Id, ImageRef = image!.Id, Networks = ServerNetworks.None },
        }, Ct);
        await cloud.Simulation.WhenSettled(created.Id, Ct);
        var server = await nova.Servers.ShowAsync(created.Id, Ct);

        Assert.Equal("ERROR", server.Status);
        Assert.StartsWith("No valid host was found.", server.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_build_failure_fault_fails_builds_and_service_down_keeps_a_host_out()
    {
        var faults = Smog.Cloud.Api.Faults.FaultPlan.Parse(["build-failure=1", "service-down=compute-0"]);
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero, Faults = faults });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        var nova = await admin.ComputeAsync(Ct);
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "small", RamMiB = 512, Vcpus = 1, DiskGiB = 1 }, Ct);
        var image = await (await admin.ImagesAsync(Ct)).FindByNameAsync("smog-blank", Ct);

        var created = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = "doomed", FlavorRef = flavor.Id, ImageRef = image!.Id, Networks = ServerNetworks.None },
        }, Ct);
        await cloud.Simulation.WhenSettled(created.Id, Ct);

        Assert.Equal("ERROR", (await nova.Servers.ShowAsync(created.Id, Ct)).Status);
        var services = await nova.Hypervisors.ListAsync(null, false, Ct);
        Assert.Equal("down", services.Single(h => h.HypervisorHostname == "compute-0").State);
    }
}
