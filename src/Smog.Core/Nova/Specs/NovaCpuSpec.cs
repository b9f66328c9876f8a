using System.Diagnostics.CodeAnalysis;
using Smog.Nova.Python;
using Smog.Topology;

namespace Smog.Nova.Specs;

/// <summary>
/// Nova's CPU list syntax (<c>parse_cpu_spec</c>) used by <c>hw:numa_cpus.N</c>,
/// <c>hw:cpu_dedicated_mask</c> and <c>hw:cpu_realtime_mask</c>: comma-separated ids,
/// ranges <c>a-b</c> and exclusions <c>^a</c> or <c>^a-b</c>; exclusions are applied after all
/// inclusions, empty items are skipped, and numbers are read with Python <c>int()</c>.
/// </summary>
/// <remarks>
/// <see cref="CpuSet.TryParse"/> covers the sysfs/libvirt dialect, which has no range
/// exclusions; Nova accepts <c>^2-3</c> (the API pattern allows it too), so masks are parsed here.
/// A failure is Nova's <c>Invalid</c> exception.
/// </remarks>
public static class NovaCpuSpec
{
    public static bool TryParse(string spec, [NotNullWhen(true)] out CpuSet? set, [NotNullWhen(false)] out NovaError? error)
    {
        set = TryParseOrdered(spec, out var ordered, out error) ? CpuSet.Of(ordered.InOrder()) : null;
        return set is not null;
    }

    /// <summary>
    /// Parses into a CPython-ordered set, built with the same set operations as
    /// <c>parse_cpu_spec</c> (ranges merged with <c>|=</c>, exclusions removed with <c>-=</c> at the end),
    /// so iterating it visits the ids in the order Nova does.
    /// </summary>
    internal static bool TryParseOrdered(string spec, [NotNullWhen(true)] out PySet<int>? set, [NotNullWhen(false)] out NovaError? error)
    {
        set = null;
        var include = PySet.OfInts();
        var exclude = PySet.OfInts();
        foreach (var raw in spec.Split(','))
        {
            var rule = raw.Trim();
            if (rule.Length == 0) continue;
            var parts = rule.Split('-', 2);
            if (parts.Length == 2)
            {
                var reject = parts[0].StartsWith('^');
                var lo = reject ? parts[0][1..] : parts[0];
                if (!PythonSyntax.TryParseInt(lo, out var start) || !PythonSyntax.TryParseInt(parts[1], out var end) || start > end)
                    return Fail($"Invalid range expression '{rule}'", out error);
                if (start < 0 || end > CpuSet.MaxCpuId)
                    return Fail($"Range '{rule}' is outside the supported CPU ids 0..{CpuSet.MaxCpuId}", out error);
                (reject ? exclude : include).UnionUpdate(PySet.OfRange((int)start, (int)end));
            }
            else if (rule[0] == '^')
            {
                if (!PythonSyntax.TryParseInt(rule[1..], out var id))
                    return Fail($"Invalid exclusion expression '{rule}'", out error);
                if (id >= 0 && id <= CpuSet.MaxCpuId) exclude.Add((int)id); // an id outside the range cannot be included anyway
            }
            else
            {
                if (!PythonSyntax.TryParseInt(rule, out var id))
                    return Fail($"Invalid inclusion expression '{rule}'", out error);
                if (id < 0 || id > CpuSet.MaxCpuId)
                    return Fail($"CPU id {id} in '{spec}' is outside the supported CPU ids 0..{CpuSet.MaxCpuId}", out error);
                include.Add((int)id);
            }
        }
        include.DifferenceUpdate(exclude);
        set = include;
        error = null;
        return true;
    }

    /// <summary>
    /// A mask as <c>hw:cpu_dedicated_mask</c> / <c>hw:cpu_realtime_mask</c> read it: a leading
    /// <c>^</c> means "every vCPU except", so the list is read after an implicit <c>0-(vcpus−1)</c>.
    /// </summary>
    public static bool TryParseMask(string mask, int vcpus, [NotNullWhen(true)] out CpuSet? set, [NotNullWhen(false)] out NovaError? error) =>
        mask.Trim().StartsWith('^')
            ? TryParse($"0-{vcpus - 1},{mask}", out set, out error)
            : TryParse(mask, out set, out error);

    private static bool Fail(string message, out NovaError error)
    {
        error = new NovaError("Invalid", message);
        return false;
    }
}
