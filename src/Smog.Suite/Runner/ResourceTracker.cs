using System.Collections.Immutable;
using System.Globalization;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;
using Smog.Suite.Builders;
using Smog.Suite.Ledger;

namespace Smog.Suite.Runner;

/// <summary>
/// Creates the run's resources through the ledger (intent flushed before each create call,
/// the id after), remembers which scenario owns each, and releases a scenario's resources when
/// it ends, so the next scenario finds the capacity free.
/// </summary>
public sealed class ResourceTracker(SuiteClients clients, RunLedger ledger, SuiteTimeouts timeouts)
{
    private readonly Lock gate = new();
    private readonly List<(string Owner, Leftover Resource)> live = [];
    private int created;
    private int deleted;

    public RunId Run => ledger.Run;
    public int Created => created;
    public int Deleted => deleted;

    public async Task<NovaFlavor> CreateFlavorAsync(string owner, string name, FlavorSpec spec, CancellationToken ct)
    {
        var nova = clients.AdminNova;
        ledger.Intent(ResourceKind.Flavor, name);
        Track(owner, new Leftover(ResourceKind.Flavor, name, null, null));
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate
        {
            Name = name,
            RamMiB = spec.RamMiB,
            Vcpus = spec.Vcpus,
            DiskGiB = spec.DiskGb,
            IsPublic = true,
            Description = $"smog run {Run}",
        }, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Flavor, name, flavor.Id, null));
        if (!spec.ExtraSpecs.IsEmpty) await nova.Flavors.SetExtraSpecsAsync(flavor.Id, spec.ExtraSpecs, ct).ConfigureAwait(false);
        return flavor;
    }

    public async Task<NovaAggregate> CreateAggregateAsync(string owner, string name, IReadOnlyDictionary<string, string?> metadata, CancellationToken ct)
    {
        var nova = clients.AdminNova;
        ledger.Intent(ResourceKind.Aggregate, name);
        Track(owner, new Leftover(ResourceKind.Aggregate, name, null, null));
        var aggregate = await nova.Aggregates.CreateAsync(name, null, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Aggregate, name, Id(aggregate.Id), null));
        return await nova.Aggregates.SetMetadataAsync(aggregate.Id, metadata, ct).ConfigureAwait(false);
    }

    public async Task AddHostAsync(string owner, NovaAggregate aggregate, string host, CancellationToken ct)
    {
        ledger.Intent(ResourceKind.AggregateHost, aggregate.Name, host);
        Track(owner, new Leftover(ResourceKind.AggregateHost, aggregate.Name, null, host));
        await clients.AdminNova.Aggregates.AddHostAsync(aggregate.Id, host, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.AggregateHost, aggregate.Name, Id(aggregate.Id), host));
    }

    /// <summary>
    /// A shared provider network on <paramref name="physnet"/> (admin: provider attributes need it),
    /// so the boot cloud may put its ports on it. VLAN first (Neutron picks the segment), flat when the
    /// cloud has no VLAN range for the physnet.
    /// </summary>
    public async Task<NeutronNetwork> CreateNetworkAsync(string owner, string name, string physnet, CancellationToken ct)
    {
        var network = await clients.AdminNetworkAsync(ct).ConfigureAwait(false);
        ledger.Intent(ResourceKind.Network, name);
        Track(owner, new Leftover(ResourceKind.Network, name, null, null));
        NeutronNetwork created;
        try
        {
            created = await network.CreateNetworkAsync(new NetworkCreate(name) { Shared = true, NetworkType = "vlan", PhysicalNetwork = physnet }, ct).ConfigureAwait(false);
        }
        catch (OpenStackApiException e) when (e is OpenStackBadRequestException or OpenStackConflictException)
        {
            created = await network.CreateNetworkAsync(new NetworkCreate(name) { Shared = true, NetworkType = "flat", PhysicalNetwork = physnet }, ct).ConfigureAwait(false);
        }
        Confirm(owner, new Leftover(ResourceKind.Network, name, created.Id, null));
        return created;
    }

    /// <summary>An IPv4 subnet of the run's network (admin, who owns the network).</summary>
    public async Task<NeutronSubnet> CreateSubnetAsync(string owner, string name, string networkId, string cidr, CancellationToken ct)
    {
        var network = await clients.AdminNetworkAsync(ct).ConfigureAwait(false);
        ledger.Intent(ResourceKind.Subnet, name);
        Track(owner, new Leftover(ResourceKind.Subnet, name, null, null));
        var created = await network.CreateSubnetAsync(new SubnetCreate { NetworkId = networkId, Name = name, Cidr = cidr, EnableDhcp = false }, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Subnet, name, created.Id, null));
        return created;
    }

    /// <summary>A port the boot cloud creates (as a user does for SR-IOV), with its vnic type.</summary>
    public async Task<NeutronPort> CreatePortAsync(string owner, string name, string networkId, string vnicType, CancellationToken ct)
    {
        var network = await clients.BootNetworkAsync(ct).ConfigureAwait(false);
        ledger.Intent(ResourceKind.Port, name);
        Track(owner, new Leftover(ResourceKind.Port, name, null, null));
        var created = await network.CreatePortAsync(new PortCreate { NetworkId = networkId, Name = name, VnicType = vnicType }, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Port, name, created.Id, null));
        return created;
    }

    /// <summary>Boots as the boot cloud; the run id is in the name, a tag and the metadata.</summary>
    public async Task<string> CreateServerAsync(string owner, string name, string flavorId, string imageId, ServerNetworks networks, CancellationToken ct)
    {
        ledger.Intent(ResourceKind.Server, name);
        Track(owner, new Leftover(ResourceKind.Server, name, null, null));
        var server = await clients.BootNova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody
            {
                Name = name,
                FlavorRef = flavorId,
                ImageRef = imageId,
                Networks = networks,
                Tags = [Run.Value],
                Metadata = new() { ["smog-run"] = Run.Value },
            },
        }, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Server, name, server.Id, null));
        return server.Id;
    }

    /// <summary>
    /// Uploads a tiny raw image carrying <paramref name="properties"/> as the boot cloud (its project
    /// owns it) and waits until it is active. The intent is flushed before the create call.
    /// </summary>
    public async Task<string> CreateImageAsync(string owner, string name, IReadOnlyDictionary<string, string> properties, CancellationToken ct)
    {
        var images = clients.BootImages;
        ledger.Intent(ResourceKind.Image, name);
        Track(owner, new Leftover(ResourceKind.Image, name, null, null));
        var image = await images.CreateAsync(new ImageCreate(name, "raw") { Properties = properties, Tags = [Run.Value] }, ct).ConfigureAwait(false);
        Confirm(owner, new Leftover(ResourceKind.Image, name, image.Id, null));
        // A zeroed 1 MiB raw disk: any hypervisor's image checks accept it; the guest never needs to run an OS.
        await images.UploadAsync(image.Id, new byte[1024 * 1024], ct).ConfigureAwait(false);
        await images.WaitForActiveAsync(image.Id, null, ct).ConfigureAwait(false);
        return image.Id;
    }

    /// <summary>Deletes one server now (fill releases guests between steps) and waits until it is gone.</summary>
    public async Task DeleteServerAsync(string owner, string serverId, CancellationToken ct)
    {
        Leftover? entry;
        lock (gate) entry = live.FirstOrDefault(l => l.Owner == owner && l.Resource.Kind == ResourceKind.Server && l.Resource.Id == serverId).Resource;
        if (entry is null) return;
        await ReleaseAsync([entry], ct).ConfigureAwait(false);
    }

    /// <summary>Everything <paramref name="owner"/> still holds, deleted in reverse order.</summary>
    public Task<CleanupOutcome> ReleaseOwnerAsync(string owner, CancellationToken ct)
    {
        List<Leftover> mine;
        lock (gate) mine = [.. live.Where(l => l.Owner == owner).Select(l => l.Resource)];
        return ReleaseAsync(mine, ct);
    }

    /// <summary>Whatever the ledger still names (the end-of-run sweep).</summary>
    public Task<CleanupOutcome> ReleaseAllAsync(CancellationToken ct)
    {
        List<Leftover> all;
        lock (gate) all = [.. live.Select(l => l.Resource)];
        return ReleaseAsync(all, ct);
    }

    private async Task<CleanupOutcome> ReleaseAsync(List<Leftover> resources, CancellationToken ct)
    {
        if (resources.Count == 0) return new CleanupOutcome([]);
        var network = resources.Any(r => r.Kind is ResourceKind.Port or ResourceKind.Subnet or ResourceKind.Network)
            ? await clients.AdminNetworkAsync(ct).ConfigureAwait(false) : null;
        var cleaner = new RunCleaner(clients.AdminNova, clients.AdminWaiter, Run, ledger, timeouts.DeleteWait, images: clients.AdminImages, network: network);
        var outcome = await cleaner.CleanAsync(resources, dryRun: false, ct).ConfigureAwait(false);
        lock (gate)
        {
            foreach (var action in outcome.Actions.Where(a => a.Ok))
            {
                live.RemoveAll(l => l.Resource == action.Resource);
                if (action.Outcome is "deleted" or "removed") deleted++;
            }
        }
        var servers = outcome.Actions.Where(a => a.Ok && a.Resource.Kind == ResourceKind.Server && a.Resource.Id is not null).Select(a => a.Resource.Id!).ToList();
        await WaitAllocationsFreedAsync(servers, ct).ConfigureAwait(false);
        return outcome;
    }

    // Up to 30 s, from a 50 ms first poll backing off to once a second, so a real cloud is not hammered.
    private static readonly WaitOptions AllocationsFreed = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>Nova frees a deleted server's placement allocations just after the delete; the next boot must see them free.</summary>
    private async Task WaitAllocationsFreedAsync(List<string> servers, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        foreach (var id in servers)
        {
            while (DateTime.UtcNow - started < AllocationsFreed.Timeout)
            {
                try
                {
                    if ((await clients.Placement.ConsumerAllocationsAsync(id, ct).ConfigureAwait(false)).ByProvider.Count == 0) break;
                }
                catch (OpenStackApiException)
                {
                    break;
                }
                await Task.Delay(AllocationsFreed.NextDelay(DateTime.UtcNow - started), ct).ConfigureAwait(false);
            }
        }
    }

    private void Track(string owner, Leftover resource)
    {
        lock (gate) live.Add((owner, resource));
    }

    private void Confirm(string owner, Leftover resource)
    {
        lock (gate)
        {
            var i = live.FindIndex(l => l.Owner == owner && l.Resource.Kind == resource.Kind && l.Resource.Name == resource.Name && l.Resource.Host == resource.Host && l.Resource.Id is null);
            if (i >= 0) live[i] = (owner, resource);
            else live.Add((owner, resource));
            created++;
        }
        ledger.Created(resource.Kind, resource.Name, resource.Id!, resource.Host);
    }

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    public ImmutableArray<Leftover> Live
    {
        get
        {
            lock (gate) return [.. live.Select(l => l.Resource)];
        }
    }
}
