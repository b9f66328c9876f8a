using System.ComponentModel;
using Spectre.Console.Cli;

namespace Smog.Cli.Commands.Env;

/// <summary>Options every <c>smog env</c> verb that visits hosts shares.</summary>
internal class EnvSettings : CommandSettings
{
    [CommandOption("--inventory <FILE>")]
    [Description("Host inventory (default: $SMOG_INVENTORY, else ./hosts.yml)")]
    public string? Inventory { get; init; }

    [CommandOption("--state-dir <DIR>")]
    [Description("Where the journal of host edits lives (default: $XDG_STATE_HOME/smog, else ~/.local/state/smog)")]
    public string? StateDir { get; init; }
}
