using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>Renders a <see cref="RunReport"/> as one self-contained HTML page.</summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>smog run</title></head><body></body></html>\n";
    }
}
