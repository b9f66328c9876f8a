using System.Collections.Immutable;
using Smog.Hosts;
using Smog.Nova.Config;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.OpenStack.Placement;
using Smog.Topology;
using Smog.Topology.Merge;

namespace Smog.Suite.Selection;

/// <summary>
/// Discovers the cloud before a run: compute services and hypervisors (Nova), inventories,
/// usages and traits (Placement), aggregates, and through host access each host's topology
/// (numactl, hwloc, virsh capabilities, sysfs) and nova.conf. What cannot be read becomes a note.
/// </summary>
public static class CloudDiscovery
{
    /// <summary>nova-compute reads nova-compute.conf after nova.conf (Debian's split): later values win.</summary>
    public static readonly string[] NovaConfFiles = ["/etc/nova/nova.conf", "/etc/nova/nova-compute.conf"];

    public static async Task<CloudState> DiscoverAsync(NovaClient nova, PlacementClient placement, HostAccessPool access, CancellationToken ct)
    {
        var services = await nova.Services.ListAsync("nova-compute", null, ct).ConfigureAwait(false);
        var hypervisors = await nova.Hypervisors.ListAsync(null, withServers: false, ct).ConfigureAwait(false);
        var aggregates = await nova.Aggregates.ListAsync(ct).ConfigureAwait(false);
        var hosts = new List<DiscoveredHost>();
        foreach (var hypervisor in hypervisors)
        {
            var name = hypervisor.Service?.Host ?? hypervisor.HypervisorHostname;
            var service = services.FirstOrDefault(s => s.Host == name);
            var host = new DiscoveredHost
            {
                Name = name,
                HypervisorHostname = hypervisor.HypervisorHostname,
                Up = service is null ? hypervisor.State == "up" : service.State == "up" && service.Status == "enabled",
                Aggregates = [.. aggregates.Where(a => (a.Hosts ?? []).Contains(name)).Select(a => a.Name)],
            };
            host = await WithPlacementAsync(host, placement, ct).ConfigureAwait(false);
            host = await WithHostAccessAsync(host, access, ct).ConfigureAwait(false);
            hosts.Add(host);
        }
        return new CloudState([.. hosts.OrderBy(h => h.Name, StringComparer.Ordinal)], nova.Microversion);
    }

    /// <summary>Inventories, usages and traits of the host's compute-node provider.</summary>
    public static async Task<DiscoveredHost> WithPlacementAsync(DiscoveredHost host, PlacementClient placement, CancellationToken ct)
    {
        var provider = (await placement.ListProvidersAsync(host.HypervisorHostname, ct).ConfigureAwait(false)).FirstOrDefault();
        if (provider is null) return host with { Notes = host.Notes.Add($"placement has no provider named {host.HypervisorHostname}") };
        var inventories = await placement.InventoriesAsync(provider.Uuid, ct).ConfigureAwait(false);
        var usages = await placement.UsagesAsync(provider.Uuid, ct).ConfigureAwait(false);
        var traits = await placement.ProviderTraitsAsync(provider.Uuid, ct).ConfigureAwait(false);
        return host with
        {
            ProviderUuid = provider.Uuid,
            Resources = inventories.ByResourceClass.ToImmutableDictionary(
                kv => kv.Key,
                kv => new ResourceCapacity(kv.Value.Total, kv.Value.Reserved, kv.Value.AllocationRatio, usages.ByResourceClass.GetValueOrDefault(kv.Key))
                {
                    MaxUnit = kv.Value.MaxUnit > 0 ? kv.Value.MaxUnit : long.MaxValue,
                }),
            Traits = [.. traits.Traits.Order(StringComparer.Ordinal)],
        };
    }

    private static async Task<DiscoveredHost> WithHostAccessAsync(DiscoveredHost host, HostAccessPool access, CancellationToken ct)
    {
        if (access.Find(host.Name, host.HypervisorHostname) is not { } entry)
            return host with { Notes = host.Notes.Add(access.Inventory is null ? "no inventory: no host access" : $"{host.Name} is not in the inventory") };
        ICommandRunner runner;
        try
        {
            runner = await access.RunnerAsync(entry, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HostAccessException or IOException or InvalidOperationException)
        {
            return host with { Notes = host.Notes.Add($"cannot reach {entry.Name}: {e.Message}") };
        }
        var inputs = await HostDiscovery.CollectAsync(runner, "/sys", entry.LibvirtUri, ct).ConfigureAwait(false);
        var notes = host.Notes.AddRange(inputs.Notes);
        HostTopology? topology = inputs.Sources.IsEmpty ? null : TopologyMerger.Merge(inputs.Sources).Topology;
        var (conf, confNote) = await ReadNovaConfAsync(runner, ct).ConfigureAwait(false);
        if (confNote is not null) notes = notes.Add(confNote);
        return host with { Access = entry, Topology = topology is { Cells.IsEmpty: false } ? topology : null, Conf = conf, Notes = notes };
    }

    /// <summary>nova.conf then nova-compute.conf, read as one file (later keys win); null with a note when neither is readable.</summary>
    public static async Task<(NovaConf? Conf, string? Note)> ReadNovaConfAsync(ICommandRunner runner, CancellationToken ct)
    {
        var texts = new List<string>();
        foreach (var file in NovaConfFiles)
        {
            if (await runner.ReadFileAsync(file, ct).ConfigureAwait(false) is { } text) texts.Add(text);
        }
        if (texts.Count == 0) return (null, $"{NovaConfFiles[0]} is not readable on {runner.HostName}: CPU sets come from placement only");
        var parsed = NovaConfReader.ParseIni(string.Join("\n", texts), $"{runner.HostName}:{NovaConfFiles[0]}");
        return parsed.Success ? (parsed.Value, null) : (null, $"nova.conf on {runner.HostName} could not be read: {parsed.Errors[0]}");
    }
}
