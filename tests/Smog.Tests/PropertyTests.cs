using CsCheck;
using Xunit.Sdk;

namespace Smog.Tests;

/// <summary>The property runner counts what it checked: a law that checks nothing is red, not green.</summary>
public class PropertyTests
{
    [Fact]
    public void A_property_that_checks_nothing_fails()
    {
        var error = Assert.Throws<FailException>(() => Property.Check(Gen.Int, _ => null, minimum: 1));
        Assert.Equal("the property checked too little: 0 of 100 samples checked (minimum 1)", error.Message);
    }

    [Fact]
    public void A_property_that_checks_fewer_samples_than_stated_fails()
    {
        // Only 0..9 of 0..999 meet the precondition: about 10 of 1,000, never 900.
        var error = Assert.Throws<FailException>(() => Property.Check(Gen.Int[0, 999], i => i < 10 ? true : null, minimum: 900, iter: 1000));
        Assert.Contains("of 1000 samples checked (minimum 900)", error.Message);
    }

    [Fact]
    public void Every_sample_of_a_law_without_a_precondition_is_counted()
    {
        var tally = Property.ForAll(Gen.Int[0, 9], i => i is >= 0 and <= 9, iter: 250);
        Assert.Equal(new PropertyTally(250, 250, 250), tally);
    }

    [Fact]
    public void Only_samples_that_meet_the_precondition_are_counted()
    {
        var seen = new int[2];
        var tally = Property.Check(Gen.Int[0, 1], i =>
        {
            Interlocked.Increment(ref seen[i]);
            return i == 1 ? true : null;
        }, minimum: 0, iter: 400, threads: 1);
        Assert.Equal(new PropertyTally(400, seen[1], 0), tally);
    }

    [Fact]
    public void A_violated_law_still_fails()
    {
        Assert.ThrowsAny<Exception>(() => Property.ForAll(Gen.Int[0, 9], i => i < 5, iter: 200));
        Assert.ThrowsAny<Exception>(() => Property.ForAll(Gen.Int[0, 9], i => Assert.True(i < 5), iter: 200));
    }
}
