using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Smog.Units;

/// <summary>
/// An amount of memory in bytes, the one size type of Smog. Written with the largest binary unit
/// that divides it exactly (<c>2 GiB</c>, <c>1536 MiB</c>, <c>512 KiB</c>, <c>100 B</c>): the one text
/// form for sizes in findings, tables and messages.
/// </summary>
public readonly record struct ByteSize(ulong Bytes) : IComparable<ByteSize>
{
    public const ulong KiBytes = 1024;
    public const ulong MiBytes = 1024 * KiBytes;
    public const ulong GiBytes = 1024 * MiBytes;

    public static ByteSize FromKiB(ulong kib) => new(checked(kib * KiBytes));
    public static ByteSize FromMiB(ulong mib) => new(checked(mib * MiBytes));

    /// <summary>Whole KiB (rounded down).</summary>
    public ulong KiB => Bytes / KiBytes;

    /// <summary>Whole MiB (rounded down).</summary>
    public ulong MiB => Bytes / MiBytes;

    /// <summary><paramref name="value"/> × <paramref name="scale"/> bytes; null when negative or too large.</summary>
    public static ByteSize? Scaled(long value, ulong scale)
    {
        if (value < 0) return null;
        try { return new ByteSize(checked((ulong)value * scale)); }
        catch (OverflowException) { return null; }
    }

    /// <summary>
    /// Reads a libvirt scaled integer: <paramref name="value"/> in <paramref name="unit"/> (see
    /// <see cref="LibvirtUnits"/>), or in <paramref name="defaultScale"/> bytes when the unit is
    /// absent (KiB for every memory field of domain XML and capabilities).
    /// </summary>
    public static bool TryParse(string? value, string? unit, ulong defaultScale, [NotNullWhen(false)] out string? error, out ByteSize size)
    {
        size = default;
        if (!ulong.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{value}' is not a non-negative integer";
            return false;
        }
        if (!LibvirtUnits.TryScale(unit, defaultScale, out var scale))
        {
            error = $"'{unit}' is not a libvirt unit";
            return false;
        }
        try
        {
            size = new ByteSize(checked(number * scale));
        }
        catch (OverflowException)
        {
            error = $"{value} {unit} is too large";
            return false;
        }
        error = null;
        return true;
    }

    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    private static readonly string[] HumanUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>
    /// For people: the largest binary unit the size reaches, at most two decimals
    /// (<c>2 MiB</c>, <c>1 GiB</c>, <c>9.75 GiB</c>). <see cref="ToString"/> stays exact.
    /// </summary>
    public string ToHuman()
    {
        var unit = 0;
        var value = (decimal)Bytes;
        while (unit < HumanUnits.Length - 1 && value >= 1024)
        {
            value /= 1024;
            unit++;
        }
        return $"{Math.Round(value, 2).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} {HumanUnits[unit]}";
    }

    public override string ToString() => Bytes switch
    {
        0 => "0 B",
        _ when Bytes % GiBytes == 0 => $"{Bytes / GiBytes} GiB",
        _ when Bytes % MiBytes == 0 => $"{Bytes / MiBytes} MiB",
        _ when Bytes % KiBytes == 0 => $"{Bytes / KiBytes} KiB",
        _ => $"{Bytes} B",
    };
}

/// <summary>
/// libvirt's unit table (<c>virScaleInteger</c>), used by domain XML and capabilities: <c>b</c>,
/// <c>byte</c>, <c>bytes</c> = 1; a single letter or letter + <c>iB</c> is a power of 1024
/// (<c>k</c>, <c>KiB</c>, <c>M</c>, <c>MiB</c> … up to <c>E</c>); letter + <c>B</c> is a power of 1000
/// (<c>KB</c>, <c>MB</c> …). Case-insensitive.
/// </summary>
public static class LibvirtUnits
{
    private const string Prefixes = "kmgtpe";

    public static bool TryScale(string? unit, ulong defaultScale, out ulong scale)
    {
        scale = defaultScale;
        if (string.IsNullOrEmpty(unit)) return true;
        var u = unit.ToLowerInvariant();
        if (u is "b" or "byte" or "bytes") { scale = 1; return true; }
        ulong baseValue;
        if (u.Length == 1 || u[1..] == "ib") baseValue = 1024;
        else if (u.Length == 2 && u[1] == 'b') baseValue = 1000;
        else return false;
        var power = Prefixes.IndexOf(u[0]);
        if (power < 0) return false;
        scale = 1;
        for (var i = 0; i <= power; i++) scale *= baseValue;
        return true;
    }
}

/// <summary>
/// The size suffixes of lstopo's console output (<c>B</c>, <c>KB</c>, <c>MB</c>, <c>GB</c>, <c>TB</c>,
/// <c>PB</c>), which are binary: hwloc divides by 1024 and writes "KB". numactl's "MB" is binary too.
/// </summary>
public static class LstopoUnits
{
    /// <summary>Bytes per unit; null for a suffix lstopo does not print.</summary>
    public static ulong? Scale(string unit) => unit switch
    {
        "B" => 1,
        "KB" => ByteSize.KiBytes,
        "MB" => ByteSize.MiBytes,
        "GB" => ByteSize.GiBytes,
        "TB" => 1024 * ByteSize.GiBytes,
        "PB" => 1024 * 1024 * ByteSize.GiBytes,
        _ => null,
    };
}
