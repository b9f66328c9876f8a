using System.Collections.Immutable;
using Smog.Nova;

namespace Smog.Cloud.Simulation;

/// <summary>What <c>POST /flavors</c> asks for. <see cref="Id"/> null or "auto" gets a UUID.</summary>
public sealed record FlavorSpec(string Name, int Vcpus, long RamMiB, int DiskGiB)
{
    public string? Id { get; init; }
    public int EphemeralGiB { get; init; }
    public int SwapMiB { get; init; }
    public double RxtxFactor { get; init; } = 1.0;
    public bool IsPublic { get; init; } = true;
    public string? Description { get; init; }
}

/// <summary>A flavor as Nova stores it; servers keep a snapshot of the one they were booted (or resized) with.</summary>
public sealed record FlavorRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required int Vcpus { get; init; }
    public required long RamMiB { get; init; }
    public required int DiskGiB { get; init; }
    public int EphemeralGiB { get; init; }
    public int SwapMiB { get; init; }
    public double RxtxFactor { get; init; } = 1.0;
    public bool IsPublic { get; init; } = true;
    public bool Disabled { get; init; }
    public string? Description { get; init; }
    public ImmutableSortedDictionary<string, string> ExtraSpecs { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The flavor as the engine reads it.</summary>
    public Flavor ToEngine() => new(Vcpus, RamMiB, ExtraSpecs) { Name = Name };

    /// <summary>DISK_GB placement asks for: root + ephemeral + swap rounded up to GiB (Nova's <c>_get_disk_size_mb</c>).</summary>
    public long DiskRequestGiB => DiskGiB + EphemeralGiB + (SwapMiB + 1023) / 1024;
}
