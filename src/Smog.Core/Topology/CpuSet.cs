using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace Smog.Topology;

/// <summary>
/// An immutable set of CPU ids with the list notation shared by Linux sysfs, libvirt and
/// Nova (<c>0-3,8,10-11</c>). Ids are non-negative and at most <see cref="MaxCpuId"/>.
/// The canonical text form (<see cref="ToString"/>) is sorted with runs of two or more
/// consecutive ids collapsed into ranges; it is the only form used in logs, JSON and findings.
/// The empty set formats as the empty string.
/// </summary>
public sealed class CpuSet : IEquatable<CpuSet>, IReadOnlyCollection<int>
{
    /// <summary>Largest CPU id accepted; guards against "0-2000000000" exhausting memory.</summary>
    public const int MaxCpuId = 1 << 20;

    public static readonly CpuSet Empty = new(ImmutableArray<int>.Empty);

    private readonly ImmutableArray<int> _ids; // sorted ascending, distinct

    private CpuSet(ImmutableArray<int> sortedDistinct) => _ids = sortedDistinct;

    public static CpuSet Of(params IEnumerable<int> ids)
    {
        if (ids is CpuSet set) return set;
        var array = ids.ToArray();
        var length = SortedDistinct(array) ? array.Length : SortAndDedupe(array);
        if (length > 0 && (array[0] < 0 || array[length - 1] > MaxCpuId))
            throw new ArgumentOutOfRangeException(nameof(ids), $"CPU ids must be within 0..{MaxCpuId}");
        return length == 0 ? Empty : new CpuSet(ImmutableArray.Create(array, 0, length));
    }

    public static CpuSet Range(int first, int last)
    {
        if (last < first) return Empty;
        if (first < 0 || last > MaxCpuId) throw new ArgumentOutOfRangeException(nameof(first), $"CPU ids must be within 0..{MaxCpuId}");
        var ids = new int[last - first + 1];
        for (var i = 0; i < ids.Length; i++) ids[i] = first + i;
        return new CpuSet(ImmutableCollectionsMarshal.AsImmutableArray(ids));
    }

    /// <summary>A set over ids already sorted ascending and distinct (not checked again); the array is taken over.</summary>
    internal static CpuSet FromSorted(int[] sortedDistinct, int length)
    {
        if (length == 0) return Empty;
        return new CpuSet(length == sortedDistinct.Length
            ? ImmutableCollectionsMarshal.AsImmutableArray(sortedDistinct)
            : ImmutableArray.Create(sortedDistinct, 0, length));
    }

    public int Count => _ids.Length;
    public bool IsEmpty => _ids.IsEmpty;
    public int Min => _ids.IsEmpty ? throw new InvalidOperationException("empty CpuSet has no minimum") : _ids[0];
    public int Max => _ids.IsEmpty ? throw new InvalidOperationException("empty CpuSet has no maximum") : _ids[^1];

    /// <summary>The ids, ascending.</summary>
    internal ReadOnlySpan<int> Ids => _ids.AsSpan();

    public bool Contains(int cpu) => _ids.AsSpan().BinarySearch(cpu) >= 0;

    // The set operations merge the two sorted id lists: linear, and no hashing or sorting.
    public CpuSet Union(CpuSet other)
    {
        if (other.IsEmpty || ReferenceEquals(this, other)) return this;
        if (IsEmpty) return other;
        ReadOnlySpan<int> a = _ids.AsSpan(), b = other._ids.AsSpan();
        var result = new int[a.Length + b.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] < b[j]) result[n++] = a[i++];
            else if (a[i] > b[j]) result[n++] = b[j++];
            else { result[n++] = a[i++]; j++; }
        }
        while (i < a.Length) result[n++] = a[i++];
        while (j < b.Length) result[n++] = b[j++];
        return n == a.Length ? this : n == b.Length ? other : FromSorted(result, n);
    }

    public CpuSet Intersect(CpuSet other) => Filter(other, keep: true);
    public CpuSet Except(CpuSet other) => Filter(other, keep: false);

    public bool IsSubsetOf(CpuSet other)
    {
        ReadOnlySpan<int> a = _ids.AsSpan(), b = other._ids.AsSpan();
        var j = 0;
        foreach (var id in a)
        {
            while (j < b.Length && b[j] < id) j++;
            if (j == b.Length || b[j] != id) return false;
        }
        return true;
    }

    public bool Overlaps(CpuSet other)
    {
        ReadOnlySpan<int> a = _ids.AsSpan(), b = other._ids.AsSpan();
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) return true;
            if (a[i] < b[j]) i++;
            else j++;
        }
        return false;
    }

    /// <summary>The ids of this set that are (<paramref name="keep"/>) or are not in <paramref name="other"/>.</summary>
    private CpuSet Filter(CpuSet other, bool keep)
    {
        if (IsEmpty) return this;
        if (other.IsEmpty) return keep ? Empty : this;
        ReadOnlySpan<int> a = _ids.AsSpan(), b = other._ids.AsSpan();
        var result = new int[a.Length];
        int i = 0, j = 0, n = 0;
        while (i < a.Length)
        {
            while (j < b.Length && b[j] < a[i]) j++;
            var found = j < b.Length && b[j] == a[i];
            if (found == keep) result[n++] = a[i];
            i++;
        }
        return n == a.Length ? this : FromSorted(result, n);
    }

    private static bool SortedDistinct(int[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
            if (ids[i] <= ids[i - 1]) return false;
        return true;
    }

    /// <summary>Sorts in place and moves the distinct ids to the front; returns how many there are.</summary>
    private static int SortAndDedupe(int[] ids)
    {
        Array.Sort(ids);
        var n = 1;
        for (var i = 1; i < ids.Length; i++)
            if (ids[i] != ids[n - 1]) ids[n++] = ids[i];
        return n;
    }

    public static CpuSet operator |(CpuSet a, CpuSet b) => a.Union(b);
    public static CpuSet operator &(CpuSet a, CpuSet b) => a.Intersect(b);
    public static CpuSet operator -(CpuSet a, CpuSet b) => a.Except(b);

    /// <summary>Parses list notation; throws <see cref="FormatException"/> with the reason.</summary>
    public static CpuSet Parse(string text, bool allowExclusions = true) =>
        TryParse(text, out var set, out var error, allowExclusions) ? set : throw new FormatException(error);

    /// <summary>
    /// Parses list notation: comma-separated ids and inclusive ranges <c>a-b</c>, whitespace
    /// around tokens tolerated. With <paramref name="allowExclusions"/>, tokens <c>^n</c> or
    /// remove single ids from the union of the others (Nova's <c>parse_cpu_spec</c> and
    /// libvirt's cpuset syntax). Empty items are skipped as Nova does, so an empty or
    /// all-blank string is the empty set.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CpuSet? set,
        [NotNullWhen(false)] out string? error, bool allowExclusions = true)
    {
        set = null;
        if (text is null) { error = "CPU list is missing"; return false; }
        var include = new SortedSet<int>();
        var exclude = new SortedSet<int>();
        foreach (var raw in text.Split(','))
        {
            var token = raw.Trim();
            if (token.Length == 0) continue; // Nova skips empty items ("0-3,,5", trailing comma)
            if (token[0] == '^')
            {
                // Nova and libvirt exclude single ids only: "^2", never "^2-3".
                if (!allowExclusions) { error = $"exclusion '{token}' is not allowed here"; return false; }
                if (!TryParseId(token[1..].Trim(), out var excluded))
                {
                    error = $"'{token}' is not a CPU exclusion (expected ^N)";
                    return false;
                }
                exclude.Add(excluded);
                continue;
            }
            if (!TryParseRange(token, out var first, out var last, out error)) return false;
            for (var id = first; id <= last; id++) include.Add(id);
        }
        include.ExceptWith(exclude);
        set = include.Count == 0 ? Empty : new CpuSet([.. include]);
        error = null;
        return true;
    }

    private static bool TryParseRange(string token, out int first, out int last, [NotNullWhen(false)] out string? error)
    {
        first = last = 0;
        var dash = token.IndexOf('-', 1 < token.Length ? 1 : 0);
        var lo = dash < 0 ? token : token[..dash].Trim();
        var hi = dash < 0 ? token : token[(dash + 1)..].Trim();
        if (!TryParseId(lo, out first) || !TryParseId(hi, out last))
        {
            // 0-1000000000 is a range, just not of CPUs any host has: say which bound is wrong.
            error = IsDigits(lo) && IsDigits(hi) ? $"'{token}' is beyond the highest CPU id smog accepts ({MaxCpuId})" : $"'{token}' is not a CPU id or range";
            return false;
        }
        if (last < first)
        {
            error = $"range '{token}' ends before it starts";
            return false;
        }
        error = null;
        return true;
    }

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static bool TryParseId(string s, out int id) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id)
        && id <= MaxCpuId;

    /// <summary>Canonical list notation: sorted, consecutive runs of 2+ ids as <c>a-b</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _ids.Length;)
        {
            var j = i;
            while (j + 1 < _ids.Length && _ids[j + 1] == _ids[j] + 1) j++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(_ids[i]);
            if (j > i) sb.Append('-').Append(_ids[j]);
            i = j + 1;
        }
        return sb.ToString();
    }

    public bool Equals(CpuSet? other) =>
        other is not null && (ReferenceEquals(this, other) || _ids.AsSpan().SequenceEqual(other._ids.AsSpan()));
    public override bool Equals(object? obj) => Equals(obj as CpuSet);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var id in _ids) hash.Add(id);
        return hash.ToHashCode();
    }
    public static bool operator ==(CpuSet? a, CpuSet? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(CpuSet? a, CpuSet? b) => !(a == b);

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_ids).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
