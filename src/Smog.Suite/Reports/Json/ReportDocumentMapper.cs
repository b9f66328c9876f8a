using System.Collections.Immutable;
using System.Text.Json;
using Smog.Suite.Reports.Coverage;
using Smog.Suite.Results;

namespace Smog.Suite.Reports.Json;

/// <summary>Maps the result model to the JSON contract and back (the coverage matrix is derived, so only written).</summary>
internal static class ReportDocumentMapper
{
    public static ReportDocument ToDocument(RunReport report) => new()
    {
        SchemaVersion = ReportDocument.CurrentSchemaVersion,
        RunId = report.RunId,
        StartedAt = report.StartedAt,
        FinishedAt = report.FinishedAt,
        DurationSeconds = Seconds(report.FinishedAt - report.StartedAt),
        Interrupted = report.Interrupted,
        ExitCode = report.ExitCode,
        Target = new TargetDocument
        {
            Kind = report.Target.Kind,
            AdminCloud = report.Target.AdminCloud,
            BootCloud = report.Target.BootCloud,
            BootsAs = ReportText.BootsAs(report.Target),
            AuthUrl = ReportText.SafeUrl(report.Target.AuthUrl),
            ComputeMicroversion = report.Target.ComputeMicroversion,
            Defect = report.Target.Defect,
            Inventory = report.Target.Inventory,
        },
        Summary = new SummaryDocument(report.Scenarios.Length, report.Count(Verdict.Passed), report.Count(Verdict.Failed),
            report.Count(Verdict.Skipped), report.Count(Verdict.Errored)),
        Hosts = [.. report.Hosts.Select(h => new HostDocument
        {
            Name = h.Name, HostAccess = h.HostAccess, Capabilities = h.Capabilities, Aggregates = h.Aggregates,
            DedicatedSet = h.DedicatedSet, SharedSet = h.SharedSet, Topology = h.Topology,
        })],
        Scenarios = [.. report.Scenarios.Select(ToDocument)],
        Coverage = ToDocument(CoverageMatrix.Of(report)),
        Cleanup = new CleanupDocument(report.Cleanup.Created, report.Cleanup.Deleted, report.Cleanup.Leftovers),
    };

    private static ScenarioDocument ToDocument(ScenarioResult s) => new()
    {
        Id = s.Id,
        Group = ReportText.Group(s.Id),
        Purpose = s.Purpose,
        Verdict = ReportText.Word(s.Verdict),
        Skip = s.Skip is { } skip ? new SkipDocument(skip.Code, skip.Message) : null,
        Error = s.Error,
        Needs = s.Needs,
        DurationSeconds = Seconds(s.Duration),
        Guests = [.. s.Guests.Select(ToDocument)],
        Findings = [.. s.Findings.Select(f => new FindingDocument
        {
            Rule = f.Rule, Severity = ReportText.Word(f.Severity), Message = f.Message, Expected = f.Expected,
            Actual = f.Actual, Guest = f.Guest, Xpath = f.XPath, XmlLines = f.XmlLines,
        })],
        NotChecked = s.NotChecked,
        Steps = [.. s.Steps.Select(st => new StepDocument(st.Name, st.Ok, Seconds(st.Duration), st.Detail))],
    };

    private static GuestDocument ToDocument(GuestEvidence g) => new()
    {
        Role = g.Role,
        Flavor = new FlavorDocument(g.Flavor.Name, g.Flavor.Vcpus, g.Flavor.RamMiB, g.Flavor.DiskGb, g.Flavor.ExtraSpecs),
        ImageProperties = g.ImageProperties,
        ServerId = g.ServerId,
        ServerName = g.ServerName,
        Status = g.Status,
        Fault = g.Fault,
        Predicted = g.Predicted is { } p ? new PredictionDocument
        {
            Outcome = p.Outcome,
            CandidateHosts = p.CandidateHosts,
            Determinate = p.Determinate,
            Reason = p.Reason,
            Placement = ToDocument(p.Placement),
        } : null,
        Actual = ToDocument(g.Actual),
        DomainXml = g.DomainXml,
    };

    private static PlacementDocument? ToDocument(Placement? p) => p is null ? null : new()
    {
        Host = p.Host,
        InstanceName = p.InstanceName,
        Cells = [.. p.Cells.Select(c => new CellPlacementDocument
        {
            GuestCell = c.GuestCell, HostCell = c.HostCell, Vcpus = c.Vcpus, Pins = c.Pins,
            MemoryMib = c.MemoryMiB, PageSizeKib = c.PageSizeKiB,
        })],
        EmulatorCpus = p.EmulatorCpus,
        FloatingCpus = p.FloatingCpus,
    };

    private static CoverageDocument ToDocument(CoverageMatrix m) => new(
        m.Hosts,
        [.. m.Capabilities.Select(c => new CapabilityDocument(c.Code, c.OfferedBy))],
        [.. m.Rows.Select(r => new CoverageRowDocument(r.Scenario, ReportText.Word(r.Verdict), r.SkipCode, r.Needs, r.Unmet, r.HostsUsed))]);

    private static double Seconds(TimeSpan duration) => Math.Round(duration.TotalSeconds, 3);

    private static TimeSpan Duration(double seconds) => TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));

    public static RunReport ToReport(ReportDocument d)
    {
        if (d.SchemaVersion != ReportDocument.CurrentSchemaVersion)
            throw new JsonException($"schema_version {d.SchemaVersion} is not supported (this smog reads {ReportDocument.CurrentSchemaVersion})");
        return new RunReport
        {
            RunId = d.RunId,
            StartedAt = d.StartedAt,
            FinishedAt = d.FinishedAt,
            Interrupted = d.Interrupted,
            Target = new RunTarget
            {
                Kind = d.Target.Kind,
                AdminCloud = d.Target.AdminCloud,
                BootCloud = d.Target.BootCloud,
                BootsAsMember = d.Target.BootsAs switch
                {
                    "member" => true,
                    "admin" => false,
                    var other => throw new JsonException($"target.boots_as '{other}' is neither 'member' nor 'admin'"),
                },
                AuthUrl = d.Target.AuthUrl,
                ComputeMicroversion = d.Target.ComputeMicroversion,
                Defect = d.Target.Defect,
                Inventory = d.Target.Inventory,
            },
            Hosts = [.. d.Hosts.Select(h => new HostSnapshot
            {
                Name = h.Name, HostAccess = h.HostAccess, Capabilities = h.Capabilities, Aggregates = h.Aggregates,
                DedicatedSet = h.DedicatedSet, SharedSet = h.SharedSet, Topology = h.Topology,
            })],
            Scenarios = [.. d.Scenarios.Select(ToResult)],
            Cleanup = new CleanupSummary(d.Cleanup.Created, d.Cleanup.Deleted, d.Cleanup.Leftovers),
        };
    }

    private static ScenarioResult ToResult(ScenarioDocument s) => new()
    {
        Id = s.Id,
        Purpose = s.Purpose,
        Verdict = ParseVerdict(s.Verdict, s.Id),
        Skip = s.Skip is { } skip ? new SkipReason(skip.Code, skip.Message) : null,
        Error = s.Error,
        Needs = s.Needs,
        Duration = Duration(s.DurationSeconds),
        Guests = [.. s.Guests.Select(ToEvidence)],
        Findings = [.. s.Findings.Select(f => new ScenarioFinding
        {
            Rule = f.Rule,
            Severity = f.Severity switch
            {
                "error" => FindingSeverity.Error,
                "warning" => FindingSeverity.Warning,
                var other => throw new JsonException($"scenario {s.Id}: finding severity '{other}' is neither 'error' nor 'warning'"),
            },
            Message = f.Message, Expected = f.Expected, Actual = f.Actual, Guest = f.Guest, XPath = f.Xpath, XmlLines = f.XmlLines,
        })],
        NotChecked = s.NotChecked,
        Steps = [.. s.Steps.Select(st => new StepRecord(st.Name, st.Ok, Duration(st.DurationSeconds), st.Detail))],
    };

    private static Verdict ParseVerdict(string word, string scenario)
    {
        foreach (var verdict in Enum.GetValues<Verdict>())
            if (ReportText.Word(verdict) == word) return verdict;
        throw new JsonException($"scenario {scenario}: verdict '{word}' is not passed, failed, skipped or errored");
    }

    private static GuestEvidence ToEvidence(GuestDocument g) => new()
    {
        Role = g.Role,
        Flavor = new FlavorSummary(g.Flavor.Name, g.Flavor.Vcpus, g.Flavor.RamMib, g.Flavor.DiskGb, g.Flavor.ExtraSpecs),
        ImageProperties = g.ImageProperties,
        ServerId = g.ServerId,
        ServerName = g.ServerName,
        Status = g.Status,
        Fault = g.Fault,
        Predicted = g.Predicted is { } p ? new Prediction
        {
            Outcome = p.Outcome,
            CandidateHosts = p.CandidateHosts,
            Determinate = p.Determinate,
            Reason = p.Reason,
            Placement = ToPlacement(p.Placement),
        } : null,
        Actual = ToPlacement(g.Actual),
        DomainXml = g.DomainXml,
    };

    private static Placement? ToPlacement(PlacementDocument? p) => p is null ? null : new()
    {
        Host = p.Host,
        InstanceName = p.InstanceName,
        Cells = [.. p.Cells.Select(c => new GuestCellPlacement
        {
            GuestCell = c.GuestCell, HostCell = c.HostCell, Vcpus = c.Vcpus, Pins = c.Pins,
            MemoryMiB = c.MemoryMib, PageSizeKiB = c.PageSizeKib,
        })],
        EmulatorCpus = p.EmulatorCpus,
        FloatingCpus = p.FloatingCpus,
    };
}
