using System.Collections.Immutable;
using Smog.Hosts.Ssh;
using YamlDotNet.RepresentationModel;

namespace Smog.Hosts;

/// <summary>
/// The original tool's nested-lab file, accepted unchanged:
/// <code>
/// computes:
///   - name: l1-compute-0       # the L1's libvirt domain on its parent
///     host: 192.168.122.10     # the L1's address (ssh)
///     parent: 10.0.0.5         # the L0 hypervisor holding the domain (ssh)
///     user: root               # ssh user for both (default root)
///     vtype: kvm               # the L1's virt type (kvm or qemu)
///     passthrough: host-model  # L1 CPU mode: host-model, passthrough or none
/// </code>
/// Each compute becomes an ssh host named by its <c>host</c>, and each parent one too (named by
/// its address). The file names no keys: the first of <c>~/.ssh/id_ed25519</c>, <c>id_ecdsa</c>,
/// <c>id_rsa</c> that exists is used, else the ssh-agent in <c>SSH_AUTH_SOCK</c>; <c>~/.ssh/known_hosts</c>
/// checks host keys.
/// </summary>
internal static class ComputeYmlReader
{
    private static readonly string[] Fields = ["name", "host", "parent", "user", "vtype", "passthrough"];
    private static readonly string[] DefaultKeys = ["id_ed25519", "id_ecdsa", "id_rsa"];

    public static HostInventory Read(YamlMappingNode root, string source) =>
        Read(root, source, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Environment.GetEnvironmentVariable("SSH_AUTH_SOCK"));

    /// <summary>Reads with <paramref name="home"/> as the user's home (its .ssh holds the keys and known_hosts).</summary>
    internal static HostInventory Read(YamlMappingNode root, string source, string home, string? agentSocket)
    {
        var yaml = new InventoryYaml(source);
        foreach (var key in root.Children.Keys)
            if (key is YamlScalarNode { Value: not "computes" } k) throw yaml.Error(key, k.Value ?? "", "unknown field (a compute.yml has only 'computes')");
        if (root.Children[new YamlScalarNode("computes")] is not YamlSequenceNode list)
            throw yaml.Error(root, "computes", "expected a list of computes");
        var hosts = ImmutableArray.CreateBuilder<InventoryHost>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"computes[{i}]";
            if (list.Children[i] is not YamlMappingNode map) throw yaml.Error(list.Children[i], at, "expected a mapping (name: ..., host: ..., parent: ...)");
            var values = yaml.Fields(map, at, Fields);
            string? Text(string field) => yaml.Text(values, at, field);
            string Required(string field) => Text(field) ?? throw yaml.Error(map, $"{at}.{field}", "missing");
            var domain = Required("name");
            var address = Required("host");
            var parent = Required("parent");
            var user = Text("user") ?? "root";
            var vtype = Text("vtype");
            if (vtype is not (null or "kvm" or "qemu")) throw yaml.Error(values["vtype"], $"{at}.vtype", $"expected kvm or qemu, found '{vtype}'");
            var mode = Text("passthrough") switch
            {
                null or "none" => NestedCpuMode.Keep,
                "host-model" => NestedCpuMode.HostModel,
                "passthrough" => NestedCpuMode.HostPassthrough,
                var s => throw yaml.Error(values["passthrough"], $"{at}.passthrough", $"expected host-model, passthrough or none, found '{s}'"),
            };
            if (hosts.Any(h => h.Name == address)) throw yaml.Error(values["host"], $"{at}.host", $"duplicate host '{address}'");
            hosts.Add(new InventoryHost(address, HostAccess.Ssh, Target(address, user, source, map, home, agentSocket), null)
            {
                Guest = new GuestOf(parent, domain, mode, vtype),
            });
            if (!hosts.Any(h => h.Name == parent))
                hosts.Add(new InventoryHost(parent, HostAccess.Ssh, Target(parent, user, source, map, home, agentSocket), null));
        }
        // A parent listed before as a compute keeps its compute entry; the L0 entries stay separate names.
        return new HostInventory(source, hosts.ToImmutable());
    }

    private static SshTarget Target(string address, string user, string source, YamlNode node, string home, string? agentSocket)
    {
        var ssh = Path.Join(home, ".ssh");
        var key = DefaultKeys.Select(k => Path.Join(ssh, k)).FirstOrDefault(File.Exists);
        // Like ssh: with no default key file, the agent's keys log in.
        var useAgent = key is null && agentSocket is { Length: > 0 };
        if (key is null && !useAgent)
            throw new InventoryException($"{source}:{node.Start.Line}: no key for {user}@{address}: a compute.yml names none, none of ~/.ssh/{string.Join(", ~/.ssh/", DefaultKeys)} exists and SSH_AUTH_SOCK names no agent");
        return new SshTarget
        {
            Name = address,
            Address = address,
            User = user,
            KeyPath = key,
            KnownHostsPath = Path.Join(ssh, "known_hosts"),
            UseAgent = useAgent,
            AgentSocket = useAgent ? agentSocket : null,
        };
    }
}
