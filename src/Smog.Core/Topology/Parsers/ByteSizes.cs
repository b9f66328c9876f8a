using System.Globalization;

namespace Smog.Topology.Parsers;

/// <summary>
/// Size units of the tools we read. libvirt's unit table (virScaleInteger): <c>b/bytes</c>,
/// <c>KB/MB/GB/TB</c> are powers of 1000, <c>k/KiB/M/MiB/G/GiB/T/TiB</c> powers of 1024.
/// lstopo's console suffixes (KB, MB, GB, TB) are binary, as hwloc divides by 1024.
/// </summary>
internal static class ByteSizes
{
    public static long? LibvirtFactor(string? unit) => (unit ?? "KiB") switch
    {
        "b" or "byte" or "bytes" => 1,
        "KB" => 1000,
        "k" or "K" or "KiB" => 1024,
        "MB" => 1000_000,
        "m" or "M" or "MiB" => 1024L * 1024,
        "GB" => 1000_000_000,
        "g" or "G" or "GiB" => 1024L * 1024 * 1024,
        "TB" => 1000_000_000_000,
        "t" or "T" or "TiB" => 1024L * 1024 * 1024 * 1024,
        _ => null,
    };

    public static long? LstopoFactor(string unit) => unit switch
    {
        "B" => 1,
        "KB" => 1024,
        "MB" => 1024L * 1024,
        "GB" => 1024L * 1024 * 1024,
        "TB" => 1024L * 1024 * 1024 * 1024,
        "PB" => 1024L * 1024 * 1024 * 1024 * 1024,
        _ => null,
    };

    /// <summary>value × factor in bytes, or null on overflow.</summary>
    public static long? Scale(long value, long factor) =>
        value < 0 || (factor != 0 && value > long.MaxValue / factor) ? null : value * factor;

    public static long ToMiB(long bytes) => bytes / (1024 * 1024);
    public static long ToKiB(long bytes) => bytes / 1024;

    public static bool TryParseDecimal(string s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
