using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Smog.OpenStack.Http;

/// <summary>
/// An API microversion such as compute 2.88 or placement 1.39. Ordered numerically
/// (2.9 &lt; 2.10); the canonical text is "major.minor".
/// </summary>
public readonly record struct Microversion(int Major, int Minor) : IComparable<Microversion>
{
    public static Microversion Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a microversion like 2.79");

    public static bool TryParse([NotNullWhen(true)] string? text, out Microversion version)
    {
        version = default;
        var parts = text?.Trim().Split('.') ?? [];
        if (parts.Length is < 1 or > 2) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)) return false;
        var minor = 0;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor)) return false;
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

/// <summary>The microversions a service endpoint supports, from its version document (openstack-client.md §2.4).</summary>
public sealed record VersionRange(Microversion Min, Microversion Max)
{
    /// <summary>
    /// The highest version both sides understand: min(wanted, server max). Below the server's
    /// minimum there is nothing to agree on.
    /// </summary>
    public Microversion Negotiate(string service, Microversion wanted)
    {
        var effective = Microversion.Min(wanted, Max);
        return effective >= Min
            ? effective
            : throw new OpenStackClientException($"{service} supports microversions {Min}–{Max}; Smog needs {wanted}");
    }
}
