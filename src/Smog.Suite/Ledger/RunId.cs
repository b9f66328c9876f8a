using System.Globalization;
using System.Text.RegularExpressions;

namespace Smog.Suite.Ledger;

/// <summary>
/// A run's id, <c>smog-20261203-1412-ab12</c>: the start minute (UTC) and four random hex
/// digits. Every name the run creates starts with it, so a name alone says which run owns it.
/// </summary>
public sealed partial record RunId
{
    private RunId(string value) => Value = value;

    public string Value { get; }

    public static RunId New(DateTimeOffset now) =>
        new($"smog-{now.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))}");

    public static bool TryParse(string? text, out RunId id)
    {
        id = null!;
        if (text is null || !Shape().IsMatch(text)) return false;
        id = new RunId(text);
        return true;
    }

    /// <summary>A resource name: the id, then the parts with anything but letters, digits and '-' turned into '-'.</summary>
    public string Name(params string[] parts) =>
        string.Join('-', [Value, .. parts.Select(p => Unsafe().Replace(p, "-"))]);

    /// <summary>True when <paramref name="name"/> belongs to this run (the id, then '-' or the end).</summary>
    public bool Owns(string? name) =>
        name is not null && name.StartsWith(Value, StringComparison.Ordinal) && (name.Length == Value.Length || name[Value.Length] == '-');

    public override string ToString() => Value;

    [GeneratedRegex("^smog-[0-9]{8}-[0-9]{4}-[0-9a-f]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex("[^A-Za-z0-9-]+", RegexOptions.CultureInvariant)]
    private static partial Regex Unsafe();
}
