using System.Collections.Immutable;
using Smog.Hosts.Ssh;

namespace Smog.Hosts;

/// <summary>How smog reaches a host: over SSH, or by running on this machine.</summary>
public enum HostAccess
{
    Ssh,
    Local,
    /// <summary>A simulated hypervisor of Smog's embedded cloud, over its host-access routes.</summary>
    Embedded,
    /// <summary>No access of its own: an L1 guest reached only through its parent's libvirt (<see cref="InventoryHost.Guest"/>).</summary>
    None,
}

/// <summary>The CPU mode <c>smog env nested</c> gives an L1 domain (the original compute.yml's <c>passthrough</c>).</summary>
public enum NestedCpuMode
{
    /// <summary>Leave the domain's CPU as it is (<c>none</c>, or not given).</summary>
    Keep,
    HostPassthrough,
    /// <summary>A custom model matching the parent's <c>virsh capabilities</c> model, with vmx/svm required.</summary>
    HostModel,
}

/// <summary>
/// An inventory host that is an L1 guest: the host it runs on, its domain name there, its nested CPU
/// mode, and (from a compute.yml's <c>vtype</c>) the domain type it should have.
/// </summary>
public sealed record GuestOf(string Parent, string Domain, NestedCpuMode CpuMode, string? VirtType = null);

/// <summary>One host of the inventory. <see cref="Ssh"/> is set exactly when access is ssh.</summary>
public sealed record InventoryHost(string Name, HostAccess Access, SshTarget? Ssh, string? LibvirtUri)
{
    /// <summary>Set exactly when access is embedded.</summary>
    public Embedded.EmbeddedTarget? Embedded { get; init; }

    /// <summary>Set when this host is an L1 guest of another inventory host.</summary>
    public GuestOf? Guest { get; init; }

    /// <summary>The nova.conf files nova-compute reads, in order (later wins); empty: Debian's two (<c>nova_conf</c>).</summary>
    public ImmutableArray<string> NovaConfPaths { get; init; } = [];

    /// <summary>The shell command that restarts nova-compute on the host (<c>restart</c>), for <c>smog env nova-conf --restart</c>.</summary>
    public string? RestartCommand { get; init; }

    /// <summary>Words put before every program run on the host (<c>command_prefix</c>: <c>podman exec nova_libvirt</c>, <c>sudo -n</c>).</summary>
    public ImmutableArray<string> CommandPrefix { get; init; } = [];

    /// <summary>The directory absolute paths resolve under when reading files (<c>files_root</c>), or null for the host's own root.</summary>
    public string? FilesRoot { get; init; }
}

/// <summary>The hosts smog may visit, read from a YAML file (see <see cref="InventoryParser"/>).</summary>
public sealed record HostInventory(string Path, ImmutableArray<InventoryHost> Hosts)
{
    /// <summary>Where <c>--inventory</c> defaults to: <c>$SMOG_INVENTORY</c>, else <c>hosts.yml</c> in the working directory.</summary>
    public static string DefaultPath => Environment.GetEnvironmentVariable("SMOG_INVENTORY") is { Length: > 0 } env ? env : "hosts.yml";

    public InventoryHost Find(string name) =>
        Hosts.FirstOrDefault(h => h.Name == name)
        ?? throw new InventoryException($"{Path}: no host named '{name}' (hosts: {string.Join(", ", Hosts.Select(h => h.Name))})");

    /// <summary>A runner for the host: local, or a connected SSH session (dispose it when done); behind its command_prefix and files_root when it has them.</summary>
    public static async Task<ICommandRunner> ConnectAsync(InventoryHost host, CancellationToken cancellationToken = default)
    {
        if (host.Access == HostAccess.None)
            throw new HostAccessException($"{host.Name}: no access of its own (reached only through its parent {host.Guest?.Parent})");
        ICommandRunner runner = host.Ssh is { } target ? await SshCommandRunner.ConnectAsync(target, cancellationToken)
            : host.Embedded is { } embedded ? new Embedded.EmbeddedCommandRunner(embedded)
            : new LocalCommandRunner();
        return host.CommandPrefix.IsEmpty && host.FilesRoot is null ? runner
            : new Prefixed.PrefixedCommandRunner(runner, host.CommandPrefix, host.FilesRoot);
    }
}

/// <summary>An unreadable or malformed inventory: one line naming the file, line and field.</summary>
public sealed class InventoryException(string message) : Exception(message);
