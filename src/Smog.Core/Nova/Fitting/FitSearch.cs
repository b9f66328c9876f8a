using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>
/// The mutable state of one <see cref="NumaFitter"/> search: the ordered host cells, the guest
/// cells as Nova mutates them, the fit caches and the permutation. One instance per thread is
/// reused (the scheduler runs thousands of fits a second); <see cref="Rent"/> hands out a fresh
/// one when a search is already running on the thread.
/// </summary>
internal sealed class FitSearch
{
    private const long DeadCellCheckAfterWalks = 16;

    [ThreadStatic] private static FitSearch? t_idle;

    private NovaHost _host = null!;
    private RequestedTopology _request = null!;
    private FitOptions _options = null!;
    private int _n, _k;
    // Host cells in Nova's order, with their facts.
    private NovaHostCell[] _cells = [];
    private HostCellFacts[] _facts = [];
    private (long Pci, long Cpu, long Memory)[] _keys = [];
    // Guest cells as Nova mutates them while searching: id, page size and last packing.
    private int[] _guestIds = [];
    private PageSizeRequest?[] _pageSizes = [];
    private CorePacking?[] _packings = [];
    private int[] _perm = [];
    private bool[] _used = [];
    private readonly VerdictCache _verdicts = new();
    private bool _isolateEmulator;
    private long _walks, _evaluations;
    private bool _changed, _shortCircuited;

    public static FitSearch Rent(NovaHost host, RequestedTopology request, FitOptions options)
    {
        var search = t_idle ?? new FitSearch();
        t_idle = null;
        search.Reset(host, request, options);
        return search;
    }

    /// <summary>Drops the references to the fit's objects and makes this the thread's idle search.</summary>
    public void Return()
    {
        _host = null!;
        _request = null!;
        _options = null!;
        Array.Clear(_cells);
        Array.Clear(_facts);
        Array.Clear(_packings);
        t_idle = this;
    }

    public FitStats Stats => new(_walks, _evaluations, _shortCircuited);

    private void Reset(NovaHost host, RequestedTopology request, FitOptions options)
    {
        (_host, _request, _options) = (host, request, options);
        _n = host.Cells.Length;
        _k = request.Cells.Length;
        Grow(ref _cells, _n);
        Grow(ref _facts, _n);
        Grow(ref _keys, _n);
        Grow(ref _used, _n);
        Grow(ref _guestIds, _k);
        Grow(ref _pageSizes, _k);
        Grow(ref _packings, _k);
        Grow(ref _perm, _k);
        OrderHostCells();
        for (var i = 0; i < _n; i++) _facts[i] = _cells[i].Facts;
        for (var i = 0; i < _k; i++)
        {
            _guestIds[i] = i;
            _pageSizes[i] = request.Cells[i].PageSize;
        }
        _verdicts.Reset(_cells.AsSpan(0, _n), _k);
        _isolateEmulator = request.EmulatorThreads == EmulatorThreadsPolicy.Isolate;
        (_walks, _evaluations, _changed, _shortCircuited) = (0, 0, false, false);
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length) array = new T[Math.Max(length, 2 * array.Length)];
    }

    /// <summary>
    /// Three stable sorts, the last one primary (nova-26-numa-semantics.md §4.1 step 2): free memory, then CPU usage
    /// (shared) or free pCPUs (pinned), then free PCI devices when PCI stats exist. Done as one
    /// stable sort on the three keys, primary first; only when there are more host cells than
    /// guest cells, as in Nova.
    /// </summary>
    private void OrderHostCells()
    {
        var cells = _host.Cells;
        if (_n == _k)
        {
            cells.CopyTo(_cells);
            return;
        }
        var pack = _options.PackHostCells;
        var shared = _request.Cells[0].CpuPolicy is null or CpuPolicy.Shared;
        var pci = _options.Pci;
        // Insertion sort (stable; host cells are few), keys negated where Nova sorts descending.
        for (var i = 0; i < _n; i++)
        {
            var cell = cells[i];
            long cpu = shared ? cell.CpuUsage : cell.Facts.FreePcpuCount;
            var key = (
                pci is null ? 0 : pci.Requests.IsEmpty ? pci.FreeDevicesOn(cell.Id) : -pci.FreeDevicesOn(cell.Id),
                shared == pack ? -cpu : cpu,
                pack ? cell.AvailMemoryMiB : -cell.AvailMemoryMiB);
            var j = i;
            for (; j > 0 && _keys[j - 1].CompareTo(key) > 0; j--)
            {
                _cells[j] = _cells[j - 1];
                _keys[j] = _keys[j - 1];
            }
            _cells[j] = cell;
            _keys[j] = key;
        }
    }

    /// <summary>Walks the permutations; true when one fits, which <see cref="Fitted"/> then builds.</summary>
    public bool Run()
    {
        var perm = _perm;
        Array.Clear(_used, 0, _n);
        for (var i = 0; i < _k; i++) _used[perm[i] = i] = true;
        var start = 0;
        while (true)
        {
            // Fits are usually found within a few walks; only a long search pays for the dead-cell check.
            if (_walks == DeadCellCheckAfterWalks && LiveHostCells() < _k)
            {
                _shortCircuited = true;
                return false;
            }
            _walks++;
            _changed = false;
            var stoppedAt = Walk(perm, start);
            if (stoppedAt < 0 && AffinityHolds(perm)) return true;
            var advanceAt = stoppedAt < 0 || _changed ? _k - 1 : stoppedAt;
            if (!Advance(perm, _used, advanceAt, out var changedAt)) return false;
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
        var key = _guestIds[index];
        switch (_verdicts.Get(hostId, key))
        {
            case Verdict.NoFit: return false;
            case Verdict.Fit:
                SetId(index, hostId);
                return true;
        }
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
        var sizes = new List<PageSizeRequest?>();
        for (var i = 0; i < _n; i++)
            foreach (var pages in _cells[i].Mempages)
                if (PageSizeRequest.FromNova(pages.SizeKiB) is var size && !sizes.Contains(size)) sizes.Add(size);
        var live = 0;
        for (var i = 0; i < _n; i++)
            if (AcceptsSomeGuest(_facts[i], sizes)) live++;
        return live;
    }

    private bool AcceptsSomeGuest(HostCellFacts cell, List<PageSizeRequest?> sizes)
    {
        bool Fits(RequestedCell guest, PageSizeRequest? size) => CellFitter.Evaluate(cell, _host.ThreadOrder, guest, size, 0, _options.Limits).Fits;
        foreach (var guest in _request.Cells)
        {
            if (guest.PageSize is not { } requested)
            {
                if (Fits(guest, null)) return true;
                continue;
            }
            if (Fits(guest, requested)) return true;
            foreach (var size in sizes)
                if (Fits(guest, size)) return true;
        }
        return false;
    }

    private bool AffinityHolds(int[] perm)
    {
        var pci = _options.Pci is { Requests.IsEmpty: false } p ? p : null;
        var network = _options.Limits?.Network;
        if (pci is null && network is null) return true;
        var chosen = perm.Take(_k).Select(i => _cells[i]).ToList();
        if (pci is not null && !PciAffinity.Supports(pci, chosen, _host)) return false;
        return network is null || NetworkAffinity.Supports(_host, chosen, network);
    }

    /// <summary>The instance topology of the permutation <see cref="Run"/> found.</summary>
    public FittedTopology Fitted()
    {
        var cells = new FittedCell[_k];
        for (var i = 0; i < _k; i++)
        {
            var cell = _request.Cells[i];
            cells[i] = new FittedCell
            {
                Id = i,
                HostCell = _cells[_perm[i]].Id,
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
        private int _ids;
        private Verdict[] _flat = [];
        private readonly Dictionary<(int, int), Verdict> _map = [];
        private bool _useMap;

        public void Reset(ReadOnlySpan<NovaHostCell> cells, int guestCells)
        {
            var (min, max) = (0, guestCells - 1);
            foreach (var cell in cells) (min, max) = (Math.Min(min, cell.Id), Math.Max(max, cell.Id));
            _ids = max + 1;
            _useMap = min < 0 || _ids > MaxFlatIds;
            if (_useMap)
            {
                _map.Clear();
                return;
            }
            if (_flat.Length < _ids * _ids) _flat = new Verdict[MaxFlatIds * MaxFlatIds];
            else Array.Clear(_flat, 0, _ids * _ids);
        }

        public Verdict Get(int host, int guest) =>
            _useMap ? _map.GetValueOrDefault((host, guest)) : _flat[host * _ids + guest];

        public void Set(int host, int guest, Verdict verdict)
        {
            if (_useMap) _map[(host, guest)] = verdict;
            else _flat[host * _ids + guest] = verdict;
        }
    }
}
