using Smog.Cli.Commands.Discover;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>One line per verb; each command lives in Commands/&lt;Verb&gt;/.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DiscoverCommand>("discover").WithDescription("Show a host's NUMA topology (cells, CPUs, SMT siblings, memory, huge pages, PCI)");
        config.AddCommand<Commands.Plan.PlanCommand>("plan").WithDescription("Show where Nova 26 would place a flavor on a host (oracle case schema).");
        config.AddBranch("bench", bench => bench.AddCommand<Commands.Bench.BenchFitCommand>("fit").WithDescription("Time the Nova fitter on oracle vectors and no-fit blow-up hosts."));
    }
}
