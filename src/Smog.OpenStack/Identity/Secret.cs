namespace Smog.OpenStack.Identity;

/// <summary>
/// A password, application-credential secret or token. <see cref="ToString"/> never shows the
/// value, so secrets that reach a record's printed form, a log line or an exception message
/// come out as <c>&lt;redacted&gt;</c>. Only the HTTP edge calls <see cref="Reveal"/>.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    public const string Redacted = "<redacted>";
    private readonly string value;

    public Secret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        this.value = value;
    }

    public static Secret? FromNullable(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);

    public string Reveal() => value;

    public override string ToString() => Redacted;
    public bool Equals(Secret? other) => other is not null && string.Equals(value, other.value, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is Secret s && Equals(s);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(value);
}
