using Smog.Suite.Results;

namespace Smog.Suite.Reports;

/// <summary>Renders a <see cref="RunReport"/> as JUnit XML for Jenkins and GitLab.</summary>
public static class JunitReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite name=\"smog\" tests=\"{report.Scenarios.Length}\"/></testsuites>\n";
    }
}
