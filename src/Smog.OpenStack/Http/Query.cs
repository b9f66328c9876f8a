using System.Collections.Immutable;

namespace Smog.OpenStack.Http;

/// <summary>
/// A URL query string, the one way every client builds one. Parameters keep the order they were
/// added in; names and values are percent-encoded as RFC 3986 data (only unreserved characters
/// stay literal, so <c>^</c>, <c>:</c>, <c>,</c>, <c>&amp;</c>, <c>=</c> and spaces are escaped);
/// a null value leaves its parameter out. <see cref="ToString"/> is "" or "?a=1&amp;b=2".
/// </summary>
public sealed class Query
{
    public static readonly Query Empty = new([]);

    private readonly ImmutableArray<(string Name, string Value)> parameters;

    private Query(ImmutableArray<(string Name, string Value)> parameters) => this.parameters = parameters;

    /// <summary>This query plus <paramref name="name"/>=<paramref name="value"/>; unchanged when the value is null.</summary>
    public Query Add(string name, string? value) => value is null ? this : new(parameters.Add((name, value)));

    /// <summary>This query plus <paramref name="name"/>=<paramref name="value"/> when <paramref name="condition"/> holds.</summary>
    public Query AddIf(bool condition, string name, string value) => condition ? Add(name, value) : this;

    public override string ToString() => parameters.IsEmpty
        ? ""
        : "?" + string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
}
