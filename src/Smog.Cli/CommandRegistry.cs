using Smog.Cli.Commands.Discover;
using Smog.Cli.Commands.Lint;
using Smog.Cli.Commands.Verify;
using Smog.Cli.Commands.Xml;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>One line per verb; each command lives in Commands/&lt;Verb&gt;/.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DiscoverCommand>("discover").WithDescription("Show a host's NUMA topology (cells, CPUs, SMT siblings, memory, huge pages, PCI)");
        config.AddCommand<LintCommand>("lint").WithDescription("Check a flavor's extra specs (and image properties) against what Nova 26 accepts and does");
        config.AddCommand<VerifyCommand>("verify").WithDescription("Check a guest's domain XML against the NUMA promises of its flavor and image");
        config.AddBranch("xml", xml => xml.AddCommand<FakeNumaCommand>("fake-numa").WithDescription("Give an L1 hypervisor's domain XML a fake NUMA layout"));
        config.AddCommand<Commands.Plan.PlanCommand>("plan").WithDescription("Show where Nova 26 would place a flavor on a host (oracle case schema).");
        config.AddBranch("bench", bench => bench.AddCommand<Commands.Bench.BenchFitCommand>("fit").WithDescription("Time the Nova fitter on oracle vectors and no-fit blow-up hosts."));
    }
}
