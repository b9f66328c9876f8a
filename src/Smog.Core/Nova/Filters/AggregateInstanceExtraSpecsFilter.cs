using System.Collections.Immutable;

namespace Smog.Nova.Filters;

/// <summary>A filter's answer for one host, with the reason when it rejects.</summary>
public sealed record FilterVerdict(bool Passes, string? Reason, bool NovaRaises = false)
{
    public static readonly FilterVerdict Pass = new(true, null);
    public static FilterVerdict Reject(string reason) => new(false, reason);
    public static FilterVerdict Raise(string reason) => new(false, reason, NovaRaises: true);
}

/// <summary>
/// Nova 26's <c>AggregateInstanceExtraSpecsFilter</c>: a host passes when every relevant flavor
/// extra spec is satisfied by the metadata of the aggregates the host belongs to.
/// </summary>
/// <remarks>
/// 1. A flavor without extra specs passes.
/// 2. Metadata of all the host's aggregates is merged: key → set of values, each aggregate value
///    split on commas and trimmed.
/// 3. Each extra spec key is split once on ':'; a scope other than
///    <c>aggregate_instance_extra_specs</c> is ignored (so <c>hw:</c>, <c>resources:</c>, <c>trait:</c>
///    are), the matching scope is stripped, and unscoped keys are checked as they are.
/// 4. The key must be in the merged metadata and one of its values must satisfy the requirement
///    (<see cref="ExtraSpecsOps"/>); otherwise the host is rejected.
/// Nova iterates the value set in hash order, so when one value would make Nova raise and another
/// match, the outcome there depends on the process; here a match wins.
/// </remarks>
public static class AggregateInstanceExtraSpecsFilter
{
    public const string Scope = "aggregate_instance_extra_specs";

    public static FilterVerdict HostPasses(Flavor flavor, IEnumerable<IReadOnlyDictionary<string, string>> hostAggregateMetadata)
    {
        if (flavor.ExtraSpecs.IsEmpty) return FilterVerdict.Pass;
        var metadata = Merge(hostAggregateMetadata);
        foreach (var (specKey, requirement) in flavor.ExtraSpecs)
        {
            if (CheckedKey(specKey) is not { } key) continue;
            if (!metadata.TryGetValue(key, out var values) || values.IsEmpty)
                return FilterVerdict.Reject($"extra spec '{specKey}': no aggregate of the host has metadata '{key}'");
            var outcomes = values.Select(v => ExtraSpecsOps.Match(v, requirement)).ToList();
            if (outcomes.Contains(OpMatch.Match)) continue;
            var shown = string.Join(", ", values.Select(v => $"'{v}'"));
            return outcomes.Contains(OpMatch.NovaRaises)
                ? FilterVerdict.Raise($"extra spec '{specKey}': Nova raises comparing '{requirement}' with {shown}")
                : FilterVerdict.Reject($"extra spec '{specKey}': aggregate values {shown} do not satisfy '{requirement}'");
        }
        return FilterVerdict.Pass;
    }

    /// <summary>The metadata key a spec is checked against, or null when the filter ignores the spec.</summary>
    public static string? CheckedKey(string specKey)
    {
        var colon = specKey.IndexOf(':');
        if (colon < 0) return specKey;
        return specKey[..colon] == Scope ? specKey[(colon + 1)..] : null;
    }

    /// <summary>Mirrors <c>aggregate_metadata_get_by_host</c>: union of comma-split, trimmed values per key.</summary>
    public static ImmutableSortedDictionary<string, ImmutableSortedSet<string>> Merge(IEnumerable<IReadOnlyDictionary<string, string>> aggregates)
    {
        var merged = new Dictionary<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
        foreach (var aggregate in aggregates)
            foreach (var (key, value) in aggregate)
            {
                var parts = value.Split(',').Select(p => p.Trim());
                merged[key] = (merged.TryGetValue(key, out var existing) ? existing : ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Union(parts);
            }
        return merged.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }
}
