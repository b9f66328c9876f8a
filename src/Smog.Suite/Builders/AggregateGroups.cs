using System.Collections.Immutable;

namespace Smog.Suite.Builders;

/// <summary>
/// The original <c>create_aggregate_groups(key)</c>: an opposing pair of aggregates, <c>key=true</c>
/// on the chosen hosts and <c>key=false</c> on the rest, and the matching flavor extra spec
/// (<c>aggregate_instance_extra_specs:key</c>) so AggregateInstanceExtraSpecsFilter keeps each
/// flavor on its side.
/// </summary>
public sealed record AggregateGroups
{
    private AggregateGroups(string key, ImmutableArray<string> on, ImmutableArray<string> off) => (Key, OnHosts, OffHosts) = (key, on, off);

    public string Key { get; }
    /// <summary>Hosts in the <c>key=true</c> aggregate.</summary>
    public ImmutableArray<string> OnHosts { get; }
    /// <summary>Every other host, in the <c>key=false</c> aggregate.</summary>
    public ImmutableArray<string> OffHosts { get; }

    public static AggregateGroups Create(string key, IEnumerable<string> chosen, IEnumerable<string> allHosts)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains(':', StringComparison.Ordinal)) throw new ArgumentException($"'{key}' is not an aggregate metadata key", nameof(key));
        var on = chosen.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var all = allHosts.Distinct(StringComparer.Ordinal).ToImmutableHashSet(StringComparer.Ordinal);
        if (on.IsEmpty) throw new ArgumentException("choose at least one host", nameof(chosen));
        if (on.FirstOrDefault(h => !all.Contains(h)) is { } stranger) throw new ArgumentException($"{stranger} is not one of the hosts", nameof(chosen));
        return new AggregateGroups(key, on, [.. all.Except(on).Order(StringComparer.Ordinal)]);
    }

    public string SpecKey => $"aggregate_instance_extra_specs:{Key}";

    /// <summary>The two aggregates: name suffix, metadata value and hosts.</summary>
    public ImmutableArray<(string Suffix, string Value, ImmutableArray<string> Hosts)> Aggregates =>
        [($"{Key}-true", "true", OnHosts), ($"{Key}-false", "false", OffHosts)];

    /// <summary>A flavor that may only land on the chosen hosts.</summary>
    public FlavorSpec On(FlavorSpec flavor) => flavor.WithExtraSpec(SpecKey, "true");

    /// <summary>A flavor that may only land on the other hosts.</summary>
    public FlavorSpec Off(FlavorSpec flavor) => flavor.WithExtraSpec(SpecKey, "false");
}
