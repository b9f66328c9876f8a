using System.Collections.Immutable;
using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.CpuTopology;

/// <summary>Preferred and maximum guest CPU topology after Nova's flavor/image rules; 0 = no preference.</summary>
public sealed record CpuTopologyConstraints(GuestCpuTopology Preferred, GuestCpuTopology Maximum);

/// <summary>The chosen guest topology, or Nova's refusal.</summary>
public sealed record CpuTopologyResult(GuestCpuTopology? Topology, NovaError? Error)
{
    public static CpuTopologyResult Of(GuestCpuTopology topology) => new(topology, null);
    public static CpuTopologyResult Refused(NovaError error) => new(null, error);
    public override string ToString() => Topology is { } t ? $"{t.Sockets}:{t.Cores}:{t.Threads}" : Error!.ToString();
}

/// <summary>
/// Nova 26's <c>get_best_cpu_topology</c> (libvirt driver, threads allowed): the guest
/// sockets/cores/threads for a flavor and image.
/// </summary>
/// <remarks>
/// 1. Limits: flavor <c>hw:cpu_max_*</c> (the name Nova reads — not the API-validated
///    <c>hw:max_cpu_*</c>) and image <c>hw_cpu_max_*</c>; an image limit above a set flavor limit is
///    <c>ImageVCPULimitsRangeExceeded</c>; effective limit = image, else flavor, else 65536.
/// 2. Preferences: flavor values are dropped together when one exceeds its limit; an image value
///    over a limit is <c>ImageVCPUTopologyRangeExceeded</c>; any image value replaces the whole
///    flavor triple.
/// 3. Candidates s·c·t = vCPUs with each ≤ min(vCPUs, limit), sorted by (s·c, s, t) descending;
///    none is <c>ImageVCPULimitsRangeImpossible</c>.
/// 4. Stable re-order by how many non-zero preferences match (3, 2, 1, 0); the first wins.
/// Guest NUMA cells do not influence the choice in Nova 26 (nova-26-numa-semantics.md §5, confirmed with the oracle).
/// </remarks>
public static class CpuTopologyChooser
{
    private const long Unlimited = 65536;

    public static CpuTopologyResult Best(Flavor flavor, ImageProperties image)
    {
        var (constraints, error) = Constraints(flavor, image);
        return constraints is null ? CpuTopologyResult.Refused(error!) : Best(flavor, constraints);
    }

    /// <summary>The choice within constraints already computed (<see cref="Constraints"/>).</summary>
    public static CpuTopologyResult Best(Flavor flavor, CpuTopologyConstraints constraints)
    {
        var candidates = Candidates(flavor.Vcpus, constraints.Maximum);
        if (candidates.IsEmpty)
        {
            var m = Clamp(flavor.Vcpus, constraints.Maximum);
            return CpuTopologyResult.Refused(new NovaError("ImageVCPULimitsRangeImpossible",
                $"No sockets×cores×threads equals {flavor.Vcpus} vCPUs within the limits {m.Sockets}:{m.Cores}:{m.Threads}"));
        }
        var preferred = constraints.Preferred;
        return CpuTopologyResult.Of(candidates.OrderByDescending(t => Score(t, preferred)).First());
    }

    /// <summary>Mirrors <c>get_cpu_topology_constraints</c>: preferred and maximum topology, or Nova's refusal.</summary>
    public static (CpuTopologyConstraints? Constraints, NovaError? Error) Constraints(Flavor flavor, ImageProperties image)
    {
        var (meta, imageError) = NovaImageMeta.From(image);
        if (meta is null) return (null, imageError);
        if (!TryFlavorTriple(flavor, "hw:cpu_max_", out var flavorMax, out var error)) return (null, error);
        var imageMax = (S: meta.CpuMaxSockets ?? 0, C: meta.CpuMaxCores ?? 0, T: meta.CpuMaxThreads ?? 0);

        if ((flavorMax.S != 0 && imageMax.S > flavorMax.S) || (flavorMax.C != 0 && imageMax.C > flavorMax.C)
            || (flavorMax.T != 0 && imageMax.T > flavorMax.T))
            return (null, new NovaError("ImageVCPULimitsRangeExceeded",
                $"Image vCPU limits {imageMax.S}:{imageMax.C}:{imageMax.T} (sockets:cores:threads) exceed the flavor limits {flavorMax.S}:{flavorMax.C}:{flavorMax.T}"));

        var max = (S: First(imageMax.S, flavorMax.S), C: First(imageMax.C, flavorMax.C), T: First(imageMax.T, flavorMax.T));

        if (!TryFlavorTriple(flavor, "hw:cpu_", out var flavorPref, out error)) return (null, error);
        var imagePref = (S: meta.CpuSockets ?? 0, C: meta.CpuCores ?? 0, T: meta.CpuThreads ?? 0);
        if (flavorPref.S > max.S || flavorPref.C > max.C || flavorPref.T > max.T)
            flavorPref = (0, 0, 0);
        if (imagePref.S > max.S || imagePref.C > max.C || imagePref.T > max.T)
            return (null, new NovaError("ImageVCPUTopologyRangeExceeded",
                $"Image vCPU topology {imagePref.S}:{imagePref.C}:{imagePref.T} (sockets:cores:threads) exceeds the limits {max.S}:{max.C}:{max.T}"));
        var preferred = imagePref is (0, 0, 0) ? flavorPref : imagePref;

        return (new CpuTopologyConstraints(Topology(preferred), Topology(max)), null);
    }

    /// <summary>
    /// Mirrors <c>_get_possible_cpu_topologies</c>: every (s, c, t) with s·c·t = vCPUs, each at most
    /// min(vCPUs, limit), most sockets×cores first, then most sockets, then most threads.
    /// </summary>
    public static ImmutableArray<GuestCpuTopology> Candidates(int vcpus, GuestCpuTopology maximum)
    {
        var m = Clamp(vcpus, maximum);
        var found = new List<GuestCpuTopology>();
        // Walk divisors only; Nova's triple loop finds the same set.
        for (var s = 1; s <= m.Sockets; s++)
        {
            if (vcpus % s != 0) continue;
            for (var c = 1; c <= m.Cores; c++)
            {
                if (vcpus / s % c != 0) continue;
                var t = vcpus / s / c;
                if (t <= m.Threads) found.Add(new GuestCpuTopology(s, c, t));
            }
        }
        return [.. found.OrderByDescending(x => (long)x.Sockets * x.Cores).ThenByDescending(x => x.Sockets).ThenByDescending(x => x.Threads)];
    }

    /// <summary>Mirrors <c>_score_cpu_topology</c>: one point per non-zero preference matched.</summary>
    public static int Score(GuestCpuTopology candidate, GuestCpuTopology preferred) =>
        (preferred.Sockets != 0 && candidate.Sockets == preferred.Sockets ? 1 : 0)
        + (preferred.Cores != 0 && candidate.Cores == preferred.Cores ? 1 : 0)
        + (preferred.Threads != 0 && candidate.Threads == preferred.Threads ? 1 : 0);

    private static GuestCpuTopology Clamp(int vcpus, GuestCpuTopology max) =>
        new(Math.Min(vcpus, max.Sockets), Math.Min(vcpus, max.Cores), Math.Min(vcpus, max.Threads));

    private static long First(long imageValue, long flavorValue) =>
        imageValue != 0 ? imageValue : flavorValue != 0 ? flavorValue : Unlimited;

    private static GuestCpuTopology Topology((long S, long C, long T) v) => new(Narrow(v.S), Narrow(v.C), Narrow(v.T));

    private static int Narrow(long v) => (int)Math.Clamp(v, int.MinValue, int.MaxValue);

    // Flavor values are read with int() and default to 0; a non-integer is InvalidRequest.
    private static bool TryFlavorTriple(Flavor flavor, string prefix, out (long S, long C, long T) triple, out NovaError? error)
    {
        triple = default;
        error = null;
        var values = new long[3];
        var names = new[] { "sockets", "cores", "threads" };
        for (var i = 0; i < 3; i++)
        {
            var key = prefix + names[i];
            var raw = flavor.Spec(key);
            if (raw is null) continue;
            if (!PythonSyntax.TryParseInt(raw, out values[i]))
            {
                error = new NovaError("InvalidRequest", $"Invalid flavor extra spec {key}='{raw}': not an integer");
                return false;
            }
        }
        triple = (values[0], values[1], values[2]);
        return true;
    }
}
