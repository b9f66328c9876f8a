using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;
using Smog.OpenStack.Placement;

namespace Smog.Suite.Runner;

/// <summary>
/// The clouds of a run: admin (flavors, aggregates, evidence) and the cloud servers boot as
/// (the member cloud when given, else admin), each connected once.
/// </summary>
public sealed class SuiteClients
{
    private SuiteClients(OpenStackCloud admin, OpenStackCloud boot, NovaClient adminNova, NovaClient bootNova, PlacementClient placement,
        ImagesClient adminImages, ImagesClient bootImages) =>
        (Admin, Boot, AdminNova, BootNova, Placement, AdminImages, BootImages) = (admin, boot, adminNova, bootNova, placement, adminImages, bootImages);

    public OpenStackCloud Admin { get; }
    public OpenStackCloud Boot { get; }
    public NovaClient AdminNova { get; }
    public NovaClient BootNova { get; }
    public PlacementClient Placement { get; }
    /// <summary>Glance as admin (cleanup sees every project's images).</summary>
    public ImagesClient AdminImages { get; }
    /// <summary>Glance as the boot cloud: images it uploads are its project's, so its servers may boot them.</summary>
    public ImagesClient BootImages { get; }
    public bool BootsAsMember => !ReferenceEquals(Admin, Boot);

    /// <summary>Neutron as admin (provider networks, binding details, cleanup); connected on first use, as only SR-IOV scenarios need it.</summary>
    public Task<NetworkClient> AdminNetworkAsync(CancellationToken ct) => Admin.NetworkAsync(ct);

    /// <summary>Neutron as the boot cloud: the ports its servers boot with are its own.</summary>
    public Task<NetworkClient> BootNetworkAsync(CancellationToken ct) => Boot.NetworkAsync(ct);
    public ServerWaiter AdminWaiter => Admin.ServerWaiter(AdminNova);
    public ServerWaiter BootWaiter => Boot.ServerWaiter(BootNova);

    public static async Task<SuiteClients> ConnectAsync(OpenStackCloud admin, OpenStackCloud? member, CancellationToken ct)
    {
        var adminNova = await admin.ComputeAsync(ct).ConfigureAwait(false);
        var placement = await admin.PlacementAsync(ct).ConfigureAwait(false);
        var boot = member ?? admin;
        var bootNova = member is null ? adminNova : await member.ComputeAsync(ct).ConfigureAwait(false);
        var adminImages = await admin.ImagesAsync(ct).ConfigureAwait(false);
        var bootImages = member is null ? adminImages : await member.ImagesAsync(ct).ConfigureAwait(false);
        return new SuiteClients(admin, boot, adminNova, bootNova, placement, adminImages, bootImages);
    }
}
