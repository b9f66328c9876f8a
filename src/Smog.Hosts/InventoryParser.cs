using System.Collections.Immutable;
using Smog.Hosts.Ssh;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Smog.Hosts;

/// <summary>
/// Reads a host inventory:
/// <code>
/// hosts:
///   - name: compute-1          # required, unique
///     access: ssh              # ssh (default when address is given) or local
///     address: 10.0.0.5        # ssh: required
///     port: 22                 # ssh: default 22
///     user: root               # ssh: default root
///     key: ~/.ssh/id_ed25519   # ssh: required unless agent; relative paths are relative to the inventory file
///     agent: true              # ssh: also log in with ssh-agent's keys (SSH_AUTH_SOCK), after key; or agent: /path/to/socket
///     key_passphrase_env: VAR  # ssh: variable holding the key's passphrase (never the passphrase itself)
///     known_hosts: ~/.ssh/known_hosts  # ssh: default ~/.ssh/known_hosts
///     insecure_accept_new: false       # ssh: trust and record an unknown host key (never a changed one)
///     connect_timeout: 10      # ssh: seconds
///     connect_attempts: 4      # ssh: tries while the port refuses connections
///     jump: bastion            # ssh: reach this host through another ssh host of the inventory (its user, key, known_hosts, port; chains allowed)
///     libvirt_uri: qemu:///system      # optional: virsh -c URI on that host
///     parent: l0-1             # optional: this host is an L1 guest: the inventory host it runs on
///     domain: compute-1        # with parent: its libvirt domain name there (default: name)
///     passthrough: host-model  # with parent: CPU mode `smog env nested` gives it (host-model, passthrough, none)
///   - name: l1-no-network      # with parent and no access/address: reached only through its parent
///     parent: l0-1
///     nova_conf: [/etc/nova/nova.conf, /etc/nova/nova-compute.conf]  # optional: files nova-compute reads, later wins
///     restart: systemctl restart nova-compute   # optional: shell command for smog env nova-conf --restart
///     command_prefix: [podman, exec, nova_libvirt]  # ssh/local: put before every program (a list, or one shell-like string)
///     files_root: /var/lib/smog-lab/sim/compute-0/root  # ssh/local: absolute paths read/listed resolve under it
///     sudo: true               # ssh/local: run programs as root with sudo -n (before command_prefix; file reads stay plain)
///   - name: compute-0
///     access: embedded         # a simulated host of `smog cloud serve` (it writes these entries)
///     url: http://127.0.0.1:40123/smog/hosts/compute-0   # embedded: required
///     key: host-access.key     # embedded: file holding the host-access token; relative to the inventory
/// </code>
/// The lab's <c>lab/.state/inventory.yml</c> (<c>name</c>, <c>access: local</c>, <c>libvirt_uri</c>)
/// is this format, and so is the original tool's <c>compute.yml</c> (<see cref="ComputeYmlReader"/>). Unknown fields are errors, so a typo never silently falls back to a default.
/// </summary>
public static class InventoryParser
{
    private static readonly string[] Fields =
        ["name", "access", "address", "port", "user", "key", "key_passphrase_env", "agent", "known_hosts", "insecure_accept_new", "connect_timeout", "connect_attempts", "libvirt_uri", "url", "nova_conf", "restart", "command_prefix", "files_root", "sudo", "parent", "domain", "passthrough", "jump"];

    private static readonly string[] SshOnly =
        ["address", "port", "user", "key", "key_passphrase_env", "agent", "known_hosts", "insecure_accept_new", "connect_timeout", "connect_attempts", "jump"];

    public static HostInventory Load(string path)
    {
        var text = Files.LocalFiles.ReadText(path);
        if (!text.Success) throw new InventoryException($"{text.Errors[0]} (give --inventory FILE or set SMOG_INVENTORY)");
        return Parse(text.Value, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses inventory text; <paramref name="baseDirectory"/> anchors relative key and known_hosts paths.</summary>
    public static HostInventory Parse(string text, string source, string baseDirectory)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InventoryException($"{source}:{e.Start.Line}: not valid YAML: {e.Message.ReplaceLineEndings(" ")}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's parser throws these, without a position, on some broken documents ("{a[\t: b}").
            throw new InventoryException($"{source}: not valid YAML (the parser stopped without saying where)");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InventoryException($"{source}: expected a mapping with a 'hosts' list (or the original tool's 'computes' list)");
        // The original tool's compute.yml is read as it is.
        if (root.Children.ContainsKey(new YamlScalarNode("computes"))) return ComputeYmlReader.Read(root, source);
        var reader = new Reader(source, baseDirectory);
        foreach (var key in root.Children.Keys)
            if (Scalar(key) != "hosts") throw reader.Error(key, Scalar(key), "unknown field (the top level has 'hosts', or 'computes' in the original tool's compute.yml, not both)");
        if (!root.Children.TryGetValue(new YamlScalarNode("hosts"), out var hostsNode) || hostsNode is not YamlSequenceNode list)
            throw reader.Error(root, "hosts", "expected a list of hosts");

        var hosts = ImmutableArray.CreateBuilder<InventoryHost>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var host = reader.Host(list.Children[i], $"hosts[{i}]");
            if (hosts.Any(h => h.Name == host.Name))
                throw reader.Error(list.Children[i], $"hosts[{i}].name", $"duplicate host name '{host.Name}'");
            hosts.Add(host);
        }
        for (var i = 0; i < hosts.Count; i++)
            if (hosts[i].Guest is { } guest && (guest.Parent == hosts[i].Name || hosts.All(h => h.Name != guest.Parent)))
                throw reader.Error(((YamlMappingNode)list.Children[i]).Children[new YamlScalarNode("parent")], $"hosts[{i}].parent", $"'{guest.Parent}' is not another host of this inventory");
        ResolveJumps(hosts, list, reader);
        return new HostInventory(source, hosts.ToImmutable());
    }

    private static string Scalar(YamlNode node) => InventoryYaml.Scalar(node);

    /// <summary>
    /// Gives each <c>jump:</c> the jump host's own target (its jump resolved first, so chains
    /// work); an unknown name, a host that is not ssh, or a cycle names the field at fault.
    /// </summary>
    private static void ResolveJumps(ImmutableArray<InventoryHost>.Builder hosts, YamlSequenceNode list, Reader reader)
    {
        var jumpKey = new YamlScalarNode("jump");
        YamlNode? JumpNode(int i) => ((YamlMappingNode)list.Children[i]).Children.TryGetValue(jumpKey, out var n) ? n : null;
        var resolved = new Dictionary<string, SshTarget>(StringComparer.Ordinal);
        SshTarget Resolve(int i, List<string> chain)
        {
            var host = hosts[i];
            if (resolved.TryGetValue(host.Name, out var done)) return done;
            var target = host.Ssh!;
            if (JumpNode(i) is { } node)
            {
                var at = $"hosts[{i}].jump";
                if (node is not YamlScalarNode { Value: { Length: > 0 } name }) throw reader.Error(node, at, "expected the name of another host of this inventory");
                if (name == host.Name || chain.Contains(name))
                    throw reader.Error(node, at, $"jump hosts form a cycle ({string.Join(" -> ", chain.Append(host.Name).Append(name))})");
                var j = Enumerable.Range(0, hosts.Count).FirstOrDefault(k => hosts[k].Name == name, -1);
                if (j < 0) throw reader.Error(node, at, $"'{name}' is not another host of this inventory");
                if (hosts[j].Ssh is null) throw reader.Error(node, at, $"'{name}' is not an ssh host (a jump host needs access: ssh)");
                target = target with { Jump = Resolve(j, [.. chain, host.Name]) };
            }
            resolved[host.Name] = target;
            return target;
        }
        for (var i = 0; i < hosts.Count; i++)
            if (hosts[i].Ssh is not null && JumpNode(i) is not null) hosts[i] = hosts[i] with { Ssh = Resolve(i, []) };
    }

    private sealed class Reader(string source, string baseDirectory)
    {
        private readonly InventoryYaml _yaml = new(source);

        public InventoryException Error(YamlNode node, string field, string problem) => _yaml.Error(node, field, problem);

        public InventoryHost Host(YamlNode node, string at)
        {
            if (node is not YamlMappingNode map) throw Error(node, at, "expected a mapping (name: ..., address: ...)");
            var values = _yaml.Fields(map, at, Fields);
            string? Text(string field) => _yaml.Text(values, at, field);
            int Number(string field, int fallback, int min, int max)
            {
                if (Text(field) is not { } s) return fallback;
                return int.TryParse(s, out var n) && n >= min && n <= max ? n
                    : throw Error(values[field], $"{at}.{field}", $"expected a whole number {min}-{max}, found '{s}'");
            }
            bool Flag(string field) => Text(field) switch
            {
                null or "false" => false,
                "true" => true,
                var s => throw Error(values[field], $"{at}.{field}", $"expected true or false, found '{s}'"),
            };

            var name = Text("name") ?? throw Error(node, $"{at}.name", "missing (every host needs a name)");
            var env = new EnvFields(NovaConfPaths(values, at), Text("restart"));
            var access = Text("access") switch
            {
                "ssh" => HostAccess.Ssh,
                "local" => HostAccess.Local,
                "embedded" => HostAccess.Embedded,
                null => values.ContainsKey("address") ? HostAccess.Ssh
                    : values.ContainsKey("parent") ? HostAccess.None
                    : throw Error(node, $"{at}.access", "missing (ssh with an address, or local)"),
                var s => throw Error(values["access"], $"{at}.access", $"expected ssh, local or embedded, found '{s}'"),
            };
            var libvirtUri = Text("libvirt_uri");
            var (prefix, filesRoot) = (CommandPrefix(values, at), FilesRoot(values, at));
            // sudo is a convenience for the prefix: sudo -n (never a password prompt) before command_prefix.
            if (Flag("sudo")) prefix = ["sudo", "-n", .. prefix];
            if (access == HostAccess.Embedded && new[] { "command_prefix", "files_root", "sudo" }.FirstOrDefault(values.ContainsKey) is { } wrapped)
                throw Error(values[wrapped], $"{at}.{wrapped}", "only for access: local or ssh (an embedded host answers its own commands)");
            var guest = Guest(Text("parent"), Text("domain"), Text("passthrough"));
            if (access != HostAccess.Embedded && values.TryGetValue("url", out var url))
                throw Error(url, $"{at}.url", "only for access: embedded");
            if (access == HostAccess.Embedded)
            {
                if (SshOnly.Where(f => f != "key").FirstOrDefault(values.ContainsKey) is { } sshField)
                    throw Error(values[sshField], $"{at}.{sshField}", "only for access: ssh (this host is embedded)");
                var address = Text("url") ?? throw Error(node, $"{at}.url", "missing (needed for access: embedded)");
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw Error(values["url"], $"{at}.url", $"expected an http(s) URL, found '{address}'");
                var keyPath = FullPath(Text("key") ?? throw Error(node, $"{at}.key", "missing (the host-access key file smog cloud serve wrote)"));
                return env.Apply(new InventoryHost(name, access, null, libvirtUri) { Embedded = new Embedded.EmbeddedTarget(name, uri, keyPath), Guest = guest });
            }
            if (access is HostAccess.Local or HostAccess.None)
            {
                if (SshOnly.FirstOrDefault(values.ContainsKey) is { } extra)
                    throw Error(values[extra], $"{at}.{extra}", $"only for access: ssh (this host is {(access == HostAccess.Local ? "local" : "reached through its parent")})");
                return env.Apply(new InventoryHost(name, access, null, libvirtUri) { CommandPrefix = prefix, FilesRoot = filesRoot, Guest = guest });
            }
            // agent: true reads SSH_AUTH_SOCK when connecting; any other value is the socket's path.
            var (useAgent, agentSocket) = Text("agent") switch
            {
                null or "false" => (false, null),
                "true" => (true, null),
                var socket => (true, FullPath(socket)),
            };
            var target = new SshTarget
            {
                Name = name,
                Address = Text("address") ?? throw Error(node, $"{at}.address", "missing (needed for access: ssh)"),
                Port = Number("port", 22, 1, 65535),
                User = Text("user") ?? "root",
                KeyPath = Text("key") is { } keyFile ? FullPath(keyFile)
                    : useAgent ? null : throw Error(node, $"{at}.key", "missing (path of the private key for access: ssh, or agent: true)"),
                KeyPassphraseEnv = Text("key_passphrase_env"),
                UseAgent = useAgent,
                AgentSocket = agentSocket,
                KnownHostsPath = FullPath(Text("known_hosts") ?? "~/.ssh/known_hosts"),
                InsecureAcceptNew = Flag("insecure_accept_new"),
                ConnectTimeout = TimeSpan.FromSeconds(Number("connect_timeout", 10, 1, 600)),
                ConnectAttempts = Number("connect_attempts", 4, 1, 10),
            };
            return env.Apply(new InventoryHost(name, access, target, libvirtUri) { CommandPrefix = prefix, FilesRoot = filesRoot, Guest = guest });

            GuestOf? Guest(string? parent, string? domain, string? passthrough)
            {
                if (parent is null)
                {
                    if (new[] { "domain", "passthrough" }.FirstOrDefault(values.ContainsKey) is { } orphan)
                        throw Error(values[orphan], $"{at}.{orphan}", "only with parent (the host this L1 guest runs on)");
                    return null;
                }
                var mode = passthrough switch
                {
                    null => NestedCpuMode.Keep,
                    "host-model" => NestedCpuMode.HostModel,
                    "passthrough" or "host-passthrough" => NestedCpuMode.HostPassthrough,
                    "none" => NestedCpuMode.Keep,
                    var s => throw Error(values["passthrough"], $"{at}.passthrough", $"expected host-model, passthrough or none, found '{s}'"),
                };
                return new GuestOf(parent, domain ?? name, mode);
            }
        }

        /// <summary><c>nova_conf</c>: one absolute path or a list of them.</summary>
        private ImmutableArray<string> NovaConfPaths(Dictionary<string, YamlNode> values, string at)
        {
            if (!values.TryGetValue("nova_conf", out var node)) return [];
            var items = node is YamlSequenceNode list ? list.Children : [node];
            var paths = ImmutableArray.CreateBuilder<string>();
            for (var i = 0; i < items.Count; i++)
            {
                var field = node is YamlSequenceNode ? $"{at}.nova_conf[{i}]" : $"{at}.nova_conf";
                if (items[i] is not YamlScalarNode { Value: { Length: > 0 } p } || !p.StartsWith('/'))
                    throw Error(items[i], field, "expected an absolute path on the host");
                paths.Add(p);
            }
            return paths.Count > 0 ? paths.ToImmutable() : throw Error(node, $"{at}.nova_conf", "expected a path or a list of paths");
        }

        /// <summary>What <c>smog env</c> needs of a host, whatever its access.</summary>
        private sealed record EnvFields(ImmutableArray<string> NovaConf, string? Restart)
        {
            public InventoryHost Apply(InventoryHost host) => host with { NovaConfPaths = NovaConf, RestartCommand = Restart };
        }

        /// <summary><c>command_prefix</c>: a list of words, or one string split like a shell word list.</summary>
        private ImmutableArray<string> CommandPrefix(Dictionary<string, YamlNode> values, string at)
        {
            if (!values.TryGetValue("command_prefix", out var node)) return [];
            var field = $"{at}.command_prefix";
            ImmutableArray<string> words;
            if (node is YamlSequenceNode list)
            {
                var builder = ImmutableArray.CreateBuilder<string>();
                for (var i = 0; i < list.Children.Count; i++)
                    builder.Add(list.Children[i] is YamlScalarNode { Value: { Length: > 0 } w }
                        ? w : throw Error(list.Children[i], $"{field}[{i}]", "expected a non-empty word"));
                words = builder.ToImmutable();
            }
            else if (node is YamlScalarNode { Value: { } text })
            {
                words = Prefixed.ShellWords.Split(text, out var problem)
                    ?? throw Error(node, field, $"{problem} in '{text}'");
            }
            else throw Error(node, field, "expected a list of words or one string (podman exec nova_libvirt)");
            return words.IsEmpty ? throw Error(node, field, "expected at least one word (the program to run the host's commands through)") : words;
        }

        /// <summary><c>files_root</c>: an absolute directory path on the host.</summary>
        private string? FilesRoot(Dictionary<string, YamlNode> values, string at)
        {
            if (!values.TryGetValue("files_root", out var node)) return null;
            var path = node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, $"{at}.files_root", "expected a non-empty value");
            return path.StartsWith('/') ? path : throw Error(node, $"{at}.files_root", $"expected an absolute path on the host, found '{path}'");
        }

        private string FullPath(string path)
        {
            if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
                path = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[1..]);
            return Path.GetFullPath(path, baseDirectory);
        }
    }
}
