using Smog.Nova.Python;

namespace Smog.Nova.Specs;

/// <summary>
/// The flavor extra-specs API check of Nova 26 (applied from microversion 2.86 on, when a
/// flavor's extra specs are created or updated): a registered key must satisfy its value rules;
/// an unregistered key is rejected when its namespace is a known one, and accepted otherwise
/// (unscoped keys and unknown namespaces pass). Below 2.86 nothing is checked.
/// </summary>
public static class ExtraSpecApiValidator
{
    public static readonly Microversion FirstValidatingMicroversion = new(2, 86);

    /// <summary>True when the extra-specs API checks keys and values at <paramref name="microversion"/>.</summary>
    public static bool Validates(Microversion microversion) => microversion >= FirstValidatingMicroversion;

    /// <summary>Null when the API accepts the pair, else the reason it answers 400.</summary>
    public static string? Validate(string key, string value)
    {
        var definition = ExtraSpecCatalogue.Find(key);
        if (definition is null)
            return ExtraSpecCatalogue.IsKnownNamespace(key)
                ? $"'{key}' is not a valid extra spec in the '{key[..key.IndexOf(':')]}' namespace"
                : null;
        return ValidateValue(definition, value);
    }

    /// <summary>Null when <paramref name="value"/> satisfies the definition's type, pattern, enum and bounds.</summary>
    public static string? ValidateValue(ExtraSpecDefinition definition, string value) => definition.Kind switch
    {
        SpecValueKind.Int => ValidateInt(definition, value),
        SpecValueKind.Bool => PythonSyntax.StrictBool(value) is null ? $"'{value}' is not a boolean-like value" : null,
        _ => ValidateString(definition, value),
    };

    private static string? ValidateInt(ExtraSpecDefinition definition, string value)
    {
        if (!PythonSyntax.TryParseInt(value, out var n)) return $"'{value}' is not an integer";
        if (definition.Max is { } max && n > max) return $"'{value}' is greater than the maximum {max}";
        if (definition.Min is { } min && n < min) return $"'{value}' is less than the minimum {min}";
        return null;
    }

    private static string? ValidateString(ExtraSpecDefinition definition, string value)
    {
        if (definition.ValueRegex is { } regex)
            return regex.IsMatch(value) ? null : $"'{value}' does not match the pattern '{definition.Pattern}'";
        if (!definition.Enum.IsDefaultOrEmpty && !definition.Enum.Contains(value))
            return $"'{value}' is not one of: {string.Join(", ", definition.Enum)}";
        return null;
    }
}
