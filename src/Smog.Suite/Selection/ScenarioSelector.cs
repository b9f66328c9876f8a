using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Suite.Results;

namespace Smog.Suite.Selection;

/// <summary>
/// Decides, from the discovered cloud alone, whether a scenario can run or why not, and which
/// scenarios the user selected (<c>--scenario</c>/<c>--skip</c> ids or globs).
/// </summary>
public static class ScenarioSelector
{
    /// <summary>Null when some host (two for <c>hosts-2</c>) has every need; else the machine-readable reason.</summary>
    public static SkipReason? Decide(IReadOnlyCollection<string> needs, CloudState cloud)
    {
        var capabilities = needs.Select(Capability.Get).ToList();
        var twoHosts = capabilities.Any(c => c.Code == Capability.TwoHostsCode);
        var perHost = capabilities.Where(c => c.Code != Capability.TwoHostsCode).ToList();
        var hosts = cloud.UpHosts;
        if (hosts.IsEmpty) return new SkipReason("no-compute-host", "the cloud has no compute host that is up and enabled");
        var verdicts = hosts.Select(h => perHost.Select(c => (Need: c, Has: c.Test(h))).ToList()).ToList();
        var capable = verdicts.Count(v => v.All(x => x.Has == true));
        if (capable >= (twoHosts ? 2 : 1)) return null;
        if (capable == 1) return new SkipReason(Capability.TwoHosts.SkipCode, $"needs two compute hosts with {Describe(perHost)}; found one");
        // A host that might qualify but cannot be looked at: say so, rather than "no such host".
        var unknown = verdicts.Where(v => v.All(x => x.Has != false) && v.Any(x => x.Has is null)).ToList();
        if (unknown.Count > 0)
        {
            var what = string.Join(", ", unknown[0].Where(x => x.Has is null).Select(x => x.Need.Code).Distinct());
            return new SkipReason("no-host-access", $"cannot tell whether a host offers {what} without host access (give --inventory)");
        }
        if (perHost.FirstOrDefault(c => verdicts.All(v => v.Single(x => x.Need == c).Has == false)) is { } missing)
            return new SkipReason(missing.SkipCode, missing.SkipMessage);
        return new SkipReason("no-single-host", $"no one compute host has all of {Describe(perHost)}");
    }

    /// <summary>
    /// The ids selected: all, or those matching any include pattern, minus those matching an
    /// exclude pattern. A pattern that matches no id is an error (a typo must not select nothing).
    /// </summary>
    public static ImmutableArray<string> Select(IReadOnlyList<string> ids, IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        foreach (var pattern in include.Concat(exclude))
        {
            if (!ids.Any(id => Matches(pattern, id)))
                throw new ArgumentException($"'{pattern}' matches no scenario (smog run --list shows them)");
        }
        return [.. ids.Where(id => (include.Count == 0 || include.Any(p => Matches(p, id))) && !exclude.Any(p => Matches(p, id)))];
    }

    /// <summary>An id, or a glob with <c>*</c> (any characters) and <c>?</c> (one).</summary>
    public static bool Matches(string pattern, string id) =>
        Regex.IsMatch(id, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static string Describe(IEnumerable<Capability> needs) =>
        needs.Any() ? string.Join(", ", needs.Select(n => n.Code)) : "the basics";
}
