using System.Runtime.CompilerServices;

namespace Smog.Tests.Cli;

/// <summary>
/// Golden files for the verify findings JSON (tables: <see cref="TableGoldenTests"/>) (approve a reviewed change with
/// <c>SMOG_APPROVE=1 dotnet test</c>, as for discover).
/// </summary>
public class VerifyGoldenTests
{
    private static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    private static (int Code, string Output) Run(params string[] args)
    {
        var (code, stdout, _) = CliRunner.Run(args, width: 1000);
        return (code, stdout.Replace(Fixtures.Root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).ReplaceLineEndings("\n"));
    }

    private static string[] Verify(string domain, params string[] more) =>
        ["verify", "--domain", Fixtures.Require($"verify/{domain}"), "--host", Fixtures.Require("verify/b5-host.json"),
         "--flavor", Fixtures.Require("verify/b5-flavor.json"), .. more];

    public static TheoryData<string, string[], int> Cases => new()
    {
        { "verify-json-broken.json", Verify("b5-broken.xml", "--output", "json"), 1 },
        { "verify-json-correct.json", Verify("b5-correct.xml", "--output", "json"), 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_its_golden_file(string golden, string[] args, int exitCode)
    {
        var (code, actual) = Run(args);
        Assert.Equal(exitCode, code);
        var path = Path.Combine(GoldenDir(), golden);
        if (Environment.GetEnvironmentVariable("SMOG_APPROVE") == "1") File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"no golden file {golden}; run with SMOG_APPROVE=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
