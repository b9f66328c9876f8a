using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.Topology;

namespace Smog.Suite.Reports.Json;

// The JSON report's contract (report.schema.json, report-schema.md). Kept apart from the result
// model so the model can grow without silently changing what consumers parse: every change here
// is a schema change (bump SchemaVersion when one breaks readers).

public sealed record ReportDocument
{
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }
    public required string RunId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required double DurationSeconds { get; init; }
    public required bool Interrupted { get; init; }
    public required int ExitCode { get; init; }
    public required TargetDocument Target { get; init; }
    public required SummaryDocument Summary { get; init; }
    public required ImmutableArray<HostDocument> Hosts { get; init; }
    public required ImmutableArray<ScenarioDocument> Scenarios { get; init; }
    public required CoverageDocument Coverage { get; init; }
    public required CleanupDocument Cleanup { get; init; }
}

public sealed record TargetDocument
{
    public required string Kind { get; init; }
    public required string AdminCloud { get; init; }
    public required string BootCloud { get; init; }
    /// <summary><c>member</c> or <c>admin</c>.</summary>
    public required string BootsAs { get; init; }
    public string? AuthUrl { get; init; }
    public string? ComputeMicroversion { get; init; }
    public string? Defect { get; init; }
    public string? Inventory { get; init; }
}

public sealed record SummaryDocument(int Total, int Passed, int Failed, int Skipped, int Errored);

public sealed record HostDocument
{
    public required string Name { get; init; }
    public required bool HostAccess { get; init; }
    public required ImmutableArray<string> Capabilities { get; init; }
    public required ImmutableArray<string> Aggregates { get; init; }
    public CpuSet? DedicatedSet { get; init; }
    public CpuSet? SharedSet { get; init; }
    /// <summary>The same topology object <c>smog discover --output json</c> writes.</summary>
    public HostTopology? Topology { get; init; }
}

public sealed record ScenarioDocument
{
    public required string Id { get; init; }
    public required string Group { get; init; }
    public required string Purpose { get; init; }
    /// <summary><c>passed</c>, <c>failed</c>, <c>skipped</c> or <c>errored</c>.</summary>
    public required string Verdict { get; init; }
    public SkipDocument? Skip { get; init; }
    public string? Error { get; init; }
    public required ImmutableArray<string> Needs { get; init; }
    public required double DurationSeconds { get; init; }
    public required ImmutableArray<GuestDocument> Guests { get; init; }
    public required ImmutableArray<FindingDocument> Findings { get; init; }
    public required ImmutableArray<string> NotChecked { get; init; }
    public required ImmutableArray<StepDocument> Steps { get; init; }
}

public sealed record SkipDocument(string Code, string Message);

public sealed record StepDocument(string Name, bool Ok, double DurationSeconds, string? Detail);

public sealed record FindingDocument
{
    public required string Rule { get; init; }
    /// <summary><c>error</c> or <c>warning</c>.</summary>
    public required string Severity { get; init; }
    public required string Message { get; init; }
    public required string Expected { get; init; }
    public required string Actual { get; init; }
    public int? Guest { get; init; }
    public string? Xpath { get; init; }
    public required ImmutableArray<int> XmlLines { get; init; }
}

public sealed record GuestDocument
{
    public required string Role { get; init; }
    public required FlavorDocument Flavor { get; init; }
    public required ImmutableSortedDictionary<string, string> ImageProperties { get; init; }
    public string? ServerId { get; init; }
    public string? ServerName { get; init; }
    public string? Status { get; init; }
    public string? Fault { get; init; }
    public PredictionDocument? Predicted { get; init; }
    public PlacementDocument? Actual { get; init; }
    public string? DomainXml { get; init; }
}

public sealed record FlavorDocument(string Name, int Vcpus, long RamMib, int DiskGb, ImmutableSortedDictionary<string, string> ExtraSpecs);

public sealed record PredictionDocument
{
    /// <summary><c>active</c>, <c>no-valid-host</c> or <c>api-error</c>.</summary>
    public required string Outcome { get; init; }
    public required ImmutableArray<string> CandidateHosts { get; init; }
    public required bool Determinate { get; init; }
    public string? Reason { get; init; }
    public PlacementDocument? Placement { get; init; }
}

public sealed record PlacementDocument
{
    public required string Host { get; init; }
    public string? InstanceName { get; init; }
    public required ImmutableArray<CellPlacementDocument> Cells { get; init; }
    public required CpuSet EmulatorCpus { get; init; }
    public required CpuSet FloatingCpus { get; init; }
}

public sealed record CellPlacementDocument
{
    public required int GuestCell { get; init; }
    public required int HostCell { get; init; }
    public required CpuSet Vcpus { get; init; }
    /// <summary>vCPU (as a JSON object key) → pCPU.</summary>
    public required ImmutableSortedDictionary<int, int> Pins { get; init; }
    public required long MemoryMib { get; init; }
    public long? PageSizeKib { get; init; }
}

public sealed record CoverageDocument(ImmutableArray<string> Hosts, ImmutableArray<CapabilityDocument> Capabilities, ImmutableArray<CoverageRowDocument> Rows);

public sealed record CapabilityDocument(string Code, ImmutableArray<string> OfferedBy);

public sealed record CoverageRowDocument(
    string Scenario, string Verdict, string? SkipCode,
    ImmutableArray<string> Needs, ImmutableArray<string> Unmet, ImmutableArray<string> HostsUsed);

public sealed record CleanupDocument(int Created, int Deleted, ImmutableArray<string> Leftovers);

/// <summary>Source-generated JSON for the report (snake_case; CPU sets in list notation, as everywhere in Smog).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CpuSetJsonConverter)])]
[JsonSerializable(typeof(ReportDocument))]
public sealed partial class ReportJsonContext : JsonSerializerContext
{
    // Findings quote arrows and ellipses ("0→12"); keep them readable instead of \u-escaped. The file is
    // JSON, never inlined into HTML, so the HTML-safe escaping of '<' and '&' is not needed either.
    public static readonly ReportJsonContext Readable = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new CpuSetJsonConverter() },
    });
}
