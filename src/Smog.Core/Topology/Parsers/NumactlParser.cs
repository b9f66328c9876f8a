using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads <c>numactl -H</c> (numactl 2.0.x, <c>numactl --hardware</c>): the available node
/// mask, each node's CPUs, size and free memory in MB (MiB, from <c>numa_node_size64() &gt;&gt; 20</c>),
/// and the distance table. "No NUMA available on this system" gives a topology without cells.
/// </summary>
/// <remarks>
/// numactl knows nothing of sockets and cores: each CPU becomes its own core on socket 0, and
/// the merge never takes core, socket or sibling facts from this source.
/// </remarks>
public static partial class NumactlParser
{
    public const string DefaultSource = "numactl -H";

    [GeneratedRegex(@"^available:\s*(\d+)\s+nodes?\s*\(([^)]*)\)\s*$")]
    private static partial Regex Available();

    [GeneratedRegex(@"^node\s+(\d+)\s+cpus:\s*([\d\s]*)$")]
    private static partial Regex NodeCpus();

    [GeneratedRegex(@"^node\s+(\d+)\s+(size|free):\s*(\d+)\s*MB\s*$")]
    private static partial Regex NodeMemory();

    [GeneratedRegex(@"^node\s+distances:\s*$")]
    private static partial Regex DistancesHeader();

    [GeneratedRegex(@"^node((?:\s+\d+)+)\s*$")]
    private static partial Regex DistanceColumns();

    [GeneratedRegex(@"^\s*(\d+):((?:\s+\d+)+)\s*$")]
    private static partial Regex DistanceRow();

    public static Parsed<HostTopology> Parse(string text, string source = DefaultSource) =>
        new Reader(source).Read(text);

    /// <summary>Lives for one parse; collects cells and the distance table line by line.</summary>
    private sealed class Reader(string source)
    {
        private CpuSet? _available;
        private readonly SortedDictionary<int, RawCell> _cells = [];
        private readonly Dictionary<int, int> _cellOfCpu = [];
        private int[]? _distanceColumns;
        private bool _inDistances;
        private bool _noNuma;

        public Parsed<HostTopology> Read(string text)
        {
            foreach (var line in TextLines.Of(text))
            {
                if (string.IsNullOrWhiteSpace(line.Text)) continue;
                if (ReadLine(line) is { } error) return Parsed<HostTopology>.Fail(error);
            }
            if (_noNuma) return Parsed<HostTopology>.Ok(TopologyAssembler.Build(null, [], []));
            if (_available is null)
                return Fail(null, "an 'available: N nodes (list)' line or 'No NUMA available on this system'", text.Length == 0 ? "empty input" : null);
            if (_inDistances && _distanceColumns is not null && _cells.Values.Any(c => c.Distances.Count != _distanceColumns.Length))
                return Fail(null, "a distance row for every node", "an incomplete distance table");
            var cpus = _cellOfCpu.Select(kv => new RawCpu(kv.Key, kv.Value, Socket: 0, Die: 0, CoreKey: kv.Key));
            return Parsed<HostTopology>.Ok(TopologyAssembler.Build(null, _cells.Values, cpus));
        }

        private ParseError? ReadLine(TextLine line)
        {
            var t = line.Text.Trim();
            if (t.StartsWith("No NUMA available", StringComparison.Ordinal))
                return _available is null ? SetNoNuma() : Error(line, "no 'No NUMA available' after the node list", t);
            if (_noNuma) return Error(line, "nothing after 'No NUMA available on this system'", t);
            if (Available().Match(t) is { Success: true } a) return ReadAvailable(line, a);
            if (_available is null) return Error(line, "'available: N nodes (list)' first", t);
            if (NodeCpus().Match(t) is { Success: true } c) return ReadCpus(line, c);
            if (NodeMemory().Match(t) is { Success: true } m) return ReadMemory(line, m);
            if (DistancesHeader().IsMatch(t)) return StartDistances(line);
            // numactl prints this instead of the table when it cannot read the node distance files.
            if (t == "No distance information available.") return _inDistances ? Error(line, "distance rows", t) : StartDistances(line);
            if (_inDistances && DistanceColumns().Match(t) is { Success: true } cols) return ReadColumns(line, cols);
            if (_inDistances && DistanceRow().Match(t) is { Success: true } row) return ReadRow(line, row);
            return Error(line, "a 'node N cpus|size|free:' line or the distance table", t);
        }

        private ParseError? SetNoNuma()
        {
            _noNuma = true;
            return null;
        }

        private ParseError? ReadAvailable(TextLine line, Match m)
        {
            if (_available is not null) return Error(line, "one 'available:' line", line.Text);
            if (!CpuSet.TryParse(m.Groups[2].Value, out var nodes, out _, allowExclusions: false))
                return Error(line, "a node list such as (0-1)", m.Groups[2].Value);
            if (!TextLines.TryInt(m.Groups[1].Value, out var count) || count != nodes.Count)
                return Error(line, $"a node count matching the list ({nodes.Count})", m.Groups[1].Value);
            _available = nodes;
            foreach (var id in nodes) _cells[id] = new RawCell(id);
            return null;
        }

        private ParseError? ReadCpus(TextLine line, Match m)
        {
            if (NodeOf(line, m.Groups[1].Value, out var node) is { } error) return error;
            foreach (var token in m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TextLines.TryInt(token, out var cpu) || cpu > CpuSet.MaxCpuId)
                    return Error(line, "CPU ids", token);
                if (!_cellOfCpu.TryAdd(cpu, node))
                    return Error(line, $"each CPU on one node only (CPU {cpu} is already on node {_cellOfCpu[cpu]})", line.Text);
            }
            return null;
        }

        private ParseError? ReadMemory(TextLine line, Match m)
        {
            if (NodeOf(line, m.Groups[1].Value, out var node) is { } error) return error;
            if (!TextLines.TryLong(m.Groups[3].Value, out var mib)) return Error(line, "a size in MB", m.Groups[3].Value);
            _cells[node] = m.Groups[2].Value == "size"
                ? _cells[node] with { MemoryMiB = mib }
                : _cells[node] with { FreeMemoryMiB = mib };
            return null;
        }

        private ParseError? StartDistances(TextLine line)
        {
            if (_inDistances) return Error(line, "one distance table", line.Text);
            _inDistances = true;
            return null;
        }

        private ParseError? ReadColumns(TextLine line, Match m)
        {
            if (_distanceColumns is not null) return Error(line, "a distance row 'N: d d ...'", line.Text);
            var ids = new List<int>();
            foreach (var token in m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (NodeOf(line, token, out var node) is { } error) return error;
                ids.Add(node);
            }
            if (ids.Distinct().Count() != _cells.Count)
                return Error(line, $"a column for each of the {_cells.Count} nodes", line.Text);
            _distanceColumns = [.. ids];
            return null;
        }

        private ParseError? ReadRow(TextLine line, Match m)
        {
            if (_distanceColumns is null) return Error(line, "the 'node 0 1 ...' column header before distance rows", line.Text);
            if (NodeOf(line, m.Groups[1].Value, out var node) is { } error) return error;
            if (!_cells[node].Distances.IsEmpty) return Error(line, $"one distance row for node {node}", line.Text);
            var values = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (values.Length != _distanceColumns.Length)
                return Error(line, $"{_distanceColumns.Length} distances", line.Text);
            var distances = ImmutableSortedDictionary.CreateBuilder<int, int>();
            for (var i = 0; i < values.Length; i++)
            {
                if (!TextLines.TryInt(values[i], out var d)) return Error(line, "a distance", values[i]);
                distances[_distanceColumns[i]] = d;
            }
            _cells[node] = _cells[node] with { Distances = distances.ToImmutable() };
            return null;
        }

        private ParseError? NodeOf(TextLine line, string text, out int node)
        {
            if (!TextLines.TryInt(text, out node)) return Error(line, "a node id", text);
            return _cells.ContainsKey(node) ? null : Error(line, $"a node listed as available ({_available})", $"node {node}");
        }

        private ParseError Error(TextLine line, string expected, string? found) => new(source, line.Number, expected, found);

        private Parsed<HostTopology> Fail(int? line, string expected, string? found) =>
            Parsed<HostTopology>.Fail(new ParseError(source, line, expected, found));
    }
}
