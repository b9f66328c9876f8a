using System.Runtime.CompilerServices;

namespace Smog.Tests.Cli;

/// <summary>
/// Golden files for what scripts read: the discover JSON (tables: <see cref="TableGoldenTests"/>). A change in
/// output fails here; after review, approve it with <c>SMOG_APPROVE=1 dotnet test</c>, which
/// rewrites the files under Cli/Golden/.
/// </summary>
public class DiscoverGoldenTests
{
    private static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    private static string Run(params string[] args)
    {
        // No wrapping: absolute fixture paths differ in length between checkouts.
        var (exit, stdout, err) = CliRunner.Run(args, width: 1000);
        Assert.True(exit == 0, err);
        // Paths differ between checkouts; the golden text names fixtures relative to tests/fixtures.
        return stdout.Replace(Fixtures.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).ReplaceLineEndings("\n");
    }

    public static TheoryData<string, string[]> Cases => new()
    {
        { "json-4-nodes.json", ["discover", "--from", Fixtures.Require("hwloc/synth-4n-2s-4c-2t-linux.xml"), "--output", "json"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_its_golden_file(string golden, string[] args)
    {
        var actual = Run(args);
        var path = Path.Combine(GoldenDir(), golden);
        if (Environment.GetEnvironmentVariable("SMOG_APPROVE") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"no golden file {golden}; run with SMOG_APPROVE=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
