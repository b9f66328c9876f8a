using System.Collections.Immutable;
using System.Text.Json;
using Smog.Nova.Python;
using Smog.Nova.Specs;
using Smog.Nova;

namespace Smog.Tests.Nova;

public class SpecSyntaxTests
{
    public static TheoryData<string, string, long?> PageSizeRows => new()
    {
        // description, value, KiB stored on the cell (null = MemoryPageSizeInvalid at boot)
        { "small", "small", -1 },
        { "large", "large", -2 },
        { "any", "any", -3 },
        { "plain digits are KiB", "2048", 2048 },
        { "MB", "2MB", 2048 },
        { "MiB", "2MiB", 2048 },
        { "KB", "2048KB", 2048 },
        { "GB", "1GB", 1048576 },
        { "GiB", "1GiB", 1048576 },
        { "KB small page", "4KB", 4 },
        { "lower-case b means bits", "2Mb", 256 },
        { "bit suffix", "16Mbit", 2048 },
        { "bytes", "2048B", 2 },
        { "fraction truncated on the cell", "1000B", 0 },
        { "decimal magnitude", "1.5MB", 1536 },
        { "M without B is invalid at boot", "2M", null },
        { "G without B", "1G", null },
        { "Mi without B", "2Mi", null },
        { "K without B", "2048K", null },
        { "lower-case k", "4k", null },
        { "word", "huge", null },
        { "case matters for keywords", "Large", null },
        { "empty", "", null },
    };

    [Theory]
    [MemberData(nameof(PageSizeRows))]
    public void Page_sizes_follow_the_iec_rules_of_nova_at_boot(string description, string value, long? kib)
    {
        _ = description;
        Assert.Equal(kib, PageSizeSyntax.Parse(value)?.Request.ToNova());
    }

    [Theory]
    [InlineData("2M", true)]
    [InlineData("1G", true)]
    [InlineData("2MB", true)]
    [InlineData("2048", true)]
    [InlineData("large", true)]
    [InlineData("1.5MB", false)]
    [InlineData("huge", false)]
    [InlineData("Large", false)]
    public void Api_pattern_is_looser_than_boot_for_units_without_b(string value, bool accepted) =>
        Assert.Equal(accepted, PageSizeSyntax.MatchesApiPattern(value));

    [Fact]
    public void A_fractional_size_still_counts_as_requested_but_zero_does_not()
    {
        Assert.True(PageSizeSyntax.Parse("1000B")!.Value.IsRequested);
        Assert.False(PageSizeSyntax.Parse("0")!.Value.IsRequested);
        Assert.False(PageSizeSyntax.Parse("0B")!.Value.IsRequested);
    }

    public static TheoryData<string, string, string?> CpuSpecRows => new()
    {
        // description, spec, canonical set (null = Nova's Invalid)
        { "ids and ranges", "0-3,8", "0-3,8" },
        { "single exclusion", "0-5,^2", "0-1,3-5" },
        { "range exclusion (not in sysfs syntax)", "0-7,^2-5", "0-1,6-7" },
        { "exclusions apply after all inclusions", "^1,0-3", "0,2-3" },
        { "empty items skipped", "1,,3,", "1,3" },
        { "spaces inside ranges", " 0 - 2 ", "0-2" },
        { "Python int() signs", "+1", "1" },
        { "Python int() underscores", "1_0", "10" },
        { "empty spec is the empty set", "", "" },
        { "reversed range", "3-1", null },
        { "open range", "1-", null },
        { "negative id", "-1", null },
        { "letters", "a", null },
        { "bad exclusion", "^x", null },
    };

    [Theory]
    [MemberData(nameof(CpuSpecRows))]
    public void Cpu_lists_follow_nova_parse_cpu_spec(string description, string spec, string? canonical)
    {
        _ = description;
        var ok = NovaCpuSpec.TryParse(spec, out var set, out var error);
        Assert.Equal(canonical, set?.ToString());
        Assert.Equal(canonical is null, !ok);
        if (!ok) Assert.Equal("Invalid", error!.ExceptionClass);
    }

    [Theory]
    [InlineData("^0", 4, "1-3")]
    [InlineData(" ^0-1", 4, "2-3")]
    [InlineData("2-3", 4, "2-3")]
    [InlineData("^0-3", 4, "")]
    public void A_mask_starting_with_caret_means_all_vcpus_except(string mask, int vcpus, string expected)
    {
        Assert.True(NovaCpuSpec.TryParseMask(mask, vcpus, out var set, out _));
        Assert.Equal(expected, set!.ToString());
    }

    /// <summary>cpu_spec_order.jsonl: iteration orders recorded from CPython 3.11 / Nova 26.2.2.</summary>
    [Fact]
    public void Cpu_list_iteration_order_matches_cpython_for_flavor_and_image_lists()
    {
        var path = Fixtures.Require("nova-constraints/cpu_spec_order.jsonl");
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var row = JsonDocument.Parse(line).RootElement;
            var spec = row.GetProperty("spec").GetString()!;
            Assert.True(NovaCpuSpec.TryParseOrdered(spec, out var flavorOrder, out _));
            Assert.Equal(row.GetProperty("flavor_order").EnumerateArray().Select(e => e.GetInt32()), flavorOrder!.InOrder());
            var image = new ImageProperties(new Dictionary<string, string> { ["hw_numa_cpus.0"] = spec }.ToImmutableSortedDictionary());
            var (meta, _) = NovaImageMeta.From(image);
            Assert.Equal(row.GetProperty("image_order").EnumerateArray().Select(e => e.GetInt32()), meta!.NumaCpus!.Value[0]);
        }
    }

    [Theory]
    [InlineData("2", 2L)]
    [InlineData(" 2 ", 2L)]
    [InlineData("+2", 2L)]
    [InlineData("-2", -2L)]
    [InlineData("1_000", 1000L)]
    [InlineData("007", 7L)]
    [InlineData("2.0", null)]
    [InlineData("1__0", null)]
    [InlineData("_1", null)]
    [InlineData("", null)]
    [InlineData("two", null)]
    public void Integers_are_read_like_python_int(string text, long? expected) =>
        Assert.Equal(expected, PythonSyntax.TryParseInt(text, out var v) ? v : null);

    [Theory]
    [InlineData("2", true)]
    [InlineData("-2", true)]
    [InlineData("02", false)]
    [InlineData("+2", false)]
    [InlineData(" 2", false)]
    public void Int_like_means_the_text_is_its_own_canonical_form(string text, bool intLike) =>
        Assert.Equal(intLike, PythonSyntax.IsIntLike(text));

    [Theory]
    [InlineData("true", true)]
    [InlineData(" YES ", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("t", true)]
    [InlineData("y", true)]
    [InlineData("False", false)]
    [InlineData("off", false)]
    [InlineData("n", false)]
    [InlineData("0", false)]
    [InlineData("enabled", null)]
    [InlineData("", null)]
    public void Strict_booleans_are_oslo_strings(string text, bool? expected)
    {
        Assert.Equal(expected, PythonSyntax.StrictBool(text));
        Assert.Equal(expected ?? false, PythonSyntax.LenientBool(text));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(" -2e3 ", -2000.0)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    public void Floats_are_read_like_python_float(string text, double expected)
    {
        Assert.True(PythonSyntax.TryParseFloat(text, out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("")]
    [InlineData("+-inf")]
    public void Non_numbers_are_not_python_floats(string text) =>
        Assert.False(PythonSyntax.TryParseFloat(text, out _));
}
