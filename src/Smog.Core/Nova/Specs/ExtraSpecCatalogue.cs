using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Smog.Nova.Specs;

public enum SpecValueKind { String, Int, Bool }

/// <summary>
/// One extra spec the Nova 26 flavor extra-specs API knows. <see cref="Name"/> is Nova's
/// template (<c>hw:numa_cpus.{num}</c>, <c>resources{group}:PCPU</c>); the value rules are
/// applied only by the API at microversion ≥ 2.86: <see cref="Pattern"/> (full match),
/// <see cref="Enum"/>, <see cref="Min"/>/<see cref="Max"/> for integers, oslo strict booleans.
/// </summary>
public sealed record ExtraSpecDefinition(string Name, SpecValueKind Kind)
{
    public string? Pattern
    {
        get;
        init
        {
            field = value;
            ValueRegex = value is null ? null : new Regex($"^(?:{value})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
    }
    public ImmutableArray<string> Enum { get; init; } = [];
    public long? Min { get; init; }
    public long? Max { get; init; }
    public bool Deprecated { get; init; }

    /// <summary>The namespace (text before the first ':'), or null for unscoped names.</summary>
    public string? Namespace => Name.Contains(':') ? Name[..Name.IndexOf(':')] : null;

    internal Regex NameRegex { get; } = TemplateRegex(Name);
    internal Regex? ValueRegex { get; private init; }

    // Nova's template parameters and the patterns it substitutes for them.
    private static readonly (string Param, string Pattern)[] Params =
    [
        ("{group}", "([a-zA-Z0-9_-]{1,64})?"),
        ("{num}", @"[0-9]+"),
        ("{key}", ".+"),
        ("{filter}", @"(:\w+)*"),
        ("{resource}", "[A-Z0-9_]+"),
        ("{trait}", "[A-Z0-9_]+"),
        ("{standard_trait}", $"({string.Join('|', StandardTraits.Names.Order(StringComparer.Ordinal))})"),
    ];

    private static Regex TemplateRegex(string template)
    {
        var pattern = Regex.Escape(template).Replace(@"\{", "{");
        foreach (var (param, sub) in Params) pattern = pattern.Replace(param, sub);
        return new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }
}

/// <summary>The Nova 26 extra-spec registry: lookup by concrete key, and the known namespaces.</summary>
public static partial class ExtraSpecCatalogue
{
    public static IReadOnlyList<ExtraSpecDefinition> All => Registered;

    // A nested class so the index is built after Registered (partial-class initializer order is unspecified).
    private static class Index
    {
        public static readonly FrozenDictionary<string, ExtraSpecDefinition> Exact =
            Registered.Where(d => !d.Name.Contains('{')).ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);

        public static readonly ExtraSpecDefinition[] Templated = [.. Registered.Where(d => d.Name.Contains('{'))];
    }

    // Namespaces as Nova derives them (the part of each validator's name pattern before ':').
    private static readonly Regex[] Namespaces =
    [
        .. new[] { "accel", "aggregate_instance_extra_specs", "capabilities", "hw", "hw_rng", "hw_video", "os",
                   "pci_passthrough", "quota", "vmware" }.Select(n => new Regex($"^{n}$")),
        new Regex("^resources([a-zA-Z0-9_-]{1,64})?$"),
        new Regex("^trait([a-zA-Z0-9_-]{1,64})?$"),
    ];

    /// <summary>The definition whose template matches <paramref name="key"/>, if any.</summary>
    public static ExtraSpecDefinition? Find(string key) =>
        Index.Exact.GetValueOrDefault(key) ?? Index.Templated.FirstOrDefault(d => d.NameRegex.IsMatch(key));

    /// <summary>Whether the key's namespace is one Nova validates (so an unknown key in it is rejected).</summary>
    public static bool IsKnownNamespace(string key)
    {
        var colon = key.IndexOf(':');
        return colon >= 0 && Namespaces.Any(ns => ns.IsMatch(key[..colon]));
    }

    private static ExtraSpecDefinition Spec(string name, SpecValueKind kind) => new(name, kind);
}
