using System.Collections.Immutable;
using System.Text;
using Smog.Cloud.Lab;
using Smog.Hosts;

namespace Smog.Cloud.Simulation.HostAccess;

/// <summary>
/// One simulated hypervisor behind the same door as SSH: <c>virsh [-c URI] dumpxml|list|capabilities</c>,
/// <c>numactl -H</c>, <c>lstopo-no-graphics --of xml</c>, the sysfs files discovery reads and
/// <c>/etc/nova/nova.conf</c>, all from the simulated host at the moment of the call; any other
/// program is not installed (null).
/// </summary>
public sealed class SimulatedHostRunner : ICommandRunner
{
    private readonly CloudSimulation _cloud;
    private readonly LabHost _host;
    private readonly string _uuid;

    internal SimulatedHostRunner(CloudSimulation cloud, LabHost host)
    {
        _cloud = cloud;
        _host = host;
        _uuid = _cloud.HostUuid(host.Name);
    }

    public string HostName => _host.Name;

    public Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        Task.FromResult(program switch
        {
            "virsh" => Virsh(arguments),
            "numactl" => arguments is ["-H"] or ["--hardware"] ? Ok(NumactlWriter.Write(_cloud.Facts(_host.Name)))
                : Fail(1, "usage: numactl [--hardware|-H] (only the hardware view is simulated)"),
            "lstopo-no-graphics" or "lstopo" => arguments.Contains("xml") || arguments.Any(a => a.EndsWith(".xml", StringComparison.Ordinal))
                ? Ok(HwlocWriter.Write(_cloud.Facts(_host.Name)))
                : Fail(1, "lstopo: only --of xml is simulated"),
            _ => null,
        });

    /// <summary>Where nova-compute's configuration lives on the simulated host.</summary>
    public const string NovaConfPath = "/etc/nova/nova.conf";

    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(path == NovaConfPath ? NovaConf() : Sysfs().Read(path));

    /// <summary>
    /// The host's <c>nova_conf</c> plus the controller's <c>[pci] alias</c> lines: Nova needs the aliases
    /// on compute nodes too (resize and migration claim devices there), and an all-in-one host, like
    /// lab/allinone's real one, reads the very file nova-api reads.
    /// </summary>
    private string NovaConf()
    {
        var text = _host.NovaConfText.TrimEnd('\n');
        var aliases = _cloud.Lab.Controller.PciAliases.Where(a => !_host.Conf.PciAliases.Contains(a)).ToList();
        if (aliases.Count == 0) return text + "\n";
        return text + "\n[pci]\n" + string.Concat(aliases.Select(a => $"alias = {a.ReplaceLineEndings(" ")}\n"));
    }

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        Task.FromResult(Sysfs().List(path));

    private sealed record CachedTree(long Version, SysfsTree Tree);

    private CachedTree? _sysfs; // a reference, so concurrent readers see a whole pair

    // Discovery reads sysfs file by file: build the tree once per host state, not once per file.
    private SysfsTree Sysfs()
    {
        var version = _cloud.HostVersion(_host.Name);
        if (_sysfs is { } cached && cached.Version == version) return cached.Tree;
        var tree = new SysfsTree(_cloud.Facts(_host.Name));
        _sysfs = new CachedTree(version, tree);
        return tree;
    }

    private CommandResult Virsh(IReadOnlyList<string> arguments)
    {
        var args = arguments.ToList();
        if (args is ["-c", _, ..]) args = args[2..]; // any libvirt URI reaches this host's libvirtd
        if (args.Count == 0) return Fail(1, "error: no command given (the simulated virsh answers dumpxml, list, capabilities)");
        var domains = _cloud.Domains(_host.Name);
        switch (args[0])
        {
            case "capabilities":
                return Ok(CapabilitiesWriter.Write(_cloud.Facts(_host.Name), _uuid));
            case "list":
                return Ok(List(domains, all: args.Contains("--all"), namesOnly: args.Contains("--name")));
            case "dumpxml":
                var target = args.Skip(1).FirstOrDefault(a => !a.StartsWith('-'));
                if (target is null) return Fail(1, "error: command 'dumpxml' requires <domain> option");
                var domain = domains.FirstOrDefault(d => d.Name == target || d.Uuid == target);
                return domain.Xml is null
                    ? Fail(1, $"error: failed to get domain '{target}'")
                    : Ok(domain.Xml + "\n");
            default:
                return Fail(1, $"error: unknown command: '{args[0]}'");
        }
    }

    private static string List(ImmutableArray<(string Name, string Uuid, string Xml, bool Running)> domains, bool all, bool namesOnly)
    {
        var shown = domains.Where(d => all || d.Running).ToList();
        var b = new StringBuilder();
        if (namesOnly)
        {
            foreach (var d in shown) b.Append(d.Name).Append('\n');
            return b.Append('\n').ToString();
        }
        b.Append(" Id   Name                State\n");
        b.Append("------------------------------------\n");
        var id = 1;
        foreach (var d in shown)
            b.Append(' ').Append((d.Running ? (id++).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-").PadRight(5))
                .Append(d.Name.PadRight(20)).Append(d.Running ? "running" : "shut off").Append('\n');
        return b.Append('\n').ToString();
    }

    private static CommandResult Ok(string output) => new(0, output, "");

    private static CommandResult Fail(int code, string error) => new(code, "", error + "\n");
}
