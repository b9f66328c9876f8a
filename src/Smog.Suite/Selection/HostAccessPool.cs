using System.Collections.Concurrent;
using Smog.Hosts;

namespace Smog.Suite.Selection;

/// <summary>
/// The command runners for the inventory's hosts, connected once and shared by the run
/// (discovery, domain XML, neighbours). Matches a compute host by its service host or
/// hypervisor hostname, or their short forms.
/// </summary>
public sealed class HostAccessPool(HostInventory? inventory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ICommandRunner>>> runners = new(StringComparer.Ordinal);

    public HostInventory? Inventory => inventory;

    public InventoryHost? Find(string host, string hypervisorHostname)
    {
        if (inventory is null) return null;
        string Short(string n) => n.Split('.')[0];
        return inventory.Hosts.FirstOrDefault(h => h.Name == host || h.Name == hypervisorHostname)
            ?? inventory.Hosts.FirstOrDefault(h => Short(h.Name) == Short(host) || Short(h.Name) == Short(hypervisorHostname));
    }

    public Task<ICommandRunner> RunnerAsync(InventoryHost host, CancellationToken ct) =>
        runners.GetOrAdd(host.Name, _ => new Lazy<Task<ICommandRunner>>(() => HostInventory.ConnectAsync(host, ct))).Value;

    /// <summary><c>virsh [-c URI] ARGS</c> on the host; null when virsh is missing.</summary>
    public async Task<CommandResult?> VirshAsync(InventoryHost host, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var runner = await RunnerAsync(host, ct).ConfigureAwait(false);
        return await runner.RunAsync("virsh", host.LibvirtUri is { } uri ? ["-c", uri, .. arguments] : arguments, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in runners.Values)
        {
            if (!lazy.IsValueCreated) continue;
            try
            {
                if (await lazy.Value.ConfigureAwait(false) is IDisposable d) d.Dispose();
            }
            catch (Exception e) when (e is HostAccessException or IOException or InvalidOperationException)
            {
                // A host that never connected has nothing to close.
            }
        }
    }
}
