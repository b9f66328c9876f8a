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
/// <c>id_rsa</c> that exists is used, and <c>~/.ssh/known_hosts</c> checks host keys. SSH.NET
/// cannot use an SSH agent, so with none of those files this is an error saying so.
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
        InventoryException Error(YamlNode node, string field, string problem) => new($"{source}:{node.Start.Line}: {field}: {problem}");
        foreach (var key in root.Children.Keys)
            if (key is YamlScalarNode { Value: not "computes" } k) throw Error(key, k.Value ?? "", "unknown field (a compute.yml has only 'computes')");
        if (root.Children[new YamlScalarNode("computes")] is not YamlSequenceNode list)
            throw Error(root, "computes", "expected a list of computes");
        var hosts = ImmutableArray.CreateBuilder<InventoryHost>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"computes[{i}]";
            if (list.Children[i] is not YamlMappingNode map) throw Error(list.Children[i], at, "expected a mapping (name: ..., host: ..., parent: ...)");
            var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Children)
            {
                var key = k is YamlScalarNode { Value: { } s } ? s : "";
                if (!Fields.Contains(key)) throw Error(k, $"{at}.{key}", $"unknown field (known: {string.Join(", ", Fields)})");
                values[key] = v;
            }
            string? Text(string field) => !values.TryGetValue(field, out var v) ? null
                : v is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Error(v, $"{at}.{field}", "expected a non-empty value");
            string Required(string field) => Text(field) ?? throw Error(map, $"{at}.{field}", "missing");
            var domain = Required("name");
            var address = Required("host");
            var parent = Required("parent");
            var user = Text("user") ?? "root";
            var vtype = Text("vtype");
            if (vtype is not (null or "kvm" or "qemu")) throw Error(values["vtype"], $"{at}.vtype", $"expected kvm or qemu, found '{vtype}'");
            var mode = Text("passthrough") switch
            {
                null or "none" => NestedCpuMode.Keep,
                "host-model" => NestedCpuMode.HostModel,
                "passthrough" => NestedCpuMode.HostPassthrough,
                var s => throw Error(values["passthrough"], $"{at}.passthrough", $"expected host-model, passthrough or none, found '{s}'"),
            };
            if (hosts.Any(h => h.Name == address)) throw Error(values["host"], $"{at}.host", $"duplicate host '{address}'");
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
        var key = DefaultKeys.Select(k => Path.Join(ssh, k)).FirstOrDefault(File.Exists)
            ?? throw new InventoryException($"{source}:{node.Start.Line}: no key for {user}@{address}: a compute.yml names none and none of ~/.ssh/{string.Join(", ~/.ssh/", DefaultKeys)} exists"
                + (agentSocket is { Length: > 0 } ? " (smog cannot use the SSH agent in SSH_AUTH_SOCK: SSH.NET has no agent support; write the inventory format with key: FILE)" : ""));
        return new SshTarget { Name = address, Address = address, User = user, KeyPath = key, KnownHostsPath = Path.Join(ssh, "known_hosts") };
    }
}
