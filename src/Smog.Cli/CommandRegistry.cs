using Smog.Cli.Commands.Discover;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>One line per verb; each command lives in Commands/&lt;Verb&gt;/.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DiscoverCommand>("discover").WithDescription("Show a host's NUMA topology (cells, CPUs, SMT siblings, memory, huge pages, PCI)");
    }
}
