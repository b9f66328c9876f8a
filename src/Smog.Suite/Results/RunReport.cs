using System.Collections.Immutable;
using Smog.Topology;

namespace Smog.Suite.Results;

/// <summary>
/// Everything one <c>smog run</c> found, as the console, JUnit, JSON and HTML reports read it.
/// The runner builds it; reports only render it (no report looks at the cloud again).
/// </summary>
public sealed record RunReport
{
    /// <summary>The run id: the prefix of every resource name the run creates and its ledger's name.</summary>
    public required string RunId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required RunTarget Target { get; init; }
    public ImmutableArray<ScenarioResult> Scenarios { get; init; } = [];
    /// <summary>The compute hosts as discovered before the run (topology, nova.conf facts, capabilities).</summary>
    public ImmutableArray<HostSnapshot> Hosts { get; init; } = [];
    public CleanupSummary Cleanup { get; init; } = CleanupSummary.Nothing;
    /// <summary>True when the run was interrupted (Ctrl-C) before every selected scenario ran.</summary>
    public bool Interrupted { get; init; }

    public int Count(Verdict verdict) => Scenarios.Count(s => s.Verdict == verdict);

    /// <summary>0 when nothing failed or errored, 1 otherwise (2 is for bad input, decided before a report exists).</summary>
    public int ExitCode => Interrupted || Scenarios.Any(s => s.Verdict is Verdict.Failed or Verdict.Errored) ? 1 : 0;
}

/// <summary>
/// Which cloud was tested and as whom. <see cref="Kind"/> is <c>embedded</c> or <c>openstack</c>.
/// Never holds a secret: names and URLs only.
/// </summary>
public sealed record RunTarget
{
    public required string Kind { get; init; }
    /// <summary>clouds.yaml entry used for flavors and aggregates (admin), or "embedded".</summary>
    public required string AdminCloud { get; init; }
    /// <summary>clouds.yaml entry servers were booted with; equals <see cref="AdminCloud"/> when no member cloud was given.</summary>
    public required string BootCloud { get; init; }
    public bool BootsAsMember { get; init; }
    public string? AuthUrl { get; init; }
    /// <summary>The compute microversion negotiated, e.g. "2.93".</summary>
    public string? ComputeMicroversion { get; init; }
    /// <summary>The embedded cloud's defect switched on (<c>--defect</c>), if any.</summary>
    public string? Defect { get; init; }
    public string? Inventory { get; init; }
}

public enum Verdict
{
    Passed,
    /// <summary>The cloud did not deliver what the flavor promised (a finding of severity error).</summary>
    Failed,
    /// <summary>The scenario could not run here; <see cref="ScenarioResult.Skip"/> says why.</summary>
    Skipped,
    /// <summary>The scenario could not finish for a reason that says nothing about NUMA (API outage, timeout, bug).</summary>
    Errored,
}

/// <summary>A machine-readable skip: a stable code ("no-smt", "one-numa-node", "no-1g-pages", "no-host-access") and a sentence.</summary>
public sealed record SkipReason(string Code, string Message);

/// <summary>One scenario's outcome with its evidence.</summary>
public sealed record ScenarioResult
{
    /// <summary>Stable id, e.g. <c>numa.two-nodes</c>, <c>pinning.isolate</c>.</summary>
    public required string Id { get; init; }
    /// <summary>One line: what promise the scenario checks.</summary>
    public required string Purpose { get; init; }
    public required Verdict Verdict { get; init; }
    public SkipReason? Skip { get; init; }
    /// <summary>The capabilities the scenario needs (stable codes), for the coverage matrix.</summary>
    public ImmutableArray<string> Needs { get; init; } = [];
    public TimeSpan Duration { get; init; }
    /// <summary>One guest per server the scenario booted (or tried to), in boot order.</summary>
    public ImmutableArray<GuestEvidence> Guests { get; init; } = [];
    /// <summary>Everything the scenario found wrong (verifier findings, prediction mismatches, wrong faults).</summary>
    public ImmutableArray<ScenarioFinding> Findings { get; init; } = [];
    /// <summary>What could not be checked and why (e.g. "domain XML: no host access to compute-0").</summary>
    public ImmutableArray<string> NotChecked { get; init; } = [];
    /// <summary>Steps in order with their outcome, for the log ("boot", "hard reboot", "resize to …").</summary>
    public ImmutableArray<StepRecord> Steps { get; init; } = [];
    /// <summary>For <see cref="Verdict.Errored"/>: the one-line cause.</summary>
    public string? Error { get; init; }
}

public sealed record StepRecord(string Name, bool Ok, TimeSpan Duration, string? Detail = null);

/// <summary>
/// One finding: a stable rule id (the verifier's <c>RuleIds</c>, or the suite's own such as
/// <c>prediction.host</c>, <c>fault.expected-novalidhost</c>), what was expected and found, and
/// where in the domain XML (line numbers of <see cref="GuestEvidence.DomainXml"/>), if anywhere.
/// </summary>
public sealed record ScenarioFinding
{
    public required string Rule { get; init; }
    public required FindingSeverity Severity { get; init; }
    public required string Message { get; init; }
    public string Expected { get; init; } = "";
    public string Actual { get; init; } = "";
    /// <summary>The guest the finding is about (index into <see cref="ScenarioResult.Guests"/>), if one.</summary>
    public int? Guest { get; init; }
    public string? XPath { get; init; }
    /// <summary>1-based line numbers in the guest's <see cref="GuestEvidence.DomainXml"/> the finding points at.</summary>
    public ImmutableArray<int> XmlLines { get; init; } = [];
}

public enum FindingSeverity { Error, Warning }

/// <summary>A server the scenario booted: the request, what Smog predicted, and what the cloud did.</summary>
public sealed record GuestEvidence
{
    public required string Role { get; init; }
    public required FlavorSummary Flavor { get; init; }
    public ImmutableSortedDictionary<string, string> ImageProperties { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public string? ServerId { get; init; }
    public string? ServerName { get; init; }
    public Prediction? Predicted { get; init; }
    public Placement? Actual { get; init; }
    /// <summary>Server status at the end (ACTIVE, ERROR, …) and Nova's fault message when ERROR.</summary>
    public string? Status { get; init; }
    public string? Fault { get; init; }
    /// <summary>The domain XML read from the host (pretty-printed, as findings' line numbers count it), when host access allowed.</summary>
    public string? DomainXml { get; init; }
}

public sealed record FlavorSummary(string Name, int Vcpus, long RamMiB, int DiskGb, ImmutableSortedDictionary<string, string> ExtraSpecs);

/// <summary>What the Nova engine predicted before the boot.</summary>
public sealed record Prediction
{
    /// <summary><c>active</c>, <c>no-valid-host</c> or <c>api-error</c>.</summary>
    public required string Outcome { get; init; }
    /// <summary>Hosts that pass every filter; the prediction is determinate when there is one (or none).</summary>
    public ImmutableArray<string> CandidateHosts { get; init; } = [];
    /// <summary>The placement on the host the weighers choose, when the outcome is <c>active</c> and the state is known.</summary>
    public Placement? Placement { get; init; }
    public bool Determinate { get; init; }
    public string? Reason { get; init; }
}

/// <summary>
/// Where a guest lives on its host: guest cells with their host cell, vCPU→pCPU pins, memory and
/// page size; emulator thread pCPUs. The HTML picture draws this over the host's cells and cores.
/// </summary>
public sealed record Placement
{
    public required string Host { get; init; }
    public string? InstanceName { get; init; }
    public ImmutableArray<GuestCellPlacement> Cells { get; init; } = [];
    public CpuSet EmulatorCpus { get; init; } = CpuSet.Empty;
    /// <summary>pCPUs the unpinned (floating) vCPUs may run on, for shared guests.</summary>
    public CpuSet FloatingCpus { get; init; } = CpuSet.Empty;
}

public sealed record GuestCellPlacement
{
    public required int GuestCell { get; init; }
    public required int HostCell { get; init; }
    public CpuSet Vcpus { get; init; } = CpuSet.Empty;
    /// <summary>vCPU → pCPU for pinned vCPUs; empty for a floating guest.</summary>
    public ImmutableSortedDictionary<int, int> Pins { get; init; } = ImmutableSortedDictionary<int, int>.Empty;
    public long MemoryMiB { get; init; }
    /// <summary>Page size in KiB (4 for small pages), null when the guest does not ask for pages.</summary>
    public long? PageSizeKiB { get; init; }
}

/// <summary>A compute host as discovered before the run.</summary>
public sealed record HostSnapshot
{
    public required string Name { get; init; }
    /// <summary>Null when there was no host access and the API does not tell.</summary>
    public HostTopology? Topology { get; init; }
    public CpuSet? DedicatedSet { get; init; }
    public CpuSet? SharedSet { get; init; }
    public bool HostAccess { get; init; }
    /// <summary>Capability codes this host offers ("smt", "numa-2", "pages-2m", "pages-1g", "pci", "sriov", …).</summary>
    public ImmutableArray<string> Capabilities { get; init; } = [];
    public ImmutableArray<string> Aggregates { get; init; } = [];
}

/// <summary>What cleanup did at the end of the run.</summary>
public sealed record CleanupSummary(int Created, int Deleted, ImmutableArray<string> Leftovers)
{
    public static readonly CleanupSummary Nothing = new(0, 0, []);
}
