using CsCheck;
using Smog.Topology;

namespace Smog.Tests.Topology;

public class CpuSetTests
{
    public static TheoryData<string, string, string> ParseRows => new()
    {
        // description, input, canonical form
        { "single id", "5", "5" },
        { "range", "0-3", "0-3" },
        { "sysfs cpulist", "0-3,8,10-11", "0-3,8,10-11" },
        { "unsorted with duplicates", "8,0-3,2,1", "0-3,8" },
        { "adjacent ranges merge", "0-1,2-3", "0-3" },
        { "pair collapses to range", "10,11", "10-11" },
        { "whitespace tolerated", " 0 - 2 , 4 ", "0-2,4" },
        { "Nova exclusion", "0-5,^2", "0-1,3-5" },
        { "exclusion of absent id", "0-1,^7", "0-1" },
        { "empty string", "", "" },
        { "blank string", "   ", "" },
        { "Nova skips empty items", "1,,3,", "1,3" },
        { "newline from sysfs", "0-7\n", "0-7" },
    };

    [Theory]
    [MemberData(nameof(ParseRows))]
    public void Parse_gives_canonical_form(string description, string input, string canonical)
    {
        _ = description;
        Assert.Equal(canonical, CpuSet.Parse(input).ToString());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("1-")]
    [InlineData("-1")]
    [InlineData("3-1")]
    [InlineData("^")]
    [InlineData("^2-3")]
    [InlineData("1.5")]
    [InlineData("0-99999999")]
    public void Parse_rejects_malformed_lists_with_a_reason(string input)
    {
        Assert.False(CpuSet.TryParse(input, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Throws<FormatException>(() => CpuSet.Parse(input));
    }

    [Fact]
    public void Exclusions_can_be_refused_for_formats_without_them()
    {
        Assert.False(CpuSet.TryParse("0-3,^1", out _, out var error, allowExclusions: false));
        Assert.Contains("^1", error);
    }

    [Fact]
    public void Queries_answer_on_the_set()
    {
        var set = CpuSet.Parse("2-4,9");
        Assert.Equal(4, set.Count);
        Assert.Equal(2, set.Min);
        Assert.Equal(9, set.Max);
        Assert.True(set.Contains(3));
        Assert.False(set.Contains(5));
        Assert.Equal([2, 3, 4, 9], set.ToArray());
        Assert.Throws<InvalidOperationException>(() => CpuSet.Empty.Min);
    }

    private static readonly Gen<CpuSet> GenSet =
        Gen.Int[0, 80].HashSet[0, 40].Select(ids => CpuSet.Of(ids));

    [Fact]
    public void Format_then_parse_is_identity() =>
        Property.ForAll(GenSet, s => CpuSet.Parse(s.ToString()) == s, iter: 2000);

    [Fact]
    public void Parse_then_format_is_identity_on_canonical_strings() =>
        Property.ForAll(GenSet.Select(s => s.ToString()), text => CpuSet.Parse(text).ToString() == text, iter: 2000);

    [Fact]
    public void Canonical_form_is_sorted_with_ranges_collapsed() =>
        Property.ForAll(GenSet, s =>
        {
            var text = s.ToString();
            // No two consecutive singletons and no range of fewer than two ids.
            var items = text.Length == 0 ? [] : text.Split(',');
            var bounds = items.Select(i => i.Split('-').Select(int.Parse).ToArray()).ToArray();
            return bounds.All(b => b.Length == 1 || b[0] < b[1])
                && bounds.Zip(bounds.Skip(1)).All(p => p.First[^1] + 1 < p.Second[0]);
        }, iter: 2000);

    [Fact]
    public void Set_algebra_laws_hold() =>
        Property.ForAll(Gen.Select(GenSet, GenSet, GenSet), x => SetLaws(x.Item1, x.Item2, x.Item3), iter: 2000);

    private static bool SetLaws(CpuSet a, CpuSet b, CpuSet c) =>
        (a | b) == (b | a)
            && (a & b) == (b & a)
            && ((a | b) | c) == (a | (b | c))
            && ((a & b) & c) == (a & (b & c))
            && (a & (b | c)) == ((a & b) | (a & c))
            && (a - b) == (a - (a & b))
            && ((a - b) & b).IsEmpty
            && (a & b).IsSubsetOf(a)
            && a.IsSubsetOf(a | b)
            && a.Overlaps(b) == !(a & b).IsEmpty
            && (a | a) == a && (a & a) == a
            && (a | CpuSet.Empty) == a && (a & CpuSet.Empty).IsEmpty
            && (a | b).Count == a.Count + b.Count - (a & b).Count;

    [Fact]
    public void Exclusion_removes_from_the_union_of_inclusions() =>
        Property.ForAll(Gen.Select(GenSet, GenSet), x =>
        {
            var (include, exclude) = x;
            var text = string.Join(',', new[] { include.ToString() }.Concat(exclude.Select(e => $"^{e}")));
            return CpuSet.Parse(text) == include - exclude;
        }, iter: 1000);

    [Fact]
    public void Equal_sets_have_equal_hashes() =>
        Property.ForAll(GenSet, s => CpuSet.Of(s.Reverse()).GetHashCode() == s.GetHashCode() && CpuSet.Of(s.Reverse()).Equals(s));

    [Fact]
    public void Set_operations_agree_with_a_hash_set() =>
        // The operations merge sorted ids; a plain HashSet is the reference.
        Property.ForAll(Gen.Select(GenSet, GenSet), x =>
        {
            var (a, b) = x;
            HashSet<int> Ref(Action<HashSet<int>> op) { var h = a.ToHashSet(); op(h); return h; }
            return (a | b).SequenceEqual(Ref(h => h.UnionWith(b)).Order())
                && (a & b).SequenceEqual(Ref(h => h.IntersectWith(b)).Order())
                && (a - b).SequenceEqual(Ref(h => h.ExceptWith(b)).Order())
                && a.IsSubsetOf(b) == a.ToHashSet().IsSubsetOf(b)
                && a.Overlaps(b) == a.ToHashSet().Overlaps(b)
                && CpuSet.Of(a.Concat(b).Reverse()) == (a | b);
        }, iter: 2000);
}
