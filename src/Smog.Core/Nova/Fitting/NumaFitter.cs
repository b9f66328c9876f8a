using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>How much searching a fit took: Nova-visible permutations walked and cell checks run.</summary>
public sealed record FitStats(long PermutationsWalked, long CellEvaluations, bool ShortCircuited);

/// <summary>The fitted topology (null = does not fit) and search statistics.</summary>
public sealed record FitResult(FittedTopology? Topology, FitStats Stats)
{
    public bool Fits => Topology is not null;
}

/// <summary>
/// Nova 26's <c>numa_fit_instance_to_host</c> (nova-26-numa-semantics.md §4.1): orders the host cells, walks the
/// k-permutations of them in <c>itertools.permutations</c> order and returns the first one on
/// which every guest cell fits (then PCI and network affinity hold).
/// </summary>
/// <remarks>
/// Nova's quirks are reproduced because they decide the answer: guest cells are mutated while
/// searching (their id becomes the last host cell tried, their page size sticks once resolved,
/// their pinning is whatever was last computed) and the fit/no-fit caches are keyed by
/// (host cell id, current guest cell id). The search is therefore simulated exactly, and only
/// provably idle work is skipped:
/// <list type="number">
/// <item>if fewer than k host cells can take any guest cell at all, nothing can fit;</item>
/// <item>a permutation walk that changed no state and stopped at position j is repeated verbatim
/// by every following permutation with the same first j+1 cells, so those are skipped.</item>
/// </list>
/// Both keep the first successful permutation identical to Nova's.
/// </remarks>
public static class NumaFitter
{
    public static FitResult Fit(NovaHost host, RequestedTopology request, FitOptions? options = null)
    {
        if (!Fittable(host, request)) return new(null, new(0, 0, true));
        var search = FitSearch.Rent(host, request, options ?? FitOptions.Default);
        try
        {
            var found = search.Run();
            return new(found ? search.Fitted() : null, search.Stats);
        }
        finally
        {
            search.Return();
        }
    }

    /// <summary>Whether <see cref="Fit"/> finds a placement, without building it (NUMATopologyFilter discards it).</summary>
    public static bool Fits(NovaHost host, RequestedTopology request, FitOptions? options = null)
    {
        if (!Fittable(host, request)) return false;
        var search = FitSearch.Rent(host, request, options ?? FitOptions.Default);
        try
        {
            return search.Run();
        }
        finally
        {
            search.Return();
        }
    }

    private static bool Fittable(NovaHost host, RequestedTopology request) =>
        !host.Cells.IsEmpty && !request.Cells.IsEmpty && host.Cells.Length >= request.Cells.Length;
}
