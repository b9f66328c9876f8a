using Smog.Topology;

namespace Smog.Nova.Python;

/// <summary>
/// A CPython 3.11 <c>set</c>, kept for its iteration order. Nova never sorts CPUs: it pins them
/// walking its sibling list and each sibling set in hash-table order
/// (nova-26-numa-semantics.md §3.2), and it reports the first bad vCPU of a
/// <c>hw:numa_cpus.N</c> list in the order of the set <c>parse_cpu_spec</c> built, e.g. {2, 4, 10}
/// iterates as 2, 10, 4.
/// </summary>
/// <remarks>
/// The table rules follow CPython's setobject.c: 8 slots to start; a key with hash h starts at
/// h mod size, probes that slot and, when 9 more fit before the end, the 9 following ones,
/// otherwise perturb ≫= 5 and i = 5·i + 1 + perturb. After a key lands in a never-used slot the
/// table grows once fill·5 ≥ mask·3 (fill counts removed keys' dummies too) to the smallest power
/// of two above 4·used (2·used past 50,000), re-inserting the keys in slot order. A removed key
/// leaves a dummy, which a later add may reuse. Iteration is ascending slot. Not modelled: the
/// resize after <c>-=</c> leaves over a quarter of the slots dummy (see <see cref="DifferenceUpdate"/>).
/// </remarks>
internal sealed class PySet<T> where T : IEquatable<T>
{
    private const int LinearProbes = 9;
    private const int PerturbShift = 5;

    private enum SlotState : byte { Empty, Active, Dummy }

    private readonly record struct Slot(ulong Hash, T Key, SlotState State);

    private readonly Func<T, ulong> _hash;
    private Slot[] _table = new Slot[8];
    private int _fill;   // active + dummy slots
    private int _used;   // active slots

    public PySet(Func<T, ulong> hash) => _hash = hash;

    public int Count => _used;

    /// <summary><c>set(iterable)</c>: the keys added one by one in the given order.</summary>
    public static PySet<T> From(IEnumerable<T> insertionOrder, Func<T, ulong> hash)
    {
        var set = new PySet<T>(hash);
        foreach (var key in insertionOrder) set.Add(key);
        return set;
    }

    /// <summary><c>set(iterable)</c> over a span: the keys added one by one in order.</summary>
    public static PySet<T> From(ReadOnlySpan<T> insertionOrder, Func<T, ulong> hash)
    {
        var set = new PySet<T>(hash);
        foreach (var key in insertionOrder) set.Add(key);
        return set;
    }

    /// <summary>Keys in iteration order (ascending slot).</summary>
    public T[] InOrder()
    {
        var keys = new T[_used];
        var n = 0;
        foreach (var slot in _table)
            if (slot.State == SlotState.Active) keys[n++] = slot.Key;
        return keys;
    }

    public bool Contains(T key) => IndexOf(key) >= 0;

    /// <summary><c>set.add</c> (<c>set_add_entry</c>): an equal key already present leaves the set unchanged.</summary>
    public void Add(T key)
    {
        var hash = _hash(key);
        var mask = (ulong)_table.Length - 1;
        var i = hash & mask;
        var perturb = hash;
        long freeSlot = -1;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0UL;
            for (var j = i; j <= i + probes; j++)
            {
                var slot = _table[j];
                if (slot.State == SlotState.Active && slot.Hash == hash && slot.Key.Equals(key)) return;
                if (slot.State == SlotState.Dummy && freeSlot < 0) freeSlot = (long)j;
                if (slot.State != SlotState.Empty) continue;
                if (freeSlot >= 0)
                {
                    _table[freeSlot] = new Slot(hash, key, SlotState.Active);
                    _used++;
                    return;
                }
                _table[j] = new Slot(hash, key, SlotState.Active);
                _fill++;
                _used++;
                if ((ulong)_fill * 5 >= mask * 3) Resize(_used > 50000 ? _used * 2 : _used * 4);
                return;
            }
            perturb >>= PerturbShift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }

    /// <summary><c>set.discard</c>: leaves a dummy so later probes still pass the slot.</summary>
    public void Discard(T key)
    {
        var j = IndexOf(key);
        if (j < 0) return;
        _table[j] = _table[j] with { State = SlotState.Dummy };
        _used--;
    }

    /// <summary>
    /// <c>self |= other</c> (<c>set_merge</c>): pre-sizes for twice the keys when needed, copies the
    /// table slot for slot when this set is empty, of the same size and the other has no dummies,
    /// inserts into an empty table without equality checks, and otherwise adds the other's keys in its order.
    /// </summary>
    public void UnionUpdate(PySet<T> other)
    {
        if (ReferenceEquals(other, this) || other._used == 0) return;
        var mask = _table.Length - 1;
        if ((_fill + other._used) * 5 >= mask * 3) Resize((_used + other._used) * 2);
        if (_fill == 0 && _table.Length == other._table.Length && other._fill == other._used)
        {
            _table = (Slot[])other._table.Clone();
            (_fill, _used) = (other._fill, other._used);
            return;
        }
        if (_fill == 0)
        {
            foreach (var slot in other._table)
                if (slot.State == SlotState.Active) InsertClean(_table, slot);
            (_fill, _used) = (other._used, other._used);
            return;
        }
        foreach (var key in other.InOrder()) Add(key);
    }

    /// <summary>
    /// <c>self -= other</c>: discards the other's keys in its iteration order. CPython then resizes
    /// when over a quarter of the slots are dummies; the engine's sets never get there.
    /// </summary>
    public void DifferenceUpdate(PySet<T> other)
    {
        if (ReferenceEquals(other, this))
        {
            _table = new Slot[8];
            _fill = _used = 0;
            return;
        }
        foreach (var key in other.InOrder()) Discard(key);
    }

    /// <summary><c>set(other)</c> / <c>other.copy()</c>: an empty set updated with <paramref name="other"/>.</summary>
    public static PySet<T> CopyOf(PySet<T> other)
    {
        var set = new PySet<T>(other._hash);
        set.UnionUpdate(other);
        return set;
    }

    /// <summary><c>a | b</c>: a copy of <paramref name="a"/>, then <paramref name="b"/> merged in.</summary>
    public static PySet<T> Union(PySet<T> a, PySet<T> b)
    {
        var set = CopyOf(a);
        set.UnionUpdate(b);
        return set;
    }

    /// <summary><c>a &amp; b</c>: walks the smaller operand (<paramref name="b"/> on a tie) and adds its keys found in the other.</summary>
    public static PySet<T> Intersect(PySet<T> a, PySet<T> b)
    {
        var (walk, probe) = b.Count > a.Count ? (a, b) : (b, a);
        var set = new PySet<T>(a._hash);
        foreach (var key in walk.InOrder())
            if (probe.Contains(key)) set.Add(key);
        return set;
    }

    /// <summary>
    /// <c>a - b</c>: when <paramref name="a"/> is over four times larger, a copy with the keys of
    /// <paramref name="b"/> discarded (slots keep their place); otherwise a new set of a's remaining keys in a's order.
    /// </summary>
    public static PySet<T> Difference(PySet<T> a, PySet<T> b)
    {
        if ((a.Count >> 2) > b.Count)
        {
            var copy = CopyOf(a);
            copy.DifferenceUpdate(b);
            return copy;
        }
        var set = new PySet<T>(a._hash);
        foreach (var key in a.InOrder())
            if (!b.Contains(key)) set.Add(key);
        return set;
    }

    /// <summary>The slot holding <paramref name="key"/>, or −1: the probe sequence <see cref="Add"/> used, up to the first never-used slot.</summary>
    private int IndexOf(T key)
    {
        var hash = _hash(key);
        var mask = (ulong)_table.Length - 1;
        var i = hash & mask;
        var perturb = hash;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0UL;
            for (var j = i; j <= i + probes; j++)
            {
                var slot = _table[j];
                if (slot.State == SlotState.Empty) return -1;
                if (slot.State == SlotState.Active && slot.Hash == hash && slot.Key.Equals(key)) return (int)j;
            }
            perturb >>= PerturbShift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }

    private void Resize(int minUsed)
    {
        var size = 8;
        while (size <= minUsed) size <<= 1;
        var old = _table;
        _table = new Slot[size];
        foreach (var slot in old)
            if (slot.State == SlotState.Active) InsertClean(_table, slot);
        _fill = _used;
    }

    private static void InsertClean(Slot[] table, Slot entry)
    {
        var mask = (ulong)table.Length - 1;
        var i = entry.Hash & mask;
        var perturb = entry.Hash;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0UL;
            for (var j = i; j <= i + probes; j++)
            {
                if (table[j].State != SlotState.Empty) continue;
                table[j] = entry;
                return;
            }
            perturb >>= PerturbShift;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }
}

/// <summary>Sets of the keys Nova's sets hold: small non-negative ints (and int tuples via <see cref="PyHash.OfTuple"/>).</summary>
internal static class PySet
{
    public static PySet<int> OfInts() => new(PyHash.OfInt);

    /// <summary><c>set(items)</c> built by adding <paramref name="items"/> in order.</summary>
    public static PySet<int> OfInts(IEnumerable<int> items) => PySet<int>.From(items, PyHash.OfInt);

    public static PySet<int> OfInts(ReadOnlySpan<int> items) => PySet<int>.From(items, PyHash.OfInt);

    /// <summary><c>set(cpus)</c> built in ascending order.</summary>
    public static PySet<int> OfInts(CpuSet cpus) => PySet<int>.From(cpus.Ids, PyHash.OfInt);

    /// <summary><c>set(range(first, last + 1))</c>.</summary>
    public static PySet<int> OfRange(int first, int last) => OfInts(Enumerable.Range(first, last - first + 1));

    /// <summary>Iteration order of <c>set(items)</c> built by adding <paramref name="items"/> in order.</summary>
    public static IReadOnlyList<int> IntOrder(IEnumerable<int> items) => IntOrder(items.ToArray().AsSpan());

    /// <summary>
    /// <see cref="IntOrder(IEnumerable{int})"/> for a short list without building a
    /// <see cref="PySet{T}"/>: a fresh set only ever adds, so the table is keys plus a used flag,
    /// grown by the same rule (at most 32 slots for 16 keys). Sibling sets are this short.
    /// </summary>
    public static int[] IntOrder(ReadOnlySpan<int> items)
    {
        const int MaxShort = 16, MaxSlots = 32;
        if (items.Length > MaxShort) return OfInts(items).InOrder();
        Span<int> keys = stackalloc int[MaxSlots];
        Span<bool> used = stackalloc bool[MaxSlots];
        Span<int> moved = stackalloc int[MaxShort];
        var size = 8;
        int fill = 0;
        foreach (var key in items)
        {
            if (!TryInsert(keys[..size], used[..size], key, checkEqual: true)) continue;
            if (++fill * 5 < (size - 1) * 3) continue;
            // Resize to the smallest power of two above 4·used, re-inserting in slot order.
            var n = 0;
            for (var j = 0; j < size; j++)
                if (used[j]) moved[n++] = keys[j];
            for (size = 8; size <= fill * 4; size <<= 1) { }
            used[..size].Clear();
            foreach (var k in moved[..n]) TryInsert(keys[..size], used[..size], k, checkEqual: false);
        }
        var order = new int[fill];
        var o = 0;
        for (var j = 0; j < size; j++)
            if (used[j]) order[o++] = keys[j];
        return order;
    }

    /// <summary>One add on the short table (the probe sequence of <see cref="PySet{T}.Add"/>); false when the key was there.</summary>
    private static bool TryInsert(Span<int> keys, Span<bool> used, int key, bool checkEqual)
    {
        var hash = PyHash.OfInt(key);
        var mask = (ulong)keys.Length - 1;
        var i = hash & mask;
        var perturb = hash;
        while (true)
        {
            var probes = i + 9 <= mask ? 9UL : 0UL;
            for (var j = i; j <= i + probes; j++)
            {
                if (!used[(int)j])
                {
                    (keys[(int)j], used[(int)j]) = (key, true);
                    return true;
                }
                if (checkEqual && keys[(int)j] == key) return false;
            }
            perturb >>= 5;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }
}

/// <summary>CPython 3.8+ hashes for the keys Nova's sets hold: small ints and int tuples.</summary>
internal static class PyHash
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
}
