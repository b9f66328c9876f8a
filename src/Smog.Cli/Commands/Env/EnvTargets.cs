using Smog.Hosts;
using Smog.Hosts.Env;
using Smog.Hosts.Libvirt;

namespace Smog.Cli.Commands.Env;

/// <summary>Finds an L1 and its parent in the inventory, connects to the parent, and turns host failures into exit codes.</summary>
internal static class EnvTargets
{
    public static async Task<T> WithParentAsync<T>(string? inventoryPath, string l1Name, Func<Virsh, InventoryHost, GuestOf, Task<T>> work, CancellationToken ct)
    {
        try
        {
            var inventory = EnvHosts.Inventory(inventoryPath);
            var l1 = inventory.Find(l1Name);
            var guest = l1.Guest ?? throw new InputException($"{inventory.Path}: host '{l1Name}' has no parent: (it is not an L1 guest of another inventory host)");
            var parent = inventory.Find(guest.Parent);
            using var runner = await EnvHosts.ConnectAsync(parent, ct);
            return await work(new Virsh(runner, parent.LibvirtUri), l1, guest);
        }
        catch (Exception e) when (e is InventoryException or FakeNumaRefused)
        {
            throw new InputException(e.Message);
        }
        catch (Exception e) when (e is HostAccessException or ShutdownTimeoutException)
        {
            throw new CheckFailedException(e.Message);
        }
    }
}
