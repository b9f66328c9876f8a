namespace Smog.Tests.Cli;

/// <summary>One <c>--output</c> vocabulary for every verb: table (default) or json, with one wording for anything else.</summary>
public class OutputOptionTests
{
    public static TheoryData<string, string[]> Verbs => new()
    {
        { "discover", ["discover", "--from", "x.txt"] },
        { "lint", ["lint", "--flavor", "f.json"] },
        { "verify", ["verify", "--domain", "d.xml", "--host", "h.json", "--flavor", "f.json"] },
        { "plan", ["plan", "--case", "c.json"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void An_unknown_format_is_refused_with_the_same_words_on_every_verb(string verb, string[] args)
    {
        foreach (var format in new[] { "human", "yaml" })
        {
            var (exit, _, err) = CliRunner.Run([.. args, "--output", format]);

            Assert.True(exit == 2, $"{verb} --output {format}");
            Assert.Equal($"smog: --output must be table or json, not '{format}'", err.TrimEnd());
        }
    }

    [Fact]
    public void Plan_takes_table_like_the_other_verbs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"smog-plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, File.ReadLines(Fixtures.PathOf("nova-fit/cases.jsonl")).First());
        try
        {
            var (exit, text, err) = CliRunner.Run(["plan", "--case", path, "--output", "table"]);

            Assert.True(exit == 0, err);
            Assert.Contains("fits: yes", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
