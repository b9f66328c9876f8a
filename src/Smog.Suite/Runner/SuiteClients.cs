using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Placement;

namespace Smog.Suite.Runner;

/// <summary>
/// The clouds of a run: admin (flavors, aggregates, evidence) and the cloud servers boot as
/// (the member cloud when given, else admin), each connected once.
/// </summary>
public sealed class SuiteClients
{
    private SuiteClients(OpenStackCloud admin, OpenStackCloud boot, NovaClient adminNova, NovaClient bootNova, PlacementClient placement) =>
        (Admin, Boot, AdminNova, BootNova, Placement) = (admin, boot, adminNova, bootNova, placement);

    public OpenStackCloud Admin { get; }
    public OpenStackCloud Boot { get; }
    public NovaClient AdminNova { get; }
    public NovaClient BootNova { get; }
    public PlacementClient Placement { get; }
    public bool BootsAsMember => !ReferenceEquals(Admin, Boot);
    public ServerWaiter AdminWaiter => Admin.ServerWaiter(AdminNova);
    public ServerWaiter BootWaiter => Boot.ServerWaiter(BootNova);

    public static async Task<SuiteClients> ConnectAsync(OpenStackCloud admin, OpenStackCloud? member, CancellationToken ct)
    {
        var adminNova = await admin.ComputeAsync(ct).ConfigureAwait(false);
        var placement = await admin.PlacementAsync(ct).ConfigureAwait(false);
        var boot = member ?? admin;
        var bootNova = member is null ? adminNova : await member.ComputeAsync(ct).ConfigureAwait(false);
        return new SuiteClients(admin, boot, adminNova, bootNova, placement);
    }
}
