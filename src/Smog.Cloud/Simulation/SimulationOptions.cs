namespace Smog.Cloud.Simulation;

/// <summary>How a <see cref="CloudSimulation"/> runs: its clock, how long a build (or any other
/// asynchronous server action) takes, and the defect it plays, if any.</summary>
public sealed record SimulationOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>From BUILD to ACTIVE/ERROR, and the length of every other transition (reboot, resize, migration).
    /// Zero completes on the thread pool at once.</summary>
    public TimeSpan BuildTime { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A <see cref="Defects.DefectCatalog"/> name; null plays a faithful Nova.</summary>
    public string? Defect { get; init; }

    public static readonly SimulationOptions Default = new();
}
