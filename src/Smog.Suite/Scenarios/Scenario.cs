using System.Collections.Immutable;
using Smog.Suite.Runner;

namespace Smog.Suite.Scenarios;

/// <summary>
/// One NUMA promise to check: a stable id (<c>pinning.simple</c>), a one-line purpose, the
/// capabilities it needs (codes of <see cref="Selection.Capability"/>) and its body, which boots
/// through <see cref="ScenarioContext"/> and sizes itself from the discovered cloud; no CPU
/// number, host name or node count is written into a scenario.
/// </summary>
public sealed record Scenario(string Id, string Purpose, ImmutableArray<string> Needs, Func<ScenarioContext, CancellationToken, Task> Body)
{
    /// <summary>Runs alone (fill, lifecycle, page exhaustion): it sizes from free capacity or moves guests, so nothing else may boot meanwhile.</summary>
    public bool Exclusive { get; init; }

    /// <summary>Dedicated CPUs the scenario may hold at once; the runner never starts scenarios whose sum exceeds what is free.</summary>
    public int Pcpus { get; init; }

    /// <summary>Huge-page memory (MiB) the scenario may hold at once.</summary>
    public long HugeMiB { get; init; }

    /// <summary>The feature area, for the coverage matrix: the id up to its first dot.</summary>
    public string Area => Id.Split('.')[0];

    public override string ToString() => Id;
}
