using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
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
        var sorted = ids.Distinct().Order().ToImmutableArray();
        if (sorted.Length > 0 && (sorted[0] < 0 || sorted[^1] > MaxCpuId))
            throw new ArgumentOutOfRangeException(nameof(ids), $"CPU ids must be within 0..{MaxCpuId}");
        return sorted.IsEmpty ? Empty : new CpuSet(sorted);
    }

    public static CpuSet Range(int first, int last) =>
        last < first ? Empty : Of(Enumerable.Range(first, last - first + 1));

    public int Count => _ids.Length;
    public bool IsEmpty => _ids.IsEmpty;
    public int Min => _ids.IsEmpty ? throw new InvalidOperationException("empty CpuSet has no minimum") : _ids[0];
    public int Max => _ids.IsEmpty ? throw new InvalidOperationException("empty CpuSet has no maximum") : _ids[^1];

    public bool Contains(int cpu) => _ids.BinarySearch(cpu) >= 0;

    public CpuSet Union(CpuSet other) => Of(_ids.Concat(other._ids));
    public CpuSet Intersect(CpuSet other) => Of(_ids.Where(other.Contains));
    public CpuSet Except(CpuSet other) => Of(_ids.Where(id => !other.Contains(id)));
    public bool IsSubsetOf(CpuSet other) => _ids.All(other.Contains);
    public bool Overlaps(CpuSet other) => _ids.Any(other.Contains);

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

    public bool Equals(CpuSet? other) => other is not null && _ids.SequenceEqual(other._ids);
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
