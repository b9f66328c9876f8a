namespace Smog.Nova.Specs;

/// <summary>
/// A CPython 3.11 <c>set</c> of small non-negative ints, kept only for its iteration order.
/// Nova iterates such sets when it checks <c>hw:numa_cpus.N</c> lists, so which of two bad vCPUs
/// it reports first (out of range or duplicated) depends on the hash-table layout, e.g. {2, 4, 10}
/// iterates as 2, 10, 4. The table rules (8 slots to start, linear probes of 9 when they fit,
/// perturbed probing, growth when fill·5 ≥ mask·3, dummies on removal, <c>set_merge</c> shortcuts)
/// follow CPython's setobject.c; an int hashes to itself.
/// </summary>
internal sealed class PyIntSet
{
    private const int LinearProbes = 9;
    private const int PerturbShift = 5;
    private const long Empty = -1;   // no key ever stored
    private const long Dummy = -2;   // removed key

    private long[] _table = NewTable(8);
    private int _fill;               // active + dummy slots
    private int _used;               // active slots

    public int Count => _used;

    /// <summary>Elements in iteration order (ascending slot).</summary>
    public IEnumerable<int> Items => _table.Where(k => k >= 0).Select(k => (int)k);

    /// <summary><c>set(range(first, last + 1))</c>: elements added one by one.</summary>
    public static PyIntSet OfRange(long first, long last)
    {
        var set = new PyIntSet();
        for (var i = first; i <= last; i++) set.Add(i);
        return set;
    }

    /// <summary><c>set(iterable)</c> over the given order.</summary>
    public static PyIntSet Of(IEnumerable<int> items)
    {
        var set = new PyIntSet();
        foreach (var i in items) set.Add(i);
        return set;
    }

    /// <summary><c>set.add</c> (CPython <c>set_add_entry</c>).</summary>
    public void Add(long key)
    {
        var mask = _table.Length - 1;
        var i = key & mask;
        var perturb = (ulong)key;
        long freeSlot = -1;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0;
            for (var j = i; j <= i + probes; j++)
            {
                var k = _table[j];
                if (k == key) return;
                if (k == Empty)
                {
                    if (freeSlot >= 0) { _table[freeSlot] = key; _used++; return; }
                    _table[j] = key;
                    _fill++;
                    _used++;
                    if (_fill * 5 >= mask * 3) Resize(_used > 50000 ? _used * 2 : _used * 4);
                    return;
                }
                if (k == Dummy && freeSlot < 0) freeSlot = j;
            }
            perturb >>= PerturbShift;
            i = (long)(((ulong)i * 5 + 1 + perturb) & (ulong)mask);
        }
    }

    /// <summary><c>set.discard</c>: leaves a dummy so later probes still pass the slot.</summary>
    public void Discard(long key)
    {
        var j = Array.IndexOf(_table, key);
        if (j < 0) return;
        _table[j] = Dummy;
        _used--;
    }

    /// <summary><c>self |= other</c> (CPython <c>set_merge</c>).</summary>
    public void UnionUpdate(PyIntSet other)
    {
        if (ReferenceEquals(other, this) || other._used == 0) return;
        var mask = _table.Length - 1;
        if ((_fill + other._used) * 5 >= mask * 3) Resize((_used + other._used) * 2);
        if (_fill == 0 && _table.Length == other._table.Length && other._fill == other._used)
        {
            _table = (long[])other._table.Clone();
            (_fill, _used) = (other._fill, other._used);
            return;
        }
        if (_fill == 0)
        {
            foreach (var k in other._table) if (k >= 0) InsertClean(_table, k);
            (_fill, _used) = (other._used, other._used);
            return;
        }
        foreach (var k in other._table) if (k >= 0) Add(k);
    }

    /// <summary><c>self -= other</c>: discards other's elements in its iteration order.</summary>
    public void DifferenceUpdate(PyIntSet other)
    {
        if (ReferenceEquals(other, this)) { _table = NewTable(8); _fill = _used = 0; return; }
        foreach (var k in other.Items) Discard(k);
    }

    private void Resize(int minUsed)
    {
        var size = 8;
        while (size <= minUsed) size <<= 1;
        var old = _table;
        _table = NewTable(size);
        foreach (var k in old) if (k >= 0) InsertClean(_table, k);
        _fill = _used;
    }

    private static void InsertClean(long[] table, long key)
    {
        var mask = table.Length - 1;
        var i = key & mask;
        var perturb = (ulong)key;
        while (true)
        {
            var probes = i + LinearProbes <= mask ? LinearProbes : 0;
            for (var j = i; j <= i + probes; j++)
                if (table[j] == Empty) { table[j] = key; return; }
            perturb >>= PerturbShift;
            i = (long)(((ulong)i * 5 + 1 + perturb) & (ulong)mask);
        }
    }

    private static long[] NewTable(int size)
    {
        var t = new long[size];
        Array.Fill(t, Empty);
        return t;
    }
}
