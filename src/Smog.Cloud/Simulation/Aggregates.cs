using System.Collections.Immutable;

namespace Smog.Cloud.Simulation;

/// <summary>A host aggregate as Nova stores it. Nova keeps the availability zone as the
/// <c>availability_zone</c> metadata key too, so <see cref="Metadata"/> holds it.</summary>
public sealed record AggregateRecord
{
    public required int Id { get; init; }
    public required string Uuid { get; init; }
    public required string Name { get; init; }
    public string? AvailabilityZone => Metadata.GetValueOrDefault(AvailabilityZoneKey);
    /// <summary>Member hosts in the order they were added.</summary>
    public ImmutableArray<string> Hosts { get; init; } = [];
    public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    public const string AvailabilityZoneKey = "availability_zone";
}
