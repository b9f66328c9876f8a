using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.Units;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads <c>lstopo-no-graphics</c> console output (hwloc 2.x, logical <c>L#</c> or physical
/// <c>-p</c> indexes): the object tree from two-space indentation, chains joined by
/// <c> + </c>, NUMANode memory, Package/Die/Core/PU nesting, PCI devices with their
/// Net/Block children, and the latency matrix that <c>--distances</c> appends.
/// </summary>
/// <remarks>
/// The console shows no page types and rounds memory to the printed unit (hwloc prints MB
/// below 10 GB, then GB), so cross-format comparisons allow that rounding. A PU belongs to
/// the lowest NUMANode attached to its nearest ancestor that has memory children, which is
/// where hwloc 2 hangs a node covering those PUs.
/// </remarks>
public static partial class LstopoConsoleParser
{
    public const string DefaultSource = "lstopo";

    [GeneratedRegex(@"^(?<type>[A-Za-z][A-Za-z0-9]*(?:\([^)]*\))?)(?:\s+(?<kind>[LP])#(?<idx>\d+))?(?:\s+""(?<name>[^""]*)"")?(?:\s+\((?<attrs>[^)]*)\))?$")]
    private static partial Regex Item();

    [GeneratedRegex(@"^PCI\s+(?<addr>[0-9A-Fa-f]{2,4}:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})?\.[0-9A-Fa-f])(?:\s+\((?<cls>[^)]*)\))?(?:\s+.*)?$")]
    private static partial Regex PciItem();

    [GeneratedRegex(@"^P#(?<p>\d+)")]
    private static partial Regex PhysicalIndex();

    [GeneratedRegex(@"(?<size>\d+)(?<unit>[KMGTP]?B)(?:\s+total)?$")]
    private static partial Regex Memory();

    [GeneratedRegex(@"latency matrix.*between (?<n>\d+) NUMANodes.*by (?<by>logical|OS) indexes:\s*$")]
    private static partial Regex DistanceHeader();

    private sealed class Node(string type, int line)
    {
        /// <summary>Unique within one parse (set by the tree builder); a Core's id keys its PUs.</summary>
        public int Id { get; set; }
        public string Type { get; } = type;
        public int Line { get; } = line;
        public int? Logical { get; init; }
        public int? Physical { get; init; }
        public long? MemoryMiB { get; init; }
        public string? Name { get; init; }
        public string? Address { get; init; }
        public string? ClassName { get; init; }
        public Node? Parent { get; set; }
        public List<Node> Children { get; } = [];

        public bool IsIo => Type is "HostBridge" or "PCIBridge" or "PCI" or "Bridge" or "Net" or "GPU" or "DMA" or "OpenFabrics"
            || Type.StartsWith("Block", StringComparison.Ordinal) || Type.StartsWith("CoProc", StringComparison.Ordinal)
            || Type.StartsWith("Misc", StringComparison.Ordinal);

        public IEnumerable<Node> Ancestors()
        {
            for (var a = Parent; a is not null; a = a.Parent) yield return a;
        }

        public IEnumerable<Node> Descendants() => Children.SelectMany(c => c.Descendants().Prepend(c));
    }

    public static Parsed<HostTopology> Parse(string text, string source = DefaultSource)
    {
        var lines = TextLines.Of(text).Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
        if (lines.Count == 0) return Fail(source, null, "lstopo console output starting with 'Machine'", "empty input");
        var treeEnd = lines.FindIndex(l => DistanceHeader().IsMatch(l.Text));
        var treeLines = treeEnd < 0 ? lines : lines[..treeEnd];
        var machine = BuildTree(treeLines, source, out var error);
        if (machine is null) return Parsed<HostTopology>.Fail(error!);
        var nodes = machine.Descendants().Where(n => n.Type == "NUMANode").ToList();
        if (nodes.Count == 0) return Fail(source, machine.Line, "at least one NUMANode line", null);
        if (nodes.FirstOrDefault(n => n.Physical is not { } p || !TopologyAssembler.IsValidId(p)) is { } bad)
            return Fail(source, bad.Line, $"a NUMANode with its P# index (0..{CpuSet.MaxCpuId})", bad.Physical?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (nodes.GroupBy(n => n.Physical).FirstOrDefault(g => g.Count() > 1) is { } dup)
            return Fail(source, dup.Last().Line, "each NUMANode P# once", $"P#{dup.Key} again");

        var distances = ImmutableDictionary<int, ImmutableSortedDictionary<int, int>>.Empty;
        if (treeEnd >= 0 && ReadDistances(lines[treeEnd..], nodes, source, out distances) is { } distError)
            return Parsed<HostTopology>.Fail(distError);

        var cells = nodes.Select(n => new RawCell(n.Physical!.Value)
        {
            MemoryMiB = n.MemoryMiB ?? 0, // lstopo prints no size for a memoryless node
            Distances = distances.GetValueOrDefault(n.Physical!.Value) ?? ImmutableSortedDictionary<int, int>.Empty,
        });
        var cpus = new List<RawCpu>();
        var seen = new HashSet<int>();
        foreach (var pu in machine.Descendants().Where(n => n.Type == "PU"))
        {
            if (pu.Physical is not { } id || !TopologyAssembler.IsValidId(id)) return Fail(source, pu.Line, $"a PU with its P# index (0..{CpuSet.MaxCpuId})", null);
            if (!seen.Add(id)) return Fail(source, pu.Line, "each PU P# once", $"P#{id} again");
            if (CellOf(pu) is not { } cell) return Fail(source, pu.Line, $"a NUMANode covering PU P#{id}", null);
            cpus.Add(new RawCpu(id, cell, Index(pu, "Package") ?? 0, Index(pu, "Die") ?? 0, CoreKey(pu)));
        }
        var pci = machine.Descendants().Where(n => n.Type == "PCI" && n.Address is not null).Select(ToPci);
        return Parsed<HostTopology>.Ok(TopologyAssembler.Build(null, cells, cpus, pci));
    }

    private static Node? BuildTree(List<TextLine> lines, string source, out ParseError? error)
    {
        error = null;
        var stack = new Stack<(int Indent, Node Node)>();
        Node? root = null;
        var created = 0;
        foreach (var line in lines)
        {
            var indent = line.Text.Length - line.Text.TrimStart(' ').Length;
            Node? parent = null;
            while (stack.Count > 0 && stack.Peek().Indent >= indent) stack.Pop();
            if (stack.Count > 0) parent = stack.Peek().Node;
            else if (root is not null)
            {
                error = new ParseError(source, line.Number, "one Machine tree (indented children)", line.Text.Trim());
                return null;
            }
            foreach (var itemText in line.Text.Trim().Split(" + "))
            {
                var node = ParseItem(itemText.Trim(), line.Number);
                if (node is null)
                {
                    error = new ParseError(source, line.Number, "an lstopo object such as 'Core L#0' or 'PU L#0 (P#0)'", itemText.Trim());
                    return null;
                }
                node.Id = ++created;
                if (parent is null)
                {
                    if (node.Type != "Machine") { error = new ParseError(source, line.Number, "'Machine' first", itemText.Trim()); return null; }
                    root = node;
                }
                else
                {
                    node.Parent = parent;
                    parent.Children.Add(node);
                }
                parent = node;
            }
            stack.Push((indent, parent!));
        }
        if (root is null) error = new ParseError(source, null, "a 'Machine' line");
        return root;
    }

    private static Node? ParseItem(string text, int line)
    {
        if (PciItem().Match(text) is { Success: true } pci)
            return new Node("PCI", line) { Address = PciIds.Address(pci.Groups["addr"].Value), ClassName = NullIfEmpty(pci.Groups["cls"].Value) };
        if (Item().Match(text) is not { Success: true } m) return null;
        var attrs = m.Groups["attrs"].Value;
        int? logical = null, physical = null;
        if (m.Groups["idx"].Success && TextLines.TryInt(m.Groups["idx"].Value, out var idx))
        {
            if (m.Groups["kind"].Value == "L") logical = idx; else physical = idx;
        }
        else if (m.Groups["idx"].Success) return null;
        if (PhysicalIndex().Match(attrs) is { Success: true } p)
        {
            if (!TextLines.TryInt(p.Groups["p"].Value, out var pv)) return null;
            physical = pv;
        }
        long? memory = null;
        if (Memory().Match(attrs) is { Success: true } mem)
        {
            if (!TextLines.TryLong(mem.Groups["size"].Value, out var size)
                || ByteSize.Scaled(size, LstopoUnits.Scale(mem.Groups["unit"].Value) ?? 0) is not { } bytes) return null;
            memory = (long)bytes.MiB;
        }
        return new Node(m.Groups["type"].Value, line)
        {
            Logical = logical,
            Physical = physical,
            MemoryMiB = memory,
            Name = m.Groups["name"].Success ? m.Groups["name"].Value : null,
        };
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static int? CellOf(Node pu) =>
        pu.Ancestors().Select(a => a.Children.Where(c => c.Type == "NUMANode").Select(c => c.Physical).Min())
            .FirstOrDefault(id => id is not null);

    // Without -p the console shows only logical indexes for packages and dies; they number the
    // objects in order, which is what Smog's socket and die ids mean for this source.
    private static int? Index(Node pu, string type) =>
        pu.Ancestors().FirstOrDefault(a => a.Type == type) is { } a ? a.Physical ?? a.Logical : null;

    private static long CoreKey(Node pu) =>
        pu.Ancestors().FirstOrDefault(a => a.Type == "Core") is { } core ? core.Id : (1L << 40) + pu.Physical!.Value;

    private static PciDevice ToPci(Node dev)
    {
        var holder = dev.Ancestors().First(a => !a.IsIo);
        var local = holder.Descendants().Prepend(holder).Where(n => n.Type == "NUMANode" && !n.Ancestors().Any(a => a.IsIo))
            .Select(n => n.Physical).Distinct().ToList();
        return new PciDevice
        {
            Address = dev.Address!,
            NumaNode = local.Count == 1 ? local[0] : null,
            Description = dev.ClassName,
            NetDev = dev.Children.FirstOrDefault(c => c.Type == "Net")?.Name,
            BlockDev = dev.Children.FirstOrDefault(c => c.Type.StartsWith("Block", StringComparison.Ordinal))?.Name,
        };
    }

    /// <summary>The matrix printed by <c>--distances</c>: a header, an 'index' row, one row per node.</summary>
    private static ParseError? ReadDistances(List<TextLine> lines, List<Node> nodes, string source,
        out ImmutableDictionary<int, ImmutableSortedDictionary<int, int>> distances)
    {
        distances = ImmutableDictionary<int, ImmutableSortedDictionary<int, int>>.Empty;
        var header = DistanceHeader().Match(lines[0].Text);
        var byLogical = header.Groups["by"].Value == "logical";
        if (!TextLines.TryInt(header.Groups["n"].Value, out var n) || n != nodes.Count || lines.Count != n + 2)
            return new ParseError(source, lines[0].Number, $"a {nodes.Count}x{nodes.Count} latency matrix after the header", lines[0].Text.Trim());
        var logicalToOs = nodes.Where(x => x.Logical is not null).GroupBy(x => x.Logical!.Value).ToDictionary(g => g.Key, g => g.First().Physical!.Value);
        int? ToOs(string token) =>
            !TextLines.TryInt(token, out var i) ? null : byLogical ? logicalToOs.TryGetValue(i, out var os) ? os : null : i;
        var columns = lines[1].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (columns.Length != n + 1 || columns[0] != "index" || columns.Skip(1).Any(c => ToOs(c) is null))
            return new ParseError(source, lines[1].Number, "'index' and a node index per column", lines[1].Text.Trim());
        var ids = columns.Skip(1).Select(c => ToOs(c)!.Value).ToList();
        var builder = ImmutableDictionary.CreateBuilder<int, ImmutableSortedDictionary<int, int>>();
        foreach (var row in lines.Skip(2))
        {
            var cells = row.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length != n + 1 || ToOs(cells[0]) is not { } from)
                return new ParseError(source, row.Number, $"a node index and {n} distances", row.Text.Trim());
            var d = ImmutableSortedDictionary.CreateBuilder<int, int>();
            for (var i = 0; i < n; i++)
            {
                if (!TextLines.TryInt(cells[i + 1], out var v)) return new ParseError(source, row.Number, "a distance", cells[i + 1]);
                d[ids[i]] = v;
            }
            builder[from] = d.ToImmutable();
        }
        distances = builder.ToImmutable();
        return null;
    }

    private static Parsed<HostTopology> Fail(string source, int? line, string expected, string? found) =>
        Parsed<HostTopology>.Fail(new ParseError(source, line, expected, found));
}
