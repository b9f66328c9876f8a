using System.Collections.Immutable;
using Smog.Nova.Config;
using Smog.Topology;

namespace Smog.Cloud.Lab;

/// <summary>A lab YAML, read and checked: the controller's settings, the simulated hosts and the aggregates that exist from the start.</summary>
public sealed record LabDefinition
{
    /// <summary>Where it came from ("default-lab.yml" or the file path), for messages.</summary>
    public required string Source { get; init; }
    /// <summary>The controller's nova.conf (scheduler filters, PCI aliases).</summary>
    public NovaConf Controller { get; init; } = NovaConf.Default;
    /// <summary>The controller's nova.conf INI text as the YAML gave it.</summary>
    public string ControllerConfText { get; init; } = "";
    public ImmutableArray<LabHost> Hosts { get; init; } = [];
    public ImmutableArray<LabAggregate> Aggregates { get; init; } = [];
}

/// <summary>One simulated hypervisor: its hardware, its nova.conf (parsed and as written) and its aggregates.</summary>
public sealed record LabHost
{
    public required string Name { get; init; }
    public required HostTopology Topology { get; init; }
    /// <summary>The topology as the YAML's shorthand gave it; null when it came from <c>topology.file</c>.</summary>
    public TopologyShorthand? Shorthand { get; init; }
    public NovaConf Conf { get; init; } = NovaConf.Default;
    /// <summary>The host's nova.conf INI text as the YAML gave it (lab/allinone writes it into the real nova-compute's config).</summary>
    public string NovaConfText { get; init; } = "";
    public ImmutableArray<string> Aggregates { get; init; } = [];
    /// <summary>Local disk for instances (placement's DISK_GB total), <c>disk_gb</c>.</summary>
    public long DiskGiB { get; init; } = LabDefaults.DiskGiB;
}

/// <summary>Values a lab YAML may leave out.</summary>
public static class LabDefaults
{
    public const long DiskGiB = 1000;
}

public sealed record LabAggregate
{
    public required string Name { get; init; }
    public string? AvailabilityZone { get; init; }
    public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}
