namespace Smog.Topology.Parsers;

/// <summary>
/// hwloc's bitmap text (<c>hwloc_bitmap_sscanf</c>): comma-separated 32-bit hex words, most
/// significant first, e.g. <c>0x000000ff,0xffffffff</c>. A leading <c>0xf...f</c> word marks an
/// infinitely set bitmap, which no CPU or node set in a topology uses, so it is refused.
/// Read by the hwloc XML parser, written by the embedded cloud's simulated <c>lstopo</c>.
/// </summary>
public static class HwlocBitmap
{
    private const int MaxWords = (CpuSet.MaxCpuId + 1) / 32;

    public static bool TryParse(string? text, out CpuSet set)
    {
        set = CpuSet.Empty;
        if (text is null) return false;
        var words = text.Trim().Split(',');
        if (words.Length > MaxWords) return false;
        var ids = new List<int>();
        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w].Trim();
            if (word.Length == 0 && words.Length > 1) continue; // hwloc writes a zero word after the first as nothing
            if (!word.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || word.Length is < 3 or > 10) return false;
            if (!uint.TryParse(word.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out var bits)) return false;
            var shift = (words.Length - 1 - w) * 32;
            for (var b = 0; b < 32; b++)
                if ((bits & (1u << b)) != 0) ids.Add(shift + b);
        }
        if (ids.Count > 0 && ids.Max() > CpuSet.MaxCpuId) return false;
        set = CpuSet.Of(ids);
        return true;
    }

    /// <summary>
    /// The set as <c>hwloc_bitmap_snprintf</c> writes it: the highest word holding an id and each word
    /// below it, comma separated, as <c>0x%08x</c>, except that a zero word is written as nothing, or
    /// as <c>0x0</c> when it is the last; an empty set is <c>0x0</c>.
    /// </summary>
    public static string Format(CpuSet set)
    {
        if (set.IsEmpty) return "0x0";
        var words = new uint[set.Max / 32 + 1];
        foreach (var id in set) words[id / 32] |= 1u << (id % 32);
        return string.Join(',', words.Select((w, i) => w != 0 ? "0x" + w.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
            : i == 0 ? "0x0" : "").Reverse());
    }
}
