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
}
