using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova;
using Smog.Nova.Filters;

namespace Smog.Tests.Nova;

public class AggregateInstanceExtraSpecsFilterTests
{
    private static Flavor FlavorWith(params (string Key, string Value)[] specs) =>
        new(4, 2048, specs.ToImmutableSortedDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));

    private static IReadOnlyDictionary<string, string> Aggregate(params (string Key, string Value)[] metadata) =>
        metadata.ToDictionary(m => m.Key, m => m.Value);

    public static TheoryData<string, string, string, OpMatch> OperatorRows => new()
    {
        // description, aggregate value, requirement, outcome
        { "= is numeric at least, not equality", "4", "= 2", OpMatch.Match },
        { "= below the operand", "1", "= 2", OpMatch.NoMatch },
        { "== compares numbers", "4", "== 4.0", OpMatch.Match },
        { "!= compares numbers", "4", "!= 4", OpMatch.NoMatch },
        { ">= inclusive", "4", ">= 4", OpMatch.Match },
        { "<= inclusive", "5", "<= 4", OpMatch.NoMatch },
        { "numbers read like Python float()", " 1e3 ", ">= 999", OpMatch.Match },
        { "non-number makes Nova raise", "abc", "= 2", OpMatch.NovaRaises },
        { "s< compares text", "10", "s< 9", OpMatch.Match },
        { "s>= compares text", "abc", "s>= abd", OpMatch.NoMatch },
        { "plain text is case sensitive", "True", "true", OpMatch.NoMatch },
        { "plain text compares the whole requirement", "ssd", " ssd", OpMatch.NoMatch },
        { "<in> substring", "fast-ssd", "<in> ssd", OpMatch.Match },
        { "<all-in> every word", "a b c", "<all-in> a c", OpMatch.Match },
        { "<all-in> one word missing", "abc", "<all-in> a x", OpMatch.NoMatch },
        { "<or> alternatives", "ssd", "<or> hdd <or> ssd", OpMatch.Match },
        { "<or> skips every second word unchecked", "c", "<or> a b c", OpMatch.Match },
        { "<or> separator word is not an alternative", "b", "<or> a b c", OpMatch.NoMatch },
        { "bare <or> makes Nova raise", "x", "<or>", OpMatch.NovaRaises },
        { "operator without operand", "4", "=", OpMatch.NoMatch },
        { "unknown operator is plain text", "4", "> 2", OpMatch.NoMatch },
        { "operator glued to operand is plain text", "2", "=2", OpMatch.NoMatch },
    };

    [Theory]
    [MemberData(nameof(OperatorRows))]
    public void Operators_follow_nova_extra_specs_ops(string description, string value, string requirement, OpMatch expected)
    {
        _ = description;
        Assert.Equal(expected, ExtraSpecsOps.Match(value, requirement));
    }

    [Theory]
    [InlineData("aggregate_instance_extra_specs:ssd", "ssd")]
    [InlineData("ssd", "ssd")]
    [InlineData("aggregate_instance_extra_specs:x:y", "x:y")]
    [InlineData("hw:cpu_policy", null)]
    [InlineData("trait:HW_CPU_HYPERTHREADING", null)]
    public void Only_unscoped_and_own_scope_keys_are_checked(string specKey, string? checkedKey) =>
        Assert.Equal(checkedKey, AggregateInstanceExtraSpecsFilter.CheckedKey(specKey));

    [Fact]
    public void Values_of_all_aggregates_are_merged_as_trimmed_sets()
    {
        var merged = AggregateInstanceExtraSpecsFilter.Merge([Aggregate(("zone", "a , b")), Aggregate(("zone", "c"), ("ssd", "true"))]);
        Assert.Equal(["a", "b", "c"], merged["zone"]);
        Assert.Equal(["true"], merged["ssd"]);
    }

    [Fact]
    public void A_rejection_names_the_spec_and_the_values_seen()
    {
        var verdict = AggregateInstanceExtraSpecsFilter.HostPasses(FlavorWith(("aggregate_instance_extra_specs:cores", "= 16")), [Aggregate(("cores", "8"))]);
        Assert.False(verdict.Passes);
        Assert.Contains("aggregate_instance_extra_specs:cores", verdict.Reason);
        Assert.Contains("'8'", verdict.Reason);
    }

    [Fact]
    public void A_missing_key_rejects_even_when_nova_would_not_look_at_values() =>
        Assert.False(AggregateInstanceExtraSpecsFilter.HostPasses(FlavorWith(("pinned", "true")), []).Passes);

    /// <summary>Every row of aggregate_filter.jsonl, recorded from the real Nova 26.2.2 scheduler code.</summary>
    [Fact]
    public void Agrees_with_nova_on_every_recorded_operator_and_filter_case()
    {
        var path = Fixtures.Require("nova-constraints/aggregate_filter.jsonl");
        var failures = new List<string>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var row = JsonDocument.Parse(line).RootElement;
            var nova = row.GetProperty("nova");
            var expected = nova.ValueKind == JsonValueKind.String ? "raises" : nova.GetBoolean() ? "pass" : "fail";
            string actual;
            if (row.GetProperty("kind").GetString() == "op")
            {
                actual = ExtraSpecsOps.Match(row.GetProperty("value").GetString()!, row.GetProperty("requirement").GetString()!) switch
                {
                    OpMatch.Match => "pass",
                    OpMatch.NoMatch => "fail",
                    _ => "raises",
                };
            }
            else
            {
                var specs = row.GetProperty("extra_specs").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToArray();
                var aggregates = row.GetProperty("aggregates").EnumerateArray()
                    .Select(a => (IReadOnlyDictionary<string, string>)a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)).ToList();
                var verdict = AggregateInstanceExtraSpecsFilter.HostPasses(FlavorWith(specs), aggregates);
                actual = verdict.NovaRaises ? "raises" : verdict.Passes ? "pass" : "fail";
            }
            if (actual != expected) failures.Add($"{line} → got {actual}");
        }
        Assert.Empty(failures);
    }
}
