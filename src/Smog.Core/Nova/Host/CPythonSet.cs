namespace Smog.Nova.Host;

/// <summary>
/// Emulates the slot layout of a CPython 3.11 <c>set</c> so the engine can reproduce the
/// iteration orders Nova pins CPUs in (spec §3.2): Nova never sorts CPUs, it walks its
/// sibling list and each sibling set in hash-set order.
/// </summary>
/// <remarks>
/// Table of 8 slots; a key with hash h starts at h mod size; the slot and, when 9 more fit
/// before the end, the 9 following slots are probed; otherwise perturb ≫= 5 and
/// i = 5·i + 1 + perturb. After each new key the table grows to the smallest power of two
/// greater than 4·count once fill·5 ≥ mask·3, re-inserting the old keys in slot order.
/// Iteration is ascending slot. Keys are only ever added here (no deletions, no dummies).
/// </remarks>
internal sealed class CPythonSet<T> where T : IEquatable<T>
{
    private const int LinearProbes = 9;
    private const int PerturbShift = 5;

    private (ulong Hash, T Key, bool Used)[] _table = new (ulong, T, bool)[8];
    private readonly Func<T, ulong> _hash;

    public CPythonSet(Func<T, ulong> hash) => _hash = hash;

    public int Count { get; private set; }

    public static CPythonSet<T> From(IEnumerable<T> insertionOrder, Func<T, ulong> hash)
    {
        var set = new CPythonSet<T>(hash);
        foreach (var key in insertionOrder) set.Add(key);
        return set;
    }

    /// <summary>Adds a key; an equal key already present leaves the set unchanged.</summary>
    public void Add(T key)
    {
        var hash = _hash(key);
        if (!Insert(_table, hash, key, checkEquality: true)) return;
        Count++;
        var mask = (ulong)_table.Length - 1;
        if ((ulong)Count * 5 >= mask * 3) Resize();
    }

    public bool Contains(T key)
    {
        for (var i = 0; i < _table.Length; i++)
            if (_table[i].Used && !_deleted.Contains(i) && _table[i].Key.Equals(key)) return true;
        return false;
    }

    /// <summary>
    /// <c>set(other)</c> / <c>other.copy()</c>: CPython pre-sizes the empty table for twice the
    /// keys when needed, then copies slot for slot if both tables have the same size, otherwise
    /// re-inserts the keys in the other table's slot order.
    /// </summary>
    public static CPythonSet<T> CopyOf(CPythonSet<T> other)
    {
        var set = new CPythonSet<T>(other._hash);
        set.Merge(other);
        return set;
    }

    /// <summary><c>a | b</c>: a copy of <paramref name="a"/>, then <paramref name="b"/> merged in.</summary>
    public static CPythonSet<T> Union(CPythonSet<T> a, CPythonSet<T> b)
    {
        var set = CopyOf(a);
        set.Merge(b);
        return set;
    }

    /// <summary><c>a &amp; b</c>: walks the smaller operand (<paramref name="b"/> on a tie) and adds its keys found in the other.</summary>
    public static CPythonSet<T> Intersect(CPythonSet<T> a, CPythonSet<T> b)
    {
        var (walk, probe) = b.Count > a.Count ? (a, b) : (b, a);
        var set = new CPythonSet<T>(a._hash);
        foreach (var key in walk.InOrder())
            if (probe.Contains(key)) set.Add(key);
        return set;
    }

    /// <summary>
    /// <c>a - b</c>: when <paramref name="a"/> is over four times larger, a copy with the keys of
    /// <paramref name="b"/> deleted (slots keep their place); otherwise a new set of a's remaining keys in a's order.
    /// </summary>
    public static CPythonSet<T> Difference(CPythonSet<T> a, CPythonSet<T> b)
    {
        if ((a.Count >> 2) > b.Count)
        {
            var copy = CopyOf(a);
            for (var i = 0; i < copy._table.Length; i++)
                if (copy._table[i].Used && b.Contains(copy._table[i].Key)) copy._deleted.Add(i);
            copy.Count -= copy._deleted.Count;
            return copy;
        }
        var set = new CPythonSet<T>(a._hash);
        foreach (var key in a.InOrder())
            if (!b.Contains(key)) set.Add(key);
        return set;
    }

    private readonly HashSet<int> _deleted = [];

    private void Merge(CPythonSet<T> other)
    {
        var mask = (ulong)_table.Length - 1;
        if ((ulong)(Count + other.Count) * 5 >= mask * 3) ResizeFor((Count + other.Count) * 2);
        if (Count == 0 && _table.Length == other._table.Length && other._deleted.Count == 0)
        {
            System.Array.Copy(other._table, _table, _table.Length);
            Count = other.Count;
            return;
        }
        foreach (var key in other.InOrder()) Add(key);
    }

    /// <summary>Keys in iteration order (ascending slot).</summary>
    public IEnumerable<T> InOrder()
    {
        for (var i = 0; i < _table.Length; i++)
            if (_table[i].Used && !_deleted.Contains(i)) yield return _table[i].Key;
    }

    private void Resize() => ResizeFor(Count * 4);

    private void ResizeFor(int minUsed)
    {
        var newSize = 8UL;
        while (newSize <= (ulong)minUsed) newSize <<= 1;
        var old = _table;
        _table = new (ulong, T, bool)[newSize];
        foreach (var entry in old)
            if (entry.Used) Insert(_table, entry.Hash, entry.Key, checkEquality: false);
    }

    private static bool Insert((ulong Hash, T Key, bool Used)[] table, ulong hash, T key, bool checkEquality)
    {
        var mask = (ulong)table.Length - 1;
        var i = hash & mask;
        var perturb = hash;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0;
            for (var j = 0UL; j <= (ulong)probes; j++)
            {
                ref var slot = ref table[i + j];
                if (!slot.Used)
                {
                    slot = (hash, key, true);
                    return true;
                }
                if (checkEquality && slot.Hash == hash && slot.Key.Equals(key)) return false;
            }
            perturb >>= PerturbShift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }
}

/// <summary>CPython 3.8+ hashes for the keys Nova's sets hold: small ints and int tuples.</summary>
internal static class CPythonHash
{
    private const ulong P1 = 11400714785074694791UL;
    private const ulong P2 = 14029467366897019727UL;
    private const ulong P5 = 2870177450012600261UL;

    /// <summary>hash(n) for a non-negative int below 2^61−1 is n itself.</summary>
    public static ulong OfInt(int value) => (ulong)value;

    /// <summary>The xxHash-based tuple hash of CPython 3.8+ over int elements.</summary>
    public static ulong OfTuple(IReadOnlyList<int> items)
    {
        var acc = P5;
        foreach (var item in items)
        {
            acc += OfInt(item) * P2;
            acc = (acc << 31) | (acc >> 33);
            acc *= P1;
        }
        acc += (ulong)items.Count ^ (P5 ^ 3527539UL);
        return acc == ulong.MaxValue ? 1546275796UL : acc;
    }

    public static CPythonSet<int> IntSet(IEnumerable<int> items) => CPythonSet<int>.From(items, OfInt);

    /// <summary>Iteration order of <c>set(items)</c> built by inserting <paramref name="items"/> in order.</summary>
    public static IReadOnlyList<int> IntSetOrder(IEnumerable<int> items) =>
        CPythonSet<int>.From(items, OfInt).InOrder().ToList();
}
