using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Run;

internal sealed class RunSettings : CommandSettings
{
    [CommandOption("--os-cloud <NAME>")]
    [Description("clouds.yaml entry for flavors and aggregates (admin); OS_CLOUD and OS_* work as for the openstack client")]
    public string? OsCloud { get; init; }

    [CommandOption("--member-cloud <NAME>")]
    [Description("clouds.yaml entry servers are booted as (a non-admin member); default: the admin cloud")]
    public string? MemberCloud { get; init; }

    [CommandOption("--inventory <FILE>")]
    [Description("Host inventory (hosts.yml) for host access: topology, nova.conf, domain XML")]
    public string? Inventory { get; init; }

    [CommandOption("--config <FILE>")]
    [Description("Run config (run.yml): cloud, member cloud, inventory, image, scenarios, timeouts, virt type")]
    public string? Config { get; init; }

    [CommandOption("--scenario <ID>")]
    [Description("Run only these scenarios (id or glob such as pinning.*); repeatable")]
    public string[] Scenario { get; init; } = [];

    [CommandOption("--skip <ID>")]
    [Description("Leave out these scenarios (id or glob); repeatable")]
    public string[] Skip { get; init; } = [];

    [CommandOption("--parallel <N>")]
    [Description("Scenarios at once (default: two per compute host, at most 8)")]
    public int? Parallel { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Per-action wait limit: boot, reboot, stop/start, resize, migrate (default 300)")]
    public int? Timeout { get; init; }

    [CommandOption("--state-dir <DIR>")]
    [Description("Where run ledgers live (default $XDG_STATE_HOME/smog/runs)")]
    public string? StateDir { get; init; }

    [CommandOption("--junit <FILE>")]
    [Description("Write a JUnit XML report (Jenkins, GitLab)")]
    public string? Junit { get; init; }

    [CommandOption("--json <FILE>")]
    [Description("Write the JSON report (schema: src/Smog.Suite/Reports/report-schema.md)")]
    public string? Json { get; init; }

    [CommandOption("--html <FILE>")]
    [Description("Write a self-contained HTML report")]
    public string? Html { get; init; }

    [CommandOption("--list")]
    [Description("Print the scenario catalogue (id, needs, purpose) and exit")]
    public bool List { get; init; }

    [CommandOption("--defect <NAME>")]
    [Description("Switch on a defect in the embedded cloud (no --os-cloud); see --list-defects")]
    public string? Defect { get; init; }

    [CommandOption("--list-defects")]
    [Description("Print the embedded cloud's defect names, one a line, and exit")]
    public bool ListDefects { get; init; }

    public override ValidationResult Validate()
    {
        if (Parallel is < 1 or > 64) return ValidationResult.Error($"--parallel must be between 1 and 64, not '{Parallel}'");
        if (Timeout is < 1 or > 86400) return ValidationResult.Error($"--timeout must be between 1 and 86400 seconds, not '{Timeout}'");
        return ValidationResult.Success();
    }
}
