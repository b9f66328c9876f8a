using Smog.Cli.Commands.Discover;
using Smog.Cli.Commands.Lint;
using Smog.Cli.Commands.Verify;
using Smog.Cli.Commands.Xml;
using Spectre.Console.Cli;

namespace Smog.Cli;

/// <summary>One line per verb; each command lives in Commands/&lt;Verb&gt;/.</summary>
internal static class CommandRegistry
{
    /// <summary>Verbs that only group sub-verbs (<c>smog xml fake-numa</c>).</summary>
    public static readonly IReadOnlySet<string> Branches = new HashSet<string>(StringComparer.Ordinal) { "xml", "bench", "cloud", "env" };

    /// <summary>
    /// Registers the verbs. When the first argument names a verb, only that verb is registered:
    /// Spectre reflects over every registered command's settings at start, and that was a
    /// measurable share of a call's start-up (README, The smog command). Anything else
    /// (<c>--help</c>, a typo, <c>cli xmldoc</c>) gets every verb, so help and suggestions see them all.
    /// </summary>
    public static void Register(IConfigurator config, IReadOnlyList<string> args)
    {
        var only = args.Count > 0 ? Verbs.FirstOrDefault(v => v.Name == args[0]) : default;
        foreach (var (name, register) in only.Register is null ? Verbs : [only])
            register(config);
    }

    private static readonly (string Name, Action<IConfigurator> Register)[] Verbs =
    [
        ("discover", c => c.AddCommand<DiscoverCommand>("discover").WithDescription("Show a host's NUMA topology (cells, CPUs, SMT siblings, memory, huge pages, PCI)")),
        ("lint", c => c.AddCommand<LintCommand>("lint").WithDescription("Check a flavor's extra specs (and image properties) against what Nova 26 accepts and does")),
        ("verify", c => c.AddCommand<VerifyCommand>("verify").WithDescription("Check a guest's domain XML against the NUMA promises of its flavor and image")),
        ("xml", c => c.AddBranch("xml", xml =>
        {
            xml.SetDescription("Edit libvirt domain XML (fake-numa: give an L1 hypervisor a NUMA layout)");
            xml.AddCommand<FakeNumaCommand>("fake-numa").WithDescription("Give an L1 hypervisor's domain XML a fake NUMA layout");
        })),
        ("plan", c => c.AddCommand<Commands.Plan.PlanCommand>("plan").WithDescription("Show where Nova 26 would place a flavor on a host (oracle case schema).")),
        ("run", c => c.AddCommand<Commands.Run.RunCommand>("run").WithDescription("Run the NUMA feature suite against a cloud: scenarios, predict-then-verify, cleanup, reports")),
        ("cleanup", c => c.AddCommand<Commands.Cleanup.CleanupCommand>("cleanup").WithDescription("Remove what a smog run left behind, from its ledger (--run ID, --list)")),
        ("bench", c => c.AddBranch("bench", bench =>
        {
            bench.SetDescription("Measure smog itself (fit: the Nova fitter's speed against the oracle's)");
            bench.AddCommand<Commands.Bench.BenchFitCommand>("fit").WithDescription("Time the Nova fitter on oracle vectors and no-fit blow-up hosts.");
            bench.AddCommand<Commands.Bench.BenchCloudCommand>("cloud").WithDescription("Time the embedded cloud's lab load and scheduling at scale, and its memory.");
        })),
        ("cloud", c => c.AddBranch("cloud", cloud =>
        {
            cloud.SetDescription("Smog's embedded OpenStack cloud (serve: run it on 127.0.0.1 for any OpenStack client)");
            cloud.AddCommand<Commands.Cloud.CloudServeCommand>("serve").WithDescription("Run the embedded cloud on 127.0.0.1 until Ctrl-C; writes clouds.yaml and an inventory");
        })),
        ("env", c => c.AddBranch("env", env =>
        {
            env.SetDescription("Build the NUMA test environment on real hosts (nested, fake-NUMA L1s, nova.conf, huge pages), with a journal that undoes every edit");
            env.AddCommand<Commands.Env.NovaConfCommand>("nova-conf").WithDescription("Edit a host's nova.conf (journaled; --preset numa|pinning|hugepages; --restart waits for Nova)");
            env.AddCommand<Commands.Env.HugePagesCommand>("hugepages").WithDescription("Allocate huge pages on a host through sysfs (journaled), report what the kernel granted per node");
            env.AddCommand<Commands.Env.CheckCommand>("check").WithDescription("Preflight: each compute host's NUMA facts, which scenarios can run, and the smog env command for the rest");
            env.AddCommand<Commands.Env.RestoreCommand>("restore").WithDescription("Undo smog env edits from the journal, newest first (also after a crash)");
            env.AddCommand<Commands.Env.EnvNestedCommand>("nested").WithDescription("Enable nested virtualisation on the L0s and give each L1 a CPU that exposes vmx/svm");
            env.AddCommand<Commands.Env.EnvFakeNumaCommand>("fake-numa").WithDescription("Give a real L1 hypervisor a fake NUMA layout (backup, shutdown, define, start, confirm)");
        })),
    ];

    /// <summary>
    /// <c>smog xml</c> alone asks what xml offers, as <c>smog</c> alone does: both print help and exit 0
    /// (Spectre would exit 1 for a bare branch).
    /// </summary>
    public static bool IsBareBranch(string[] args) => args is [var only] && Branches.Contains(only);

    /// <summary>The verb path a command line names, e.g. "smog xml fake-numa" (for error messages).</summary>
    public static string VerbPath(IReadOnlyList<string> args)
    {
        var path = "smog";
        if (args.Count > 0 && !args[0].StartsWith('-')) path += " " + args[0];
        if (args.Count > 1 && Branches.Contains(args[0]) && !args[1].StartsWith('-')) path += " " + args[1];
        return path;
    }
}
