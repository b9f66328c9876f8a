using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Smog.Nova;

/// <summary>
/// An OpenStack API microversion such as compute 2.88 or placement 1.39: the one type Smog uses
/// for them, in the linter, the REST client and its version negotiation.
/// </summary>
/// <remarks>
/// Ordered numerically (2.9 &lt; 2.10), never as text. The canonical text, which
/// <see cref="Parse"/> and <see cref="TryParse"/> accept and <see cref="ToString"/> writes, is
/// "major.minor" with both numbers present and unsigned, so "2.80" stays 2.80 and "latest" or a
/// bare "2" are not microversions. The default value is 0.0.
/// </remarks>
public readonly record struct Microversion(int Major, int Minor) : IComparable<Microversion>
{
    public static Microversion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a microversion like 2.79");

    public static bool TryParse([NotNullWhen(true)] string? text, out Microversion version)
    {
        version = default;
        var parts = text?.Trim().Split('.') ?? [];
        if (parts.Length != 2) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)) return false;
        version = new Microversion(major, minor);
        return true;
    }

    public int CompareTo(Microversion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(Microversion a, Microversion b) => a.CompareTo(b) < 0;
    public static bool operator >(Microversion a, Microversion b) => a.CompareTo(b) > 0;
    public static bool operator <=(Microversion a, Microversion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Microversion a, Microversion b) => a.CompareTo(b) >= 0;

    public static Microversion Min(Microversion a, Microversion b) => a <= b ? a : b;

    public override string ToString() => $"{Major}.{Minor}";
}
