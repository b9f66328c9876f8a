using CsCheck;

namespace Smog.Tests;

/// <summary>What one property run did: samples generated, and samples the law actually checked.</summary>
internal sealed record PropertyTally(long Generated, long Checked, long Minimum)
{
    public override string ToString() => $"{Checked} of {Generated} samples checked (minimum {Minimum})";
}

/// <summary>
/// Runs a CsCheck property and counts the samples it checked, so a law whose precondition never
/// holds fails instead of passing on nothing.
/// </summary>
internal static class Property
{
    /// <summary>
    /// Samples <paramref name="gen"/> <paramref name="iter"/> times. <paramref name="law"/> answers
    /// null when a sample does not meet the law's precondition (not checked), else whether the law
    /// holds (it may also assert). Fails unless at least <paramref name="minimum"/> samples were checked.
    /// </summary>
    public static PropertyTally Check<T>(Gen<T> gen, Func<T, bool?> law, long minimum, long iter = 100, int threads = -1)
    {
        var counts = new Counts();
        gen.Sample(sample =>
        {
            Interlocked.Increment(ref counts.Generated);
            if (law(sample) is not { } holds) return true;
            Interlocked.Increment(ref counts.Checked);
            return holds;
        }, iter: iter, threads: threads);
        var tally = new PropertyTally(counts.Generated, counts.Checked, minimum);
        TestContext.Current.TestOutputHelper?.WriteLine(tally.ToString());
        if (tally.Checked < minimum) Assert.Fail($"the property checked too little: {tally}");
        return tally;
    }

    /// <summary>A law without a precondition: every sample is checked.</summary>
    public static PropertyTally ForAll<T>(Gen<T> gen, Func<T, bool> law, long iter = 100, int threads = -1) =>
        Check(gen, s => law(s), minimum: iter, iter, threads);

    /// <summary>A law that asserts, without a precondition: every sample is checked.</summary>
    public static PropertyTally ForAll<T>(Gen<T> gen, Action<T> law, long iter = 100, int threads = -1) =>
        Check(gen, s => { law(s); return true; }, minimum: iter, iter, threads);

    // One call's private accumulator: CsCheck samples on several threads.
    private sealed class Counts
    {
        public long Generated;
        public long Checked;
    }
}
