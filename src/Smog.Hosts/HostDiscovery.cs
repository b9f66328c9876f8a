using System.Collections.Immutable;
using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Hosts;

/// <summary>A discovery tool: how to run it and which Debian package provides it.</summary>
public sealed record DiscoveryTool(string Label, string Program, ImmutableArray<string> Arguments, string AptPackage, TopologyFormat Format);

/// <summary>What a discovery run gathered: parsed sources, and notes on tools missing or failing.</summary>
public sealed record DiscoveryInputs(ImmutableArray<SourcedTopology> Sources, ImmutableArray<string> Notes);

/// <summary>
/// Runs the discovery tools that a host has (numactl -H, lstopo-no-graphics --of xml,
/// virsh capabilities) and reads its sysfs tree, through an <see cref="ICommandRunner"/>.
/// A missing or failing tool becomes a note naming the package to install, never an error:
/// any one source is enough to describe the host.
/// </summary>
public static class HostDiscovery
{
    public static readonly ImmutableArray<DiscoveryTool> Tools =
    [
        new("numactl -H", "numactl", ["-H"], "numactl", TopologyFormat.Numactl),
        new("lstopo-no-graphics --of xml", "lstopo-no-graphics", ["--of", "xml"], "hwloc-nox", TopologyFormat.HwlocXml),
        new("virsh capabilities", "virsh", ["capabilities"], "libvirt-clients", TopologyFormat.Capabilities),
    ];

    public static Task<DiscoveryInputs> CollectAsync(ICommandRunner runner, string sysfsRoot = "/sys",
        CancellationToken cancellationToken = default) => CollectAsync(runner, sysfsRoot, null, cancellationToken);

    /// <summary>As above; <paramref name="libvirtUri"/> (the inventory's libvirt_uri) becomes <c>virsh -c URI</c>.</summary>
    public static async Task<DiscoveryInputs> CollectAsync(ICommandRunner runner, string sysfsRoot, string? libvirtUri,
        CancellationToken cancellationToken = default)
    {
        var sources = ImmutableArray.CreateBuilder<SourcedTopology>();
        var notes = ImmutableArray.CreateBuilder<string>();
        foreach (var tool in Tools)
        {
            var arguments = libvirtUri is not null && tool.Program == "virsh" ? ["-c", libvirtUri, .. tool.Arguments] : tool.Arguments;
            var result = await runner.RunAsync(tool.Program, arguments, cancellationToken);
            if (result is null)
            {
                notes.Add($"{tool.Program} is not installed: apt-get install {tool.AptPackage}");
                continue;
            }
            // numactl -H exits 1 with "No NUMA available on this system" on a kernel without NUMA.
            var text = result.Succeeded ? result.StandardOutput
                : tool.Format == TopologyFormat.Numactl && (result.StandardOutput + result.StandardError).Contains("No NUMA available", StringComparison.Ordinal)
                    ? result.StandardOutput + result.StandardError : null;
            if (text is null)
            {
                notes.Add($"{tool.Label} failed on {runner.HostName}: {result.FirstErrorLine}");
                continue;
            }
            Add(tool.Label, tool.Format, TopologyFormats.Parse(tool.Format, text, tool.Label));
        }

        var sysfs = await SysfsSnapshotLoader.LoadAsync(runner, sysfsRoot, cancellationToken);
        if (sysfs.Files.IsEmpty) notes.Add($"{sysfsRoot} has no readable NUMA or CPU files");
        else Add(sysfsRoot, TopologyFormat.Sysfs, SysfsParser.Parse(sysfs, sysfsRoot));
        return new DiscoveryInputs(sources.ToImmutable(), notes.ToImmutable());

        void Add(string label, TopologyFormat format, Parsed<HostTopology> parsed)
        {
            if (parsed.Success) sources.Add(new SourcedTopology(label, format, parsed.Value));
            else notes.Add($"{label} output could not be read, ignored: {parsed.Errors[0]}");
        }
    }
}
