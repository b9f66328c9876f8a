using System.Globalization;

namespace Smog.Cli.Rendering;

/// <summary>
/// Sizes for people: the largest binary unit the size reaches (<c>2 MiB</c>, <c>1 GiB</c>,
/// <c>9.75 GiB</c>), at most two decimals. JSON keeps the exact numbers.
/// </summary>
/// <remarks>Private to the CLI until Core's shared ByteSize offers human formatting.</remarks>
internal static class HumanSize
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string FromMiB(long mib) => mib == 0 ? "0 MiB" : FromKiB(mib * 1024);

    public static string FromKiB(long kib)
    {
        var unit = 0;
        var value = (decimal)kib;
        while (unit < Units.Length - 1 && Math.Abs(value) >= 1024)
        {
            value /= 1024;
            unit++;
        }
        return $"{Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture)} {Units[unit]}";
    }
}
