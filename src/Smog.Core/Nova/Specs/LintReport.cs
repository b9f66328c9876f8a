using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;

namespace Smog.Nova.Specs;

/// <summary>
/// What <c>smog lint</c> reports: the linter's findings at the chosen microversion and, when none
/// is an error, what <c>numa_get_constraints</c> and the CPU topology chooser make of the request.
/// </summary>
public sealed record LintReport(ImmutableArray<LintFinding> Findings, ConstraintsSummary? Constraints)
{
    public bool Ok => Findings.All(f => f.Severity != LintSeverity.Error);

    public static LintReport Build(Flavor flavor, ImageProperties image, Microversion microversion)
    {
        var findings = ExtraSpecLinter.Lint(flavor, image).Select(f => AtMicroversion(f, microversion)).ToImmutableArray();
        if (findings.Any(f => f.Severity == LintSeverity.Error)) return new(findings, null);

        // Below 2.86 a value the API would refuse is stored, and server create then decides.
        var resolution = NovaPlanner.Resolve(flavor, image);
        var refusals = new[] { resolution.ConstraintsError, resolution.CpuTopology.Error, PciNumaAffinity.Get(flavor, image).Error }
            .OfType<NovaError>().DistinctBy(e => e.ExceptionClass)
            .Select(e => ExtraSpecLinter.ServerCreateFails(e, flavor, image)).ToList();
        return refusals.Count > 0
            ? new([.. findings, .. refusals], null)
            : new(findings, ConstraintsSummary.Of(resolution.Resolved!, resolution.CpuTopology.Chosen!));
    }

    // The extra-specs API validates from 2.86 on; older microversions store any key and value.
    private static LintFinding AtMicroversion(LintFinding finding, Microversion microversion) =>
        ExtraSpecApiValidator.Validates(microversion) || finding.Severity != LintSeverity.Error || finding.Rule is not ("api-rejects" or "no-such-key")
            ? finding
            : finding with
            {
                Severity = LintSeverity.Warning,
                Message = $"accepted at microversion {microversion} (checked only from {ExtraSpecApiValidator.FirstValidatingMicroversion} on): {finding.Message}",
            };

    public string ToJson() => JsonSerializer.Serialize(
        new LintReportJson(Ok, [.. Findings.Select(f => new FindingJson(f.Key, Severity(f.Severity), f.Rule, f.Message))], Constraints),
        LintJsonContext.Readable.LintReportJson);

    public static string Severity(LintSeverity severity) => severity.ToString().ToLowerInvariant();
}

/// <summary>
/// The resolved constraints as the report shows them: CPU sets in list form, policies in Nova's
/// words, and the guest CPU topology (sockets, cores, threads) Nova would pick.
/// </summary>
public sealed record ConstraintsSummary(
    string? CpuPolicy, string? ThreadPolicy, string? EmulatorThreads, string PinnedCpus, string FloatingCpus,
    string? RealtimeCpus, string? PageSize, bool? LockedMemory, ImmutableArray<string> Pmem, GuestCpuTopology CpuTopology,
    ImmutableArray<CellSummary>? NumaCells)
{
    public static ConstraintsSummary Of(ResolvedConstraints c, GuestCpuTopology cpuTopology) => new(
        Word(c.CpuPolicy), Word(c.ThreadPolicy), Word(c.EmulatorThreads), c.PinnedCpus.ToString(), c.FloatingCpus.ToString(),
        c.RealtimeCpus?.ToString(), c.PageSize?.ToString(), c.LockedMemory, c.PmemLabels, cpuTopology,
        c.Topology is { } t ? [.. t.Cells.Select(CellSummary.Of)] : null);

    public static string? Word<T>(T? value) where T : struct, Enum => value?.ToString().ToLowerInvariant();
}

/// <summary>One requested guest NUMA cell: floating and pinned vCPUs, memory and page size.</summary>
public sealed record CellSummary(int Id, string Cpus, string Pcpus, long MemoryMb, string? PageSize)
{
    public static CellSummary Of(RequestedCell cell) => new(cell.Id, cell.Cpus.ToString(), cell.Pcpus.ToString(), cell.MemoryMiB, cell.PageSize?.ToString());
}

public sealed record FindingJson(string Key, string Severity, string Rule, string Message);

public sealed record LintReportJson(bool Ok, ImmutableArray<FindingJson> Findings, ConstraintsSummary? Constraints);

/// <summary>The <c>--output json</c> contract; nulls are written so every field is always present.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LintReportJson))]
public sealed partial class LintJsonContext : JsonSerializerContext
{
    // Messages quote values and use ≥; keep them readable instead of \u-escaped.
    public static readonly LintJsonContext Readable = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
