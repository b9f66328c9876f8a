using CsCheck;
using Smog.Nova;

namespace Smog.Tests.Nova;

public class MicroversionTests
{
    [Fact]
    public void Orders_numerically_not_as_text()
    {
        Assert.True(Microversion.Parse("2.9") < Microversion.Parse("2.10"));
        Assert.True(Microversion.Parse("2.88") > Microversion.Parse("2.79"));
        Assert.Equal("2.80", Microversion.Parse("2.80").ToString());
    }

    [Fact]
    public void Text_round_trips() =>
        Property.ForAll(Gen.Int[0, 9].Select(Gen.Int[0, 200]), v =>
            Microversion.Parse(new Microversion(v.Item1, v.Item2).ToString()) == new Microversion(v.Item1, v.Item2));

    [Theory]
    [InlineData("latest")]
    [InlineData("2.x")]
    [InlineData("2.1.3")]
    [InlineData("")]
    [InlineData("-2.1")]
    [InlineData("2")]
    [InlineData("2.")]
    public void Rejects_malformed(string text) => Assert.False(Microversion.TryParse(text, out _));

    [Fact]
    public void Min_is_the_lower_version() =>
        Assert.Equal(new Microversion(2, 9), Microversion.Min(new(2, 10), new(2, 9)));
}
