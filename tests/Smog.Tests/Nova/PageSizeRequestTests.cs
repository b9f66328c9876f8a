using Smog.Nova;
using Smog.Nova.Specs;

namespace Smog.Tests.Nova;

/// <summary>Page-size requests as kinds, and Nova's one-integer form at the edge.</summary>
public class PageSizeRequestTests
{
    public static TheoryData<string, long, PageSizeKind, long, string> NovaIntegers => new()
    {
        // description, Nova's InstanceNUMACell.pagesize, kind, KiB, text
        { "small", -1, PageSizeKind.Small, 0, "small" },
        { "large", -2, PageSizeKind.Large, 0, "large" },
        { "any", -3, PageSizeKind.Any, 0, "any" },
        { "2 MiB pages", 2048, PageSizeKind.Explicit, 2048, "2048KiB" },
        { "0: a size under 1 KiB, read as none", 0, PageSizeKind.Explicit, 0, "0KiB" },
        { "a negative size that is no keyword", -4, PageSizeKind.Explicit, -4, "-4KiB" },
    };

    [Theory]
    [MemberData(nameof(NovaIntegers))]
    public void Nova_integers_read_as_kinds_and_write_back_unchanged(string description, long nova, PageSizeKind kind, long kib, string text)
    {
        _ = description;
        var request = PageSizeRequest.FromNova(nova);
        Assert.Equal((kind, kib, text), (request.Kind, request.KiB, request.ToString()));
        Assert.Equal(nova, request.ToNova());
    }

    [Fact]
    public void Only_an_explicit_zero_asks_for_no_pages()
    {
        Assert.False(PageSizeRequest.FromNova(0).IsRequested);
        Assert.True(PageSizeRequest.Small.IsRequested);
        Assert.True(PageSizeRequest.OfKiB(4).IsRequested);
        Assert.False(default(PageSizeRequest).IsRequested);
        Assert.Throws<ArgumentOutOfRangeException>(() => PageSizeRequest.OfKiB(0));
    }

    [Theory]
    [InlineData("-2048B", PageSizeKind.Large)]   // exactly −2 KiB: Nova's number for large
    [InlineData("-1024B", PageSizeKind.Small)]
    [InlineData("-3072B", PageSizeKind.Any)]
    [InlineData("-2560B", PageSizeKind.Explicit)] // −2.5 KiB is no keyword at the API ...
    public void A_byte_string_of_exactly_minus_one_to_three_KiB_is_a_keyword_as_in_Nova(string value, PageSizeKind kind)
    {
        Assert.Equal(kind, PageSizeSyntax.Parse(value)!.Value.Kind);
    }

    [Fact]
    public void A_fraction_is_truncated_into_the_cells_integer()
    {
        // ... but the cell's integer field truncates −2.5 to −2, which the fitter reads as large.
        Assert.Equal(PageSizeRequest.Large, PageSizeSyntax.Parse("-2560B")!.Value.Request);
        Assert.Equal(PageSizeRequest.OfKiB(1), PageSizeSyntax.Parse("1536B")!.Value.Request);
    }
}
