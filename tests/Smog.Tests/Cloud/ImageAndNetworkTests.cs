using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;

namespace Smog.Tests.Cloud;

/// <summary>Smog's own Glance and Neutron clients against the embedded cloud.</summary>
public sealed class ImageAndNetworkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_image_is_created_uploaded_found_and_deleted_with_its_properties()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var member = clients.Open("smog-member");
        var images = await member.ImagesAsync(Ct);

        var created = await images.CreateAsync(new ImageCreate("numa-img", "raw") { Properties = new Dictionary<string, string> { ["hw_numa_nodes"] = "2" } }, Ct);
        Assert.Equal("queued", created.Status);
        await images.UploadAsync(created.Id, new byte[4096], Ct);
        var active = await images.ShowAsync(created.Id, Ct);
        var found = await images.FindByNameAsync("numa-img", Ct);
        await images.DeleteAsync(created.Id, Ct);

        Assert.Equal(("active", 4096L), (active.Status, active.Size!.Value));
        Assert.Equal("2", active.Other!["hw_numa_nodes"].GetString());
        Assert.Equal(created.Id, found!.Id);
        await Assert.ThrowsAsync<Smog.OpenStack.Http.OpenStackNotFoundException>(() => images.ShowAsync(created.Id, Ct));
    }

    [Fact]
    public async Task A_private_image_is_seen_by_its_project_and_admins_only()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var adminImages = await admin.ImagesAsync(Ct);
        var memberImages = await member.ImagesAsync(Ct);
        var theirs = await adminImages.CreateAsync(new ImageCreate("admins-own", "raw"), Ct);
        var mine = await memberImages.CreateAsync(new ImageCreate("members-own", "raw"), Ct);

        Assert.Empty(await memberImages.ListByNameAsync("admins-own", Ct));
        await Assert.ThrowsAsync<Smog.OpenStack.Http.OpenStackNotFoundException>(() => memberImages.ShowAsync(theirs.Id, Ct));
        Assert.Equal(mine.Id, Assert.Single(await adminImages.ListByNameAsync("members-own", Ct)).Id);
        Assert.Equal(cloud.Identity.MemberProject.Id, mine.Owner);
    }

    [Fact]
    public async Task A_direct_port_is_created_on_an_admin_network_and_deleted()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        var network = await admin.NetworkAsync(Ct);

        var net = await network.CreateNetworkAsync(new NetworkCreate("sriov-net") { NetworkType = "flat", PhysicalNetwork = "sriovnet" }, Ct);
        var port = await network.CreatePortAsync(new PortCreate { NetworkId = net.Id, Name = "vf", VnicType = "direct" }, Ct);
        var shown = await network.ShowPortAsync(port.Id, Ct);
        await network.DeletePortAsync(port.Id, Ct);
        await network.DeleteNetworkAsync(net.Id, Ct);

        Assert.Equal(("direct", "DOWN"), (shown.VnicType, shown.Status));
        await Assert.ThrowsAsync<Smog.OpenStack.Http.OpenStackNotFoundException>(() => network.ShowPortAsync(port.Id, Ct));
    }

    [Fact]
    public async Task A_member_may_not_create_a_provider_network()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var member = clients.Open("smog-member");
        var network = await member.NetworkAsync(Ct);

        await Assert.ThrowsAsync<Smog.OpenStack.Http.OpenStackForbiddenException>(() =>
            network.CreateNetworkAsync(new NetworkCreate("n") { NetworkType = "flat", PhysicalNetwork = "p" }, Ct));
    }

    [Fact]
    public async Task A_member_sees_a_shared_provider_network_without_its_provider_attributes_and_owns_the_port_it_makes()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var adminNet = await admin.NetworkAsync(Ct);
        var memberNet = await member.NetworkAsync(Ct);
        var net = await adminNet.CreateNetworkAsync(new NetworkCreate("sriov") { Shared = true, NetworkType = "vlan", PhysicalNetwork = "sriovnet" }, Ct);
        await adminNet.CreateSubnetAsync(new SubnetCreate { NetworkId = net.Id, Name = "sriov-v4", Cidr = "192.0.2.0/24" }, Ct);

        var seen = Assert.Single(await memberNet.ListNetworksAsync("sriov", Ct));
        var port = await memberNet.CreatePortAsync(new PortCreate { NetworkId = net.Id, Name = "vf", VnicType = "direct" }, Ct);
        var asAdmin = await adminNet.ShowPortAsync(port.Id, Ct);

        Assert.Equal(("vlan", "sriovnet", 1000), (net.NetworkType, net.PhysicalNetwork, net.SegmentationId!.Value));
        Assert.True(seen is { NetworkType: null, PhysicalNetwork: null, SegmentationId: null }, "a member sees no provider attributes");
        Assert.Equal(cloud.Identity.MemberProject.Id, port.ProjectId);
        Assert.Equal("direct", port.VnicType);
        Assert.True(port is { BindingHost: null, VifType: null, BindingProfile: null }, "a member sees no binding details");
        Assert.Equal(("", "unbound"), (asAdmin.BindingHost, asAdmin.VifType));
        Assert.Equal("192.0.2.2", Assert.Single(asAdmin.FixedIps!).IpAddress);
    }

    [Fact]
    public async Task Flat_networks_are_one_per_physnet_vlan_networks_take_the_next_segment_and_a_network_with_a_port_is_in_use()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        var network = await admin.NetworkAsync(Ct);

        await network.CreateNetworkAsync(new NetworkCreate("flat") { NetworkType = "flat", PhysicalNetwork = "p" }, Ct);
        var second = await Assert.ThrowsAsync<OpenStackConflictException>(() => network.CreateNetworkAsync(new NetworkCreate("flat2") { NetworkType = "flat", PhysicalNetwork = "p" }, Ct));
        var v1 = await network.CreateNetworkAsync(new NetworkCreate("v1") { NetworkType = "vlan", PhysicalNetwork = "p" }, Ct);
        var v2 = await network.CreateNetworkAsync(new NetworkCreate("v2") { NetworkType = "vlan", PhysicalNetwork = "p" }, Ct);
        var port = await network.CreatePortAsync(new PortCreate { NetworkId = v1.Id, Name = "idle" }, Ct);
        var inUse = await Assert.ThrowsAsync<OpenStackConflictException>(() => network.DeleteNetworkAsync(v1.Id, Ct));
        await network.DeletePortAsync(port.Id, Ct);
        await network.DeleteNetworkAsync(v1.Id, Ct);

        Assert.Contains("Physical network p is in use", second.Message, StringComparison.Ordinal);
        Assert.Equal(((int?)1000, (int?)1001), (v1.SegmentationId, v2.SegmentationId));
        Assert.Contains("in use", inUse.Message, StringComparison.Ordinal);
        Assert.Empty(await network.ListNetworksAsync("v1", Ct));
    }

    [Fact]
    public async Task A_direct_port_is_bound_to_a_vf_when_its_server_boots_and_only_unbound_when_the_server_goes()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var adminNet = await admin.NetworkAsync(Ct);
        var nova = await admin.ComputeAsync(Ct);
        var net = await adminNet.CreateNetworkAsync(new NetworkCreate("sriov") { Shared = true, NetworkType = "vlan", PhysicalNetwork = "sriovnet" }, Ct);
        var port = await (await member.NetworkAsync(Ct)).CreatePortAsync(new PortCreate { NetworkId = net.Id, Name = "vf", VnicType = "direct" }, Ct);
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "one-node", RamMiB = 512, Vcpus = 1, DiskGiB = 1 }, Ct);
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, new Dictionary<string, string> { ["hw:numa_nodes"] = "1", ["hw:pci_numa_affinity_policy"] = "required" }, Ct);
        var memberNova = await member.ComputeAsync(Ct);
        var image = await (await member.ImagesAsync(Ct)).FindByNameAsync("smog-blank", Ct);

        var created = await memberNova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = "vf-guest", FlavorRef = flavor.Id, ImageRef = image!.Id, Networks = ServerNetworks.Ports(port.Id) },
        }, Ct);
        var settled = await cloud.Simulation.WhenSettled(created.Id, Ct);
        var bound = await adminNet.ShowPortAsync(port.Id, Ct);
        await memberNova.Servers.DeleteAsync(created.Id, Ct);
        var after = await adminNet.ShowPortAsync(port.Id, Ct);

        Assert.Equal(("ACTIVE", "compute-3"), (settled.Status, settled.Host));
        var vf = Assert.Single(settled.Placement!.PciDevices);
        Assert.Equal(("compute-3", "hw_veb", created.Id, "compute:nova"), (bound.BindingHost, bound.VifType, bound.DeviceId, bound.DeviceOwner));
        Assert.Equal((vf.Address, "sriovnet", "8086:154c"),
            (bound.BindingProfile!["pci_slot"].GetString(), bound.BindingProfile["physical_network"].GetString(), bound.BindingProfile["pci_vendor_info"].GetString()));
        Assert.Equal(settled.Placement.Fitted!.Cells.Single().HostCell, vf.NumaNode);
        Assert.Equal(("", "", "unbound", "DOWN"), (after.DeviceId, after.BindingHost, after.VifType, after.Status));
        Assert.Empty(after.BindingProfile!);
    }

    [Fact]
    public async Task A_direct_port_on_a_physnet_no_host_has_ends_in_NoValidHost()
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        var network = await admin.NetworkAsync(Ct);
        var nova = await admin.ComputeAsync(Ct);
        var net = await network.CreateNetworkAsync(new NetworkCreate("elsewhere") { NetworkType = "vlan", PhysicalNetwork = "no-such-physnet" }, Ct);
        var port = await network.CreatePortAsync(new PortCreate { NetworkId = net.Id, VnicType = "direct" }, Ct);
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "small", RamMiB = 512, Vcpus = 1, DiskGiB = 1 }, Ct);
        var image = await (await admin.ImagesAsync(Ct)).FindByNameAsync("smog-blank", Ct);

        var created = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = "no-vf", FlavorRef = flavor.Id, ImageRef = image!.Id, Networks = ServerNetworks.Ports(port.Id) },
        }, Ct);
        await cloud.Simulation.WhenSettled(created.Id, Ct);
        var server = await nova.Servers.ShowAsync(created.Id, Ct);

        Assert.Equal("ERROR", server.Status);
        Assert.StartsWith("No valid host was found", server.Fault!.Message, StringComparison.Ordinal);
    }
}
