using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
    /// (shared) or free pCPUs (pinned), then free PCI devices when PCI stats exist. Done as one
    /// stable sort on the three keys, primary first.
    /// </summary>
    internal static ImmutableArray<NovaHostCell> OrderHostCells(
        ImmutableArray<NovaHostCell> cells, RequestedTopology request, FitOptions options)
    {
        var pack = options.PackHostCells;
        var shared = request.Cells[0].CpuPolicy is null or CpuPolicy.Shared;
        var pci = options.Pci;
        // Keys negated where Nova sorts descending; each key ascending then.
        var keys = new (long Pci, long Cpu, long Memory)[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i];
            long cpu = shared ? cell.CpuUsage : cell.Facts.FreePcpus.Count;
            keys[i] = (
                pci is null ? 0 : pci.Requests.IsEmpty ? pci.FreeDevicesOn(cell.Id) : -pci.FreeDevicesOn(cell.Id),
                shared == pack ? -cpu : cpu,
                pack ? cell.AvailMemoryMiB : -cell.AvailMemoryMiB);
        }
        var order = new NovaHostCell[cells.Length];
        var orderKeys = new (long, long, long)[cells.Length];
        // Insertion sort: stable, and host cells are few.
        for (var i = 0; i < cells.Length; i++)
        {
            var j = i;
            for (; j > 0 && orderKeys[j - 1].CompareTo(keys[i]) > 0; j--)
            {
                order[j] = order[j - 1];
                orderKeys[j] = orderKeys[j - 1];
            }
            order[j] = cells[i];
            orderKeys[j] = keys[i];
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(order);
    }

    /// <summary>The mutable state of one search; lives for one <see cref="Fit"/> call.</summary>
    private sealed class Search
    {
        private const long DeadCellCheckAfterWalks = 16;
        private readonly NovaHost _host;
        private readonly ImmutableArray<NovaHostCell> _cells;
        private readonly RequestedTopology _request;
        private readonly FitOptions _options;
        private readonly HostCellFacts[] _facts;
        private readonly int _n;
        private readonly int _k;
        // A guest cell as Nova mutates it during the search: its id, page size and last packing.
        private readonly int[] _guestIds;
        private readonly PageSizeRequest?[] _pageSizes;
        private readonly CorePacking?[] _packings;
        private readonly VerdictCache _verdicts;
        private readonly bool _isolateEmulator;
        private long _walks, _evaluations;
        private bool _changed;

        public Search(NovaHost host, ImmutableArray<NovaHostCell> cells, RequestedTopology request, FitOptions options)
        {
            (_host, _cells, _request, _options) = (host, cells, request, options);
            _n = cells.Length;
            _k = request.Cells.Length;
            _facts = new HostCellFacts[_n];
            for (var i = 0; i < _n; i++) _facts[i] = cells[i].Facts;
            _guestIds = new int[_k];
            _pageSizes = new PageSizeRequest?[_k];
            _packings = new CorePacking?[_k];
            for (var i = 0; i < _k; i++)
            {
                _guestIds[i] = i;
                _pageSizes[i] = request.Cells[i].PageSize;
            }
            _verdicts = new VerdictCache(cells, _k);
            _isolateEmulator = request.EmulatorThreads == EmulatorThreadsPolicy.Isolate;
        }

        public FitResult Run()
        {
            var perm = new int[_k];
            var used = new bool[_n];
            for (var i = 0; i < _k; i++) used[perm[i] = i] = true;
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
                if (!Step(i, perm[i])) return i;
            return -1;
        }

        private bool Step(int index, int cell)
        {
            var hostId = _cells[cell].Id;
            switch (_verdicts.Get(hostId, _guestIds[index]))
            {
                case Verdict.NoFit: return false;
                case Verdict.Fit:
                    SetId(index, hostId);
                    return true;
            }
            var key = _guestIds[index];
            _evaluations++;
            _changed = true;
            // Emulator threads isolate: one extra pCPU on the host cell of guest cell 0.
            var reserved = _isolateEmulator && index == 0 ? 1 : 0;
            var verdict = CellFitter.Evaluate(_facts[cell], _host.ThreadOrder, _request.Cells[index], _pageSizes[index], reserved, _options.Limits);
            if (verdict.ChosenPageSizeKiB is { } size) _pageSizes[index] = PageSizeRequest.FromNova(size); // Nova writes the size into the cell's integer
            if (verdict.Packing is { } packing)
            {
                _packings[index] = packing;
                _guestIds[index] = hostId;
            }
            if (!verdict.Fits)
            {
                _verdicts.Set(hostId, key, Verdict.NoFit);
                return false;
            }
            _guestIds[index] = hostId;
            _verdicts.Set(hostId, key, Verdict.Fit);
            return true;
        }

        private void SetId(int index, int id)
        {
            if (_guestIds[index] == id) return;
            _guestIds[index] = id;
            _changed = true;
        }

        /// <summary>
        /// Host cells on which some guest cell could ever pass a real check (any page size a guest
        /// cell might stick to, no emulator reservation). A cached "fits" only ever comes from such
        /// a cell, so with fewer than k of them no permutation can succeed.
        /// </summary>
        private int LiveHostCells()
        {
            var sizes = _cells.SelectMany(c => c.Mempages.Select(p => (PageSizeRequest?)PageSizeRequest.FromNova(p.SizeKiB))).Distinct().ToList();
            bool Accepts(HostCellFacts cell, RequestedCell guest)
            {
                var pageSizes = guest.PageSize is { } ps ? [ps, .. sizes] : new List<PageSizeRequest?> { null };
                return pageSizes.Any(size =>
                    CellFitter.Evaluate(cell, _host.ThreadOrder, guest, size, 0, _options.Limits).Fits);
            }
            return _facts.Count(cell => _request.Cells.Any(guest => Accepts(cell, guest)));
        }

        private bool AffinityHolds(int[] perm)
        {
            var pci = _options.Pci is { Requests.IsEmpty: false } p ? p : null;
            var network = _options.Limits?.Network;
            if (pci is null && network is null) return true;
            var chosen = perm.Select(i => _cells[i]).ToList();
            if (pci is not null && !PciAffinity.Supports(pci, chosen, _host)) return false;
            return network is null || NetworkAffinity.Supports(_host, chosen, network);
        }

        private FittedTopology Fitted(int[] perm)
        {
            var cells = new FittedCell[_k];
            for (var i = 0; i < _k; i++)
            {
                var cell = _request.Cells[i];
                cells[i] = new FittedCell
                {
                    Id = i,
                    HostCell = _cells[perm[i]].Id,
                    Cpus = cell.Cpus,
                    Pcpus = cell.Pcpus,
                    MemoryMiB = cell.MemoryMiB,
                    PageSizeKiB = _pageSizes[i]?.ToNova(), // the size the fit chose (or an explicit 0)
                    CpuPolicy = cell.CpuPolicy,
                    ThreadPolicy = cell.ThreadPolicy,
                    CpuPinning = _packings[i]?.Pinning() ?? ImmutableSortedDictionary<int, int>.Empty,
                    CpusetReserved = _packings[i]?.Reserved ?? Topology.CpuSet.Empty,
                };
            }
            return new(ImmutableCollectionsMarshal.AsImmutableArray(cells), _request.EmulatorThreads);
        }

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

    private enum Verdict : byte { Unknown, Fit, NoFit }

    /// <summary>
    /// Nova's fit and no-fit caches, keyed by (host cell id, current guest cell id). A key is
    /// only ever in one of them (it is checked before it is added), so one verdict per key.
    /// A guest cell's id is its index or a host cell id, so with host cell ids in 0..63 every key
    /// fits a flat table; otherwise a dictionary.
    /// </summary>
    private sealed class VerdictCache
    {
        private const int MaxFlatIds = 64;
        private readonly int _ids;
        private readonly Verdict[]? _flat;
        private readonly Dictionary<(int, int), Verdict>? _map;

        public VerdictCache(ImmutableArray<NovaHostCell> cells, int guestCells)
        {
            var (min, max) = (0, guestCells - 1);
            foreach (var cell in cells) (min, max) = (Math.Min(min, cell.Id), Math.Max(max, cell.Id));
            _ids = max + 1;
            if (min >= 0 && _ids <= MaxFlatIds) _flat = new Verdict[_ids * _ids];
            else _map = [];
        }

        public Verdict Get(int host, int guest) =>
            _flat is not null ? _flat[host * _ids + guest] : _map!.GetValueOrDefault((host, guest));

        public void Set(int host, int guest, Verdict verdict)
        {
            if (_flat is not null) _flat[host * _ids + guest] = verdict;
            else _map![(host, guest)] = verdict;
        }
    }
}
