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
/// A missing or failing tool becomes a note, never an error: any one source is enough to describe
/// the host. A missing tool's note names the package to install, unless the host answers through a
/// shim or container (<c>command_prefix</c>), where it says which sources answered instead.
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
        var absent = new List<(DiscoveryTool Tool, int Note)>();
        foreach (var tool in Tools)
        {
            var arguments = libvirtUri is not null && tool.Program == "virsh" ? ["-c", libvirtUri, .. tool.Arguments] : tool.Arguments;
            var result = await runner.RunAsync(tool.Program, arguments, cancellationToken);
            if (result is null)
            {
                absent.Add((tool, notes.Count));
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
        // Behind a shim or in a container the tool is not the host's to install: say what answered instead.
        if (AnswersThroughAShim(runner))
            foreach (var (tool, note) in absent)
                notes[note] = $"{tool.Program} does not answer behind the host's command_prefix; topology from "
                    + (sources.Count == 0 ? "no other source either" : string.Join(", ", sources.Select(s => s.Source)));
        return new DiscoveryInputs(sources.ToImmutable(), notes.ToImmutable());

        void Add(string label, TopologyFormat format, Parsed<HostTopology> parsed)
        {
            if (parsed.Success) sources.Add(new SourcedTopology(label, format, parsed.Value));
            else notes.Add($"{label} output could not be read, ignored: {parsed.Errors[0]}");
        }
    }

    /// <summary>
    /// A <c>command_prefix</c> that is more than <c>sudo</c> and its options: a container
    /// (<c>podman exec …</c>) or a shim (lab/allinone.d/simhost.py) decides which programs exist.
    /// </summary>
    private static bool AnswersThroughAShim(ICommandRunner runner) =>
        runner is Prefixed.PrefixedCommandRunner { Prefix: [var first, .. var rest] }
        && !(Path.GetFileName(first) is "sudo" or "doas" && rest.All(a => a.StartsWith('-')));
}
