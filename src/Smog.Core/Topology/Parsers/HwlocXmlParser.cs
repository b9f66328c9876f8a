using System.Collections.Immutable;
using System.Xml.Linq;
using Smog.Units;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads hwloc XML v2 (<c>lstopo-no-graphics --of xml</c>, <c>hwloc2.dtd</c>): NUMANode objects
/// with <c>local_memory</c> and <c>page_type</c>s, PUs with their Package, Die and Core
/// ancestors, PCIDev objects with their OSDev children (net and block names) and the
/// NUMA latency matrix from <c>&lt;distances2&gt;</c>.
/// </summary>
/// <remarks>
/// Cell membership comes from the NUMANode cpusets (bit n = PU with os_index n), so it does not
/// depend on where hwloc hangs memory objects. A PU inside several NUMANode cpusets (DDR plus
/// HBM or CXL memory) belongs to the lowest node, as Linux lists it there; the others are
/// CPU-less cells. A PCI device's node is its locality's single NUMA node, null when the
/// locality spans several nodes (hwloc attaches such I/O to the Machine).
/// </remarks>
public static class HwlocXmlParser
{
    public const string DefaultSource = "hwloc XML";

    // osdev_type: hwloc 2.x writes an enum (0 block, 2 network); hwloc 3 (topology version 3.x)
    // writes a bit mask of HWLOC_OBJ_OSDEV_* flags (1 storage, 16 network).
    private static bool IsNetwork(XElement osdev, bool v3) => OsDevType(osdev) is { } t && (v3 ? (t & 16) != 0 : t == 2);
    private static bool IsBlock(XElement osdev, bool v3) => OsDevType(osdev) is { } t && (v3 ? (t & 1) != 0 : t == 0);
    private static int? OsDevType(XElement osdev) => TextLines.TryInt(osdev.Attr("osdev_type") ?? "", out var t) ? t : null;

    public static Parsed<HostTopology> Parse(string text, string source = DefaultSource)
    {
        var doc = SafeXml.Load(text, source, out var xmlError);
        if (doc?.Root is not { } root) return Parsed<HostTopology>.Fail(xmlError!);
        if (root.Name.LocalName != "topology")
            return Fail(source, root, "a <topology> root element (hwloc XML)", $"<{root.Name.LocalName}>");
        if (root.Elements("object").FirstOrDefault() is not { } machine)
            return Fail(source, root, "a top-level <object> (the Machine)", null);
        var v3 = root.Attr("version") is { } version && !version.StartsWith("2.", StringComparison.Ordinal) && !version.StartsWith("1.", StringComparison.Ordinal);
        return new Reader(source, v3).Read(root, machine);
    }

    private static Parsed<HostTopology> Fail(string source, XObject at, string expected, string? found) =>
        Parsed<HostTopology>.Fail(new ParseError(source, SafeXml.LineOf(at), expected, found));

    /// <summary>Lives for one parse.</summary>
    private sealed class Reader(string source, bool v3)
    {
        private readonly List<(int Id, CpuSet Cpus, RawCell Cell)> _nodes = [];
        private readonly Dictionary<int, (XElement Pu, int Socket, int Die, long CoreKey)> _pus = [];
        private readonly List<PciDevice> _pci = [];
        private ParseError? _error;
        private int _nextCoreKey;

        public Parsed<HostTopology> Read(XElement root, XElement machine)
        {
            Walk(machine, socket: null, die: 0, coreKey: null);
            if (_error is null) ReadDistances(root);
            if (_error is not null) return Parsed<HostTopology>.Fail(_error);
            if (_nodes.Count == 0) return Fail(source, machine, "at least one NUMANode object", null);

            var cpus = new List<RawCpu>();
            foreach (var (id, (pu, socket, die, coreKey)) in _pus)
            {
                var home = _nodes.Where(n => n.Cpus.Contains(id)).OrderBy(n => n.Id).FirstOrDefault();
                if (home.Cpus is null) return Fail(source, pu, $"a NUMANode whose cpuset holds PU P#{id}", null);
                cpus.Add(new RawCpu(id, home.Id, socket, die, coreKey));
            }
            // hwloc 2 puts the HostName info on the Machine, hwloc 3 on <topology>.
            var hostname = machine.Elements("info").Concat(root.Elements("info")).FirstOrDefault(i => i.Attr("name") == "HostName")?.Attr("value");
            return Parsed<HostTopology>.Ok(TopologyAssembler.Build(hostname, _nodes.Select(n => n.Cell), cpus, _pci));
        }

        private void Walk(XElement obj, int? socket, int die, long? coreKey)
        {
            foreach (var child in obj.Elements("object"))
            {
                if (_error is not null) return;
                var type = child.Attr("type");
                switch (type)
                {
                    case "Package" or "Socket": // hwloc before 1.11 called packages sockets
                        Walk(child, OsIndex(child) ?? socket, die, coreKey);
                        break;
                    case "Die":
                        Walk(child, socket, OsIndex(child) ?? die, coreKey);
                        break;
                    case "Core":
                        Walk(child, socket, die, _nextCoreKey++);
                        break;
                    case "PU":
                        ReadPu(child, socket ?? 0, die, coreKey);
                        break;
                    case "NUMANode":
                        ReadNumaNode(child);
                        // hwloc 1.x XML nests packages or cores inside NUMANodes; hwloc 2 only memory-side caches.
                        Walk(child, socket, die, coreKey);
                        break;
                    case "PCIDev":
                        ReadPci(child);
                        break;
                    case null:
                        _error = new ParseError(source, SafeXml.LineOf(child), "a type attribute on <object>");
                        break;
                    default: // Machine, Group, caches, bridges, Misc, MemCache: containers only
                        Walk(child, socket, die, coreKey);
                        break;
                }
            }
        }

        private int? OsIndex(XElement e) =>
            e.Attr("os_index") is { } s && TextLines.TryInt(s, out var v) ? v : null;

        private void ReadPu(XElement pu, int socket, int die, long? coreKey)
        {
            if (OsIndex(pu) is not { } id || id > CpuSet.MaxCpuId)
            {
                _error = new ParseError(source, SafeXml.LineOf(pu), "a PU with a numeric os_index", pu.Attr("os_index"));
                return;
            }
            if (_pus.ContainsKey(id))
            {
                _error = new ParseError(source, SafeXml.LineOf(pu), "each PU os_index once", $"P#{id} again");
                return;
            }
            // A PU outside any Core is a core of its own; keys above every Core counter keep it unique.
            _pus[id] = (pu, socket, die, coreKey ?? (1L << 40) + id);
        }

        private void ReadNumaNode(XElement node)
        {
            var line = SafeXml.LineOf(node);
            if (OsIndex(node) is not { } id || !TopologyAssembler.IsValidId(id)) { _error = new(source, line, "a NUMANode with a numeric os_index", node.Attr("os_index")); return; }
            if (_nodes.Any(n => n.Id == id)) { _error = new(source, line, "each NUMANode os_index once", $"P#{id} again"); return; }
            if (!HwlocBitmap.TryParse(node.Attr("cpuset") ?? "0x0", out var cpus))
            {
                _error = new(source, line, "a cpuset bitmap such as 0x000000ff", node.Attr("cpuset"));
                return;
            }
            long memory = 0; // hwloc writes local_memory only when it is not zero (memoryless nodes)
            if (node.Attr("local_memory") is { } lm)
            {
                if (!TextLines.TryLong(lm, out var bytes)) { _error = new(source, line, "local_memory in bytes", lm); return; }
                memory = bytes / (long)ByteSize.MiBytes;
            }
            var pages = ImmutableArray.CreateBuilder<PagePool>();
            foreach (var page in node.Elements("page_type"))
            {
                if (!TextLines.TryLong(page.Attr("size") ?? "", out var size) || size < 1024
                    || !TextLines.TryLong(page.Attr("count") ?? "", out var count))
                {
                    _error = new(source, SafeXml.LineOf(page), "page_type with size (bytes) and count", page.ToString());
                    return;
                }
                pages.Add(new PagePool(size / 1024, count));
            }
            _nodes.Add((id, cpus, new RawCell(id) { MemoryMiB = memory, Pages = pages.ToImmutable() }));
        }

        private void ReadPci(XElement dev)
        {
            var address = PciIds.Address(dev.Attr("pci_busid"));
            if (address is null)
            {
                _error = new(source, SafeXml.LineOf(dev), "pci_busid such as 0000:00:02.0", dev.Attr("pci_busid"));
                return;
            }
            // pci_type: "CCCC [VVVV:DDDD] [SVVV:SDDD] RR" (class, vendor:device, subsystem, revision)
            var type = (dev.Attr("pci_type") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ids = type.Length > 1 ? type[1].Trim('[', ']').Split(':') : [];
            var osdevs = dev.Elements("object").Where(o => o.Attr("type") == "OSDev").ToList();
            _pci.Add(new PciDevice
            {
                Address = address,
                ClassCode = PciIds.Hex(type.FirstOrDefault(), 4),
                VendorId = ids.Length == 2 ? PciIds.Hex(ids[0], 4) : null,
                ProductId = ids.Length == 2 ? PciIds.Hex(ids[1], 4) : null,
                NumaNode = LocalNode(dev),
                NetDev = osdevs.FirstOrDefault(o => IsNetwork(o, v3))?.Attr("name"),
                BlockDev = osdevs.FirstOrDefault(o => IsBlock(o, v3))?.Attr("name"),
                Description = dev.Elements("info").FirstOrDefault(i => i.Attr("name") == "PCIDevice")?.Attr("value"),
            });
            Walk(dev, null, 0, null); // PCI bridges below a device lead to more devices
        }

        /// <summary>The single node of the nearest ancestor with a nodeset; null if it spans several.</summary>
        private static int? LocalNode(XElement dev)
        {
            var holder = dev.Ancestors("object").FirstOrDefault(a => a.Attr("nodeset") is not null);
            if (holder is null || !HwlocBitmap.TryParse(holder.Attr("nodeset"), out var nodes)) return null;
            return nodes.Count == 1 ? nodes.Min : null;
        }

        private void ReadDistances(XElement root)
        {
            // HWLOC_DISTANCES_KIND_MEANS_BANDWIDTH = 8; any other NUMANode matrix is a latency.
            var matrix = root.Elements("distances2").FirstOrDefault(d =>
                d.Attr("type") == "NUMANode" && (!TextLines.TryInt(d.Attr("kind") ?? "", out var kind) || (kind & 8) == 0));
            if (matrix is null) return;
            var line = SafeXml.LineOf(matrix);
            if (!TextLines.TryInt(matrix.Attr("nbobjs") ?? "", out var n) || n < 1 || n > 4096)
            {
                _error = new(source, line, "nbobjs, the number of nodes in the matrix", matrix.Attr("nbobjs"));
                return;
            }
            var indexes = Numbers(matrix.Elements("indexes"));
            var values = Numbers(matrix.Elements("u64values"));
            if (indexes is null || values is null || indexes.Count != n || values.Count != (long)n * n)
            {
                _error = new(source, line, $"{n} indexes and {n}x{n} u64values", null);
                return;
            }
            var ids = indexes.Select(i => (int)Math.Min(i, int.MaxValue)).ToList();
            if (matrix.Attr("indexing") == "gp")
                ids = indexes.Select(gp => GpToOsIndex(root, gp) ?? -1).ToList();
            for (var row = 0; row < n; row++)
            {
                var at = _nodes.FindIndex(x => x.Id == ids[row]);
                if (at < 0) { _error = new(source, line, "distances between known NUMANodes", $"node {indexes[row]}"); return; }
                var d = ImmutableSortedDictionary.CreateBuilder<int, int>();
                for (var col = 0; col < n; col++) d[ids[col]] = (int)Math.Min(values[row * n + col], int.MaxValue);
                _nodes[at] = _nodes[at] with { Cell = _nodes[at].Cell with { Distances = d.ToImmutable() } };
            }
        }

        private static int? GpToOsIndex(XElement root, long gp) =>
            root.Descendants("object").FirstOrDefault(o => o.Attr("type") == "NUMANode" && o.Attr("gp_index") == gp.ToString(System.Globalization.CultureInfo.InvariantCulture))
                is { } node && TextLines.TryInt(node.Attr("os_index") ?? "", out var os) ? os : null;

        /// <summary>The whitespace-separated numbers of several elements, concatenated (hwloc splits long arrays).</summary>
        private static List<long>? Numbers(IEnumerable<XElement> elements)
        {
            var list = new List<long>();
            foreach (var token in elements.SelectMany(e => e.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            {
                if (!TextLines.TryLong(token, out var v)) return null;
                list.Add(v);
            }
            return list;
        }
    }
}
