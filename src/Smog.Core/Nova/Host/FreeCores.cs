namespace Smog.Nova.Host;

/// <summary>
/// Nova's <c>free_siblings</c> of one host cell, flattened: set <c>i</c> holds
/// <c>Threads[Starts[i]..Starts[i + 1]]</c>, sets in list order, threads in the order Nova walks
/// them. One array instead of one per core, and the counts pinning asks first are precomputed.
/// </summary>
internal sealed class FreeCores
{
    private readonly int[] _setsWithAtLeast; // [t]: sets with at least t free threads

    public FreeCores(IReadOnlyList<int[]> sets)
    {
        Starts = new int[sets.Count + 1];
        for (var i = 0; i < sets.Count; i++)
        {
            Starts[i + 1] = Starts[i] + sets[i].Length;
            MaxThreads = Math.Max(MaxThreads, sets[i].Length);
        }
        Threads = new int[Starts[^1]];
        for (var i = 0; i < sets.Count; i++) sets[i].CopyTo(Threads, Starts[i]);
        _setsWithAtLeast = new int[MaxThreads + 1];
        foreach (var set in sets)
            for (var t = 0; t <= set.Length; t++) _setsWithAtLeast[t]++;
    }

    public int[] Threads { get; }
    public int[] Starts { get; }
    public int Count => Starts.Length - 1;
    /// <summary>Free threads of the fullest set; 0 when nothing is free.</summary>
    public int MaxThreads { get; }

    public ReadOnlySpan<int> Set(int i) => Threads.AsSpan(Starts[i], Starts[i + 1] - Starts[i]);

    /// <summary>
    /// How many threads the sets with at least <paramref name="fullerThan"/> free threads offer
    /// when at most <paramref name="threads"/> are taken from each: Σ min(threads, len), counted
    /// as Σ over j = 1..threads of the sets with at least max(fullerThan, j) threads.
    /// </summary>
    public int Room(int fullerThan, int threads)
    {
        var room = 0;
        for (var j = 1; j <= Math.Min(threads, MaxThreads); j++)
            room += SetsWithAtLeast(Math.Max(fullerThan, j));
        return room;
    }

    private int SetsWithAtLeast(int threads) => threads <= MaxThreads ? _setsWithAtLeast[threads] : 0;
}
