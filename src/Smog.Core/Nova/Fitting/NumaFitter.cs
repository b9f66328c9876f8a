using System.Collections.Immutable;
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
        options ??= FitOptions.Default;
        var k = request.Cells.Length;
        if (host.Cells.IsEmpty || k == 0 || host.Cells.Length < k) return new(null, new(0, 0, true));
        var ordered = host.Cells.Length > k ? OrderHostCells(host.Cells, request, options) : host.Cells;
        return new Search(host, ordered, request, options).Run();
    }

    /// <summary>
    /// Three stable sorts, the last one primary (nova-26-numa-semantics.md §4.1 step 2): free memory, then CPU usage
    /// (shared) or free pCPUs (pinned), then free PCI devices when PCI stats exist.
    /// </summary>
    internal static ImmutableArray<NovaHostCell> OrderHostCells(
        ImmutableArray<NovaHostCell> cells, RequestedTopology request, FitOptions options)
    {
        var pack = options.PackHostCells;
        IEnumerable<NovaHostCell> order = pack
            ? cells.OrderBy(c => c.AvailMemoryMiB)
            : cells.OrderByDescending(c => c.AvailMemoryMiB);
        var shared = request.Cells[0].CpuPolicy is null or CpuPolicy.Shared;
        order = (shared, pack) switch
        {
            (true, false) => order.OrderBy(c => c.CpuUsage),
            (true, true) => order.OrderByDescending(c => c.CpuUsage),
            (false, false) => order.OrderByDescending(c => c.FreePcpus.Count),
            (false, true) => order.OrderBy(c => c.FreePcpus.Count),
        };
        if (options.Pci is { } pci)
        {
            // Always "spread" for PCI: cells with devices first when devices are wanted, last otherwise.
            order = pci.Requests.IsEmpty
                ? order.OrderBy(c => pci.FreeDevicesOn(c.Id))
                : order.OrderByDescending(c => pci.FreeDevicesOn(c.Id));
        }
        return [.. order];
    }

    /// <summary>The mutable state of one search; lives for one <see cref="Fit"/> call.</summary>
    private sealed class Search(NovaHost host, ImmutableArray<NovaHostCell> cells, RequestedTopology request, FitOptions options)
    {
        private const long DeadCellCheckAfterWalks = 16;
        private readonly HostCellView[] _views = [.. cells.Select(c => new HostCellView(c, host.ThreadOrder))];
        private readonly int _n = cells.Length;
        private readonly int _k = request.Cells.Length;
        private readonly GuestState[] _guests = [.. request.Cells.Select((c, i) => new GuestState(i, c.PageSize))];
        private readonly HashSet<(int Host, int Guest)> _fit = [];
        private readonly HashSet<(int Host, int Guest)> _noFit = [];
        private readonly bool _isolateEmulator = request.EmulatorThreads == EmulatorThreadsPolicy.Isolate;
        private long _walks, _evaluations;
        private bool _changed;

        public FitResult Run()
        {
            var perm = Enumerable.Range(0, _k).ToArray();
            var used = new bool[_n];
            foreach (var p in perm) used[p] = true;
            var start = 0;
            while (true)
            {
                // Fits are usually found within a few walks; only a long search pays for the dead-cell check.
                if (_walks == DeadCellCheckAfterWalks && LiveHostCells() < _k) return Result(null, shortCircuited: true);
                _walks++;
                _changed = false;
                var stoppedAt = Walk(perm, start);
                if (stoppedAt < 0 && AffinityHolds(perm)) return Result(Fitted(perm), shortCircuited: false);
                var advanceAt = stoppedAt < 0 || _changed ? _k - 1 : stoppedAt;
                if (!Advance(perm, used, advanceAt, out var changedAt)) return Result(null, shortCircuited: false);
                start = _changed ? 0 : changedAt;
            }
        }

        /// <summary>Nova's inner loop over one permutation from <paramref name="start"/>; −1 when every cell fit.</summary>
        private int Walk(int[] perm, int start)
        {
            for (var i = start; i < _k; i++)
                if (!Step(i, _views[perm[i]])) return i;
            return -1;
        }

        private bool Step(int index, HostCellView view)
        {
            var hostCell = view.Cell;
            var guest = _guests[index];
            var key = (hostCell.Id, guest.Id);
            if (_noFit.Contains(key)) return false;
            if (_fit.Contains(key))
            {
                SetId(guest, hostCell.Id);
                return true;
            }
            _evaluations++;
            _changed = true;
            // Emulator threads isolate: one extra pCPU on the host cell of guest cell 0.
            var reserved = _isolateEmulator && index == 0 ? 1 : 0;
            var verdict = CellFitter.Evaluate(view, request.Cells[index], guest.PageSize, reserved, options.Limits);
            if (verdict.ChosenPageSizeKiB is { } size) guest.PageSize = PageSizeRequest.FromNova(size); // Nova writes the size into the cell's integer
            if (verdict.Packing is { } packing)
            {
                guest.Packing = packing;
                guest.Id = hostCell.Id;
            }
            if (!verdict.Fits)
            {
                _noFit.Add(key);
                return false;
            }
            guest.Id = hostCell.Id;
            _fit.Add(key);
            return true;
        }

        private void SetId(GuestState guest, int id)
        {
            if (guest.Id == id) return;
            guest.Id = id;
            _changed = true;
        }

        /// <summary>
        /// Host cells on which some guest cell could ever pass a real check (any page size a guest
        /// cell might stick to, no emulator reservation). A cached "fits" only ever comes from such
        /// a cell, so with fewer than k of them no permutation can succeed.
        /// </summary>
        private int LiveHostCells()
        {
            var sizes = cells.SelectMany(c => c.Mempages.Select(p => (PageSizeRequest?)PageSizeRequest.FromNova(p.SizeKiB))).Distinct().ToList();
            bool Accepts(HostCellView cell, RequestedCell guest)
            {
                var pageSizes = guest.PageSize is { } ps ? [ps, .. sizes] : new List<PageSizeRequest?> { null };
                return pageSizes.Any(size =>
                    CellFitter.Evaluate(cell, guest, size, 0, options.Limits).Fits);
            }
            return _views.Count(cell => request.Cells.Any(guest => Accepts(cell, guest)));
        }

        private bool AffinityHolds(int[] perm)
        {
            var chosen = perm.Select(p => cells[p]).ToList();
            if (options.Pci is { Requests.IsEmpty: false } pci && !PciAffinity.Supports(pci, chosen, host)) return false;
            return options.Limits?.Network is not { } network || NetworkAffinity.Supports(host, chosen, network);
        }

        private FittedTopology Fitted(int[] perm) => new(
            [.. request.Cells.Select((cell, i) => new FittedCell
            {
                Id = i,
                HostCell = cells[perm[i]].Id,
                Cpus = cell.Cpus,
                Pcpus = cell.Pcpus,
                MemoryMiB = cell.MemoryMiB,
                PageSizeKiB = _guests[i].PageSize?.ToNova(), // the size the fit chose (or an explicit 0)
                CpuPolicy = cell.CpuPolicy,
                ThreadPolicy = cell.ThreadPolicy,
                CpuPinning = _guests[i].Packing?.Pinning ?? ImmutableSortedDictionary<int, int>.Empty,
                CpusetReserved = _guests[i].Packing?.Reserved ?? Topology.CpuSet.Empty,
            })],
            request.EmulatorThreads);

        private FitResult Result(FittedTopology? topology, bool shortCircuited) =>
            new(topology, new FitStats(_walks, _evaluations, shortCircuited));

        /// <summary>
        /// Moves to the first k-permutation (lexicographic by position) whose first
        /// <paramref name="position"/>+1 entries differ; <paramref name="changedAt"/> is the first
        /// position that changed. False when none is left.
        /// </summary>
        private bool Advance(int[] perm, bool[] used, int position, out int changedAt)
        {
            for (var q = _k - 1; q > position; q--) used[perm[q]] = false;
            for (var p = position; p >= 0; p--)
            {
                used[perm[p]] = false;
                var next = perm[p] + 1;
                while (next < _n && used[next]) next++;
                if (next >= _n) continue;
                perm[p] = next;
                used[next] = true;
                var fill = 0;
                for (var q = p + 1; q < _k; q++)
                {
                    while (used[fill]) fill++;
                    perm[q] = fill;
                    used[fill] = true;
                }
                changedAt = p;
                return true;
            }
            changedAt = -1;
            return false;
        }
    }

    /// <summary>A guest cell as Nova mutates it during the search.</summary>
    private sealed class GuestState(int id, PageSizeRequest? pageSize)
    {
        public int Id { get; set; } = id;
        public PageSizeRequest? PageSize { get; set; } = pageSize;
        public CorePacking? Packing { get; set; }
    }
}
