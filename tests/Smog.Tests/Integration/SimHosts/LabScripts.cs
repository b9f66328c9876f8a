using Smog.Hosts;

namespace Smog.Tests.Integration.SimHosts;

/// <summary>
/// Runs the lab's Python helpers (lab/allinone.d/*.py) with Debian's python3 + python3-yaml.
/// CI has both (python3-nova pulls in python3-yaml), so there a missing one fails; elsewhere the
/// test skips, saying what to install.
/// </summary>
internal static class LabScripts
{
    public const string Python = "/usr/bin/python3";

    /// <summary>The repository root (the folder holding tests/fixtures).</summary>
    public static string RepoRoot => Path.GetDirectoryName(Path.GetDirectoryName(Fixtures.Root)!)!;

    public static string Script(string name) => Path.Combine(RepoRoot, "lab", "allinone.d", name);

    public static string DefaultLab => Path.Combine(RepoRoot, "src", "Smog.Cloud", "Lab", "default-lab.yml");

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} is not installed (apt install python3 python3-yaml)";
        var probe = new LocalCommandRunner().RunAsync(Python, ["-c", "import yaml"]).GetAwaiter().GetResult();
        return probe is { Succeeded: true } ? null : "python3-yaml is not installed (apt install python3-yaml)";
    });

    /// <summary>Skips (or, under CI=true, fails) when python3 or its yaml module is absent.</summary>
    public static void RequirePython()
    {
        if (Missing.Value is not { } reason) return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{reason}; CI installs python3-nova, which pulls it in");
        Assert.Skip(reason);
    }

    public static async Task<CommandResult> RunAsync(string script, params string[] arguments)
    {
        RequirePython();
        var result = await new LocalCommandRunner(TimeSpan.FromSeconds(120))
            .RunAsync(Python, [Script(script), .. arguments], TestContext.Current.CancellationToken);
        Assert.NotNull(result);
        return result;
    }
}
