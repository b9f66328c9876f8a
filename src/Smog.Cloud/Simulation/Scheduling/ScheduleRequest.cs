using System.Collections.Immutable;
using System.Text;
using Smog.Nova.Pci;
using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;

namespace Smog.Cloud.Simulation.Scheduling;

/// <summary>
/// One scheduling request, resolved once (<see cref="NovaPlanner.Resolve"/>): the engine's request
/// and resolution, placement's resources and traits (and the VCPU fallback query Nova adds for
/// dedicated guests), the PCI requests and where the request may go.
/// </summary>
internal sealed record ScheduleRequest
{
    public required FlavorRecord Flavor { get; init; }
    public required NovaRequest Request { get; init; }
    public required Resolution Resolution { get; init; }
    /// <summary>The first placement query: resource class → amount (zero amounts left out).</summary>
    public required ImmutableSortedDictionary<string, long> Resources { get; init; }
    public required ImmutableSortedDictionary<string, TraitRequirement> Traits { get; init; }
    /// <summary>Nova's second query for dedicated guests (<c>disable_fallback_pcpu_query</c> is false): VCPU
    /// instead of PCPU and no CPU traits; null when none is made.</summary>
    public ImmutableSortedDictionary<string, long>? FallbackResources { get; init; }
    public ImmutableSortedDictionary<string, TraitRequirement> FallbackTraits { get; init; } = ImmutableSortedDictionary<string, TraitRequirement>.Empty;
    public ImmutableArray<DevicePciRequest> PciRequests { get; init; } = [];
    /// <summary>2.74 host: only this host is a candidate (the filters still run).</summary>
    public string? RequestedHost { get; init; }
    /// <summary><c>zone:host</c>: this host, the filters skipped.</summary>
    public string? ForcedHost { get; init; }
    /// <summary>Hosts left out (the source of a resize or migration).</summary>
    public ImmutableHashSet<string> IgnoreHosts { get; init; } = ImmutableHashSet<string>.Empty;
    /// <summary>Hosts allowed by the availability zone; null when the zone restricts nothing.</summary>
    public ImmutableHashSet<string>? ZoneHosts { get; init; }
    public ImageProperties Image => Request.Image;

    /// <summary>The resources as (index into <see cref="State.SimHost.ResourceClasses"/>, amount); null when a class is
    /// not one a host offers, which no host then fits.</summary>
    public (int Rc, long Amount)[]? Vector => _vector ??= Compile(Resources);
    public (int Rc, long Amount)[]? FallbackVector => FallbackResources is { } f ? _fallbackVector ??= Compile(f) : null;

    private (int, long)[]? _vector;
    private (int, long)[]? _fallbackVector;

    private static (int, long)[]? Compile(ImmutableSortedDictionary<string, long> resources)
    {
        var result = new List<(int, long)>();
        foreach (var (rc, amount) in resources)
        {
            if (amount <= 0) continue;
            var i = State.SimHost.IndexOf(rc);
            if (i < 0) return null;
            result.Add((i, amount));
        }
        return [.. result];
    }

    private string? _key;

    /// <summary>What the NUMA and PCI filter verdicts depend on besides the host, for the per-host verdict cache.</summary>
    public string Key => _key ??= BuildKey();

    private string BuildKey()
    {
        var b = new StringBuilder();
        b.Append(Flavor.Vcpus).Append('/').Append(Flavor.RamMiB);
        foreach (var (k, v) in Flavor.ExtraSpecs) b.Append('|').Append(k).Append('=').Append(v);
        b.Append("||");
        foreach (var (k, v) in Image.Values) b.Append('|').Append(k).Append('=').Append(v);
        foreach (var r in PciRequests) b.Append("|pci:").Append(r.Spec).Append('x').Append(r.Count).Append(r.Policy);
        return b.ToString();
    }
}

/// <summary>The scheduler's answer: the best weighed hosts in order (first = chosen, the rest alternates) with the
/// allocation each would get, or Nova's NoValidHost reason.</summary>
internal sealed record ScheduleOutcome(ImmutableArray<(State.SimHost Host, ImmutableSortedDictionary<string, long> Allocation)> Hosts, string? NoValidHostMessage)
{
    public bool Found => !Hosts.IsEmpty;
}
