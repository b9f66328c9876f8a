using System.Text.Json;
using Smog.Suite.Reports.Json;
using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>
/// Renders a <see cref="RunReport"/> as JSON following <c>report.schema.json</c> (documented in
/// <c>report-schema.md</c>), and reads such a file back.
/// </summary>
public static class JsonReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(ReportDocumentMapper.ToDocument(report), ReportJsonContext.Readable.ReportDocument) + "\n";
    }

    /// <summary>Reads a report written by <see cref="Render"/>; throws <see cref="JsonException"/> saying what is wrong.</summary>
    public static RunReport Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var document = JsonSerializer.Deserialize(json, ReportJsonContext.Readable.ReportDocument)
            ?? throw new JsonException("the report is JSON null");
        return ReportDocumentMapper.ToReport(document);
    }
}
