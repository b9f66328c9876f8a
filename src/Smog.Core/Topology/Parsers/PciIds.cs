namespace Smog.Topology.Parsers;

/// <summary>
/// One canonical spelling for PCI identifiers across sources: addresses as lower-case
/// <c>dddd:bb:ss.f</c>; vendor, device and class as lower-case hex without <c>0x</c>, the class
/// as its 4-digit base class + subclass (sysfs's <c>0x020000</c> and hwloc's <c>0200</c> both
/// become <c>0200</c>).
/// </summary>
public static class PciIds
{
    public static string? Address(string? text)
    {
        if (text is null) return null;
        var t = text.Trim().ToLowerInvariant();
        if (t.Count(c => c == ':') == 1) t = "0000:" + t; // lstopo omits domain 0
        var parts = t.Split(':');
        if (parts.Length != 3 || parts[0].Length != 4 || parts[1].Length != 2) return null;
        var slot = parts[2].Split('.');
        if (slot.Length != 2 || slot[0].Length != 2 || slot[1].Length != 1) return null;
        return new[] { parts[0], parts[1], slot[0], slot[1] }.All(IsHex) ? t : null;
    }

    public static string? Hex(string? text, int digits)
    {
        if (text is null) return null;
        var t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("0x", StringComparison.Ordinal)) t = t[2..];
        if (t.Length < digits || !IsHex(t)) return null;
        return t[..digits];
    }

    private static bool IsHex(string s) => s.Length > 0 && s.All(Uri.IsHexDigit);
}
