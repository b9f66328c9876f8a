using CsCheck;
using Smog.Nova.Host;

namespace Smog.Tests.Nova;

/// <summary>The flattened free sibling sets pinning walks, against the list of sets they hold.</summary>
public sealed class FreeCoresTests
{
    private static readonly Gen<int[][]> Sets = Gen.Int[1, 4].Array[0, 12].Select(lengths =>
    {
        var next = 0;
        return lengths.Select(n => Enumerable.Range(next, n).Select(_ => next++).ToArray()).ToArray();
    });

    [Fact]
    public void Room_counts_the_threads_the_bucket_offers() =>
        Property.ForAll(Gen.Select(Sets, Gen.Int[1, 5], Gen.Int[1, 6]), x =>
        {
            var (sets, fullerThan, threads) = x;
            var cores = new FreeCores(sets);
            var expected = sets.Where(s => s.Length >= fullerThan).Sum(s => Math.Min(threads, s.Length));
            return cores.Room(fullerThan, threads) == expected
                && cores.Room(1, int.MaxValue) == sets.Sum(s => s.Length)
                && cores.MaxThreads == (sets.Length == 0 ? 0 : sets.Max(s => s.Length))
                && Enumerable.Range(0, cores.Count).All(i => cores.Set(i).SequenceEqual(sets[i]));
        }, iter: 2000);
}
