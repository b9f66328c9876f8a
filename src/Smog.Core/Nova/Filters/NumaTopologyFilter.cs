using Smog.Nova.Fitting;
using Smog.Nova.Host;

namespace Smog.Nova.Filters;

/// <summary>
/// Nova 26's NUMATopologyFilter (nova-26-numa-semantics.md §7): rejects 'require' on a host without SMT from the raw
/// flavor/image values, then runs the fit on a copy of the request with the host's allocation
/// ratios as limits (result discarded; the compute claim recomputes it).
/// </summary>
public static class NumaTopologyFilter
{
    /// <param name="network">the request spec's network metadata, if any.</param>
    public static bool Passes(NovaHost? host, RequestedTopology? request, Flavor flavor, ImageProperties image,
        double cpuAllocationRatio = 16.0, double ramAllocationRatio = 1.5, NetworkMetadata? network = null,
        PciContext? pci = null, bool packHostCells = false) =>
        Passes(host, request, flavor, image, new FitOptions
        {
            Limits = new FitLimits(cpuAllocationRatio, ramAllocationRatio, network),
            PackHostCells = packHostCells,
            Pci = pci,
        });

    /// <summary>The filter with its fit options built by the caller (limits from the host's ratios, never null).</summary>
    internal static bool Passes(NovaHost? host, RequestedTopology? request, Flavor flavor, ImageProperties image, FitOptions options)
    {
        var hostHasTopology = host is { Cells.IsEmpty: false };
        if (hostHasTopology && !SatisfiesThreadRequirement(host!, flavor, image)) return false;
        if (request is null) return true;
        if (!hostHasTopology) return false;
        return NumaFitter.Fits(host!, request, options);
    }

    /// <summary>
    /// "dedicated" in the flavor or image policy plus "require" in either thread policy needs a
    /// host cell with a sibling set larger than one. Raw strings, compared exactly, as Nova does.
    /// </summary>
    public static bool SatisfiesThreadRequirement(NovaHost host, Flavor flavor, ImageProperties image)
    {
        if (host.HasThreads) return true; // answers without the four lookups
        var dedicated = flavor.Spec("hw:cpu_policy") == "dedicated" || image.Get("hw_cpu_policy") == "dedicated";
        var require = flavor.Spec("hw:cpu_thread_policy") == "require" || image.Get("hw_cpu_thread_policy") == "require";
        return !(dedicated && require);
    }
}
