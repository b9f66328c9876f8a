using System.Collections.Immutable;
using Smog.Suite.Results;

namespace Smog.Suite.Reports.Coverage;

/// <summary>
/// The coverage matrix: scenarios against hosts (which hosts a scenario's guests landed on) and
/// capabilities (which the scenario needs, and whether any discovered host offers each). Derived
/// from the report only, so the JSON and HTML show the same matrix.
/// </summary>
public sealed record CoverageMatrix(
    ImmutableArray<string> Hosts,
    ImmutableArray<CapabilityColumn> Capabilities,
    ImmutableArray<CoverageRow> Rows)
{
    public static CoverageMatrix Of(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var hosts = report.Hosts.Select(h => h.Name)
            .Concat(report.Scenarios.SelectMany(HostsUsed))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var codes = report.Hosts.SelectMany(h => h.Capabilities).Concat(report.Scenarios.SelectMany(s => s.Needs))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var columns = codes.Select(code => new CapabilityColumn(code,
            report.Hosts.Where(h => h.Capabilities.Contains(code)).Select(h => h.Name).Order(StringComparer.Ordinal).ToImmutableArray()))
            .ToImmutableArray();
        var offered = columns.Where(c => !c.OfferedBy.IsEmpty).Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var rows = report.Scenarios.Select(s => new CoverageRow(
            s.Id, s.Verdict, s.Skip?.Code,
            s.Needs.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray(),
            s.Needs.Where(n => !offered.Contains(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray(),
            HostsUsed(s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray())).ToImmutableArray();
        return new CoverageMatrix(hosts, columns, rows);
    }

    /// <summary>The hosts the cloud actually placed the scenario's guests on.</summary>
    private static IEnumerable<string> HostsUsed(ScenarioResult scenario) =>
        scenario.Guests.Select(g => g.Actual?.Host).OfType<string>();
}

/// <summary>A capability code and the discovered hosts that offer it (empty: none does).</summary>
public sealed record CapabilityColumn(string Code, ImmutableArray<string> OfferedBy);

/// <summary>
/// One scenario's row: its verdict and skip code, the capabilities it needs, those no host offers
/// (<see cref="Unmet"/>), and the hosts its guests ran on.
/// </summary>
public sealed record CoverageRow(
    string Scenario, Verdict Verdict, string? SkipCode,
    ImmutableArray<string> Needs, ImmutableArray<string> Unmet, ImmutableArray<string> HostsUsed);
