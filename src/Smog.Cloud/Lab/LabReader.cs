using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Smog.Hosts.Files;
using Smog.Nova.Config;
using Smog.Topology;
using Smog.Topology.Parsers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Smog.Cloud.Lab;

/// <summary>
/// Reads a lab YAML (schema: Lab/README.md) into a <see cref="LabDefinition"/>: topology shorthand
/// expanded (<see cref="TopologyShorthand"/>), <c>topology.file</c> read through the discover JSON
/// reader, each <c>nova_conf</c> through the one nova.conf reader; every fault as
/// <c>file:line: field: message</c>. Unknown keys are errors, so a typo never falls back to a default.
/// </summary>
public static class LabReader
{
    public const string DefaultSource = "default-lab.yml";
    private const string DefaultResource = "Smog.Cloud.default-lab.yml";

    private static readonly string[] TopFields = ["version", "controller", "hosts", "aggregates"];
    private static readonly string[] ControllerFields = ["nova_conf"];
    private static readonly string[] HostFields = ["name", "topology", "nova_conf", "aggregates", "disk_gb"];
    private static readonly string[] AggregateFields = ["name", "availability_zone", "metadata"];

    /// <summary>Reads a lab file from disk; relative <c>topology.file</c> paths are relative to it.</summary>
    public static Parsed<LabDefinition> Load(string path) =>
        LocalFiles.ReadText(path).Bind(text => Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "."));

    /// <summary>Reads <paramref name="yaml"/>; <paramref name="source"/> names it in messages and, when it is a
    /// path, anchors relative <c>topology.file</c> paths.</summary>
    public static Parsed<LabDefinition> Parse(string yaml, string source) =>
        Parse(yaml, source, Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".");

    /// <summary>Reads <paramref name="yaml"/> with relative <c>topology.file</c> paths anchored at <paramref name="baseDirectory"/>.</summary>
    public static Parsed<LabDefinition> Parse(string yaml, string source, string baseDirectory)
    {
        try
        {
            return Parsed<LabDefinition>.Ok(new Reader(source, baseDirectory).Lab(Root(yaml, source)));
        }
        catch (LabFault fault)
        {
            return Parsed<LabDefinition>.Fail(fault.Error);
        }
    }

    /// <summary>The default lab shipped inside Smog.Cloud.</summary>
    public static LabDefinition Default()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"{DefaultResource} is not embedded in Smog.Cloud");
        using var reader = new StreamReader(stream);
        var parsed = Parse(reader.ReadToEnd(), DefaultSource, ".");
        return parsed.Success ? parsed.Value : throw new InvalidOperationException($"the default lab does not read: {parsed.Errors[0]}");
    }

    private static YamlMappingNode Root(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new LabFault(ParseError.Fault(source, (int)e.Start.Line, $"not valid YAML: {e.Message.ReplaceLineEndings(" ")}"));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these, without a position, on some broken documents.
            throw new LabFault(ParseError.Fault(source, null, "not valid YAML (the parser stopped without saying where)"));
        }
        if (stream.Documents.Count == 0)
            throw new LabFault(ParseError.Fault(source, null, "the file is empty, expected a lab (version, hosts, aggregates)"));
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new LabFault(ParseError.Fault(source, (int)stream.Documents[0].RootNode.Start.Line, "expected a mapping with version, controller, hosts and aggregates"));
    }

    private sealed class LabFault(ParseError error) : Exception(error.ToString())
    {
        public ParseError Error { get; } = error;
    }

    /// <summary>Walks the node tree; every check names the node's line and the field path.</summary>
    private sealed class Reader(string source, string baseDirectory)
    {
        // Labs repeat a few kinds of host: each distinct shorthand and nova.conf text is read once.
        private readonly Dictionary<string, (HostTopology, TopologyShorthand?)> _shorthands = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NovaConf> _confs = new(StringComparer.Ordinal);

        public LabDefinition Lab(YamlMappingNode root)
        {
            Known(root, "", TopFields);
            var version = Get(root, "version") ?? throw Fault(root, "version", "missing; expected version: 1");
            if (Text(version, "version") != "1") throw Fault(version, "version", $"expected 1, found '{Text(version, "version")}'");

            var controller = NovaConf.Default;
            var controllerText = "";
            if (Get(root, "controller") is { } c)
            {
                var map = Map(c, "controller");
                Known(map, "controller", ControllerFields);
                if (Get(map, "nova_conf") is { } ini)
                {
                    controller = Conf(ini, "controller.nova_conf");
                    controllerText = Text(ini, "controller.nova_conf");
                }
            }

            var aggregates = ImmutableArray.CreateBuilder<LabAggregate>();
            if (Get(root, "aggregates") is { } aggs)
            {
                var list = List(aggs, "aggregates");
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var aggregate = Aggregate(list.Children[i], $"aggregates[{i}]");
                    if (aggregates.Any(a => a.Name == aggregate.Name))
                        throw Fault(list.Children[i], $"aggregates[{i}].name", $"duplicate aggregate name '{aggregate.Name}'");
                    aggregates.Add(aggregate);
                }
            }

            var hostsNode = Get(root, "hosts") ?? throw Fault(root, "hosts", "missing; expected a list of hosts");
            var hostList = List(hostsNode, "hosts");
            if (hostList.Children.Count == 0) throw Fault(hostList, "hosts", "expected at least one host");
            var hosts = ImmutableArray.CreateBuilder<LabHost>(hostList.Children.Count);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var topologies = new Dictionary<YamlNode, (HostTopology, TopologyShorthand?)>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < hostList.Children.Count; i++)
            {
                var host = Host(hostList.Children[i], $"hosts[{i}]", aggregates, topologies);
                if (!names.Add(host.Name)) throw Fault(Get((YamlMappingNode)hostList.Children[i], "name")!, $"hosts[{i}].name", $"duplicate host name '{host.Name}'");
                hosts.Add(host);
            }
            return new LabDefinition
            {
                Source = source,
                Controller = controller,
                ControllerConfText = controllerText,
                Hosts = hosts.MoveToImmutable(),
                Aggregates = aggregates.ToImmutable(),
            };
        }

        private LabHost Host(YamlNode node, string field, ImmutableArray<LabAggregate>.Builder aggregates, Dictionary<YamlNode, (HostTopology, TopologyShorthand?)> topologies)
        {
            var map = Map(node, field);
            Known(map, field, HostFields);
            var nameNode = Get(map, "name") ?? throw Fault(map, $"{field}.name", "missing; every host needs a name");
            var name = Text(nameNode, $"{field}.name");
            if (name.Length == 0 || name.Any(char.IsWhiteSpace)) throw Fault(nameNode, $"{field}.name", $"expected a host name without spaces, found '{name}'");

            var topologyNode = Get(map, "topology") ?? throw Fault(map, $"{field}.topology", "missing; expected the shorthand or file: x.json");
            // An aliased shorthand (*textbook) is one node: expand it once.
            if (!topologies.TryGetValue(topologyNode, out var read))
            {
                read = Topology(topologyNode, $"{field}.topology");
                topologies[topologyNode] = read;
            }
            var (topology, shorthand) = read;
            topology = topology with { Hostname = name };

            var conf = NovaConf.Default;
            var confText = "";
            if (Get(map, "nova_conf") is { } ini)
            {
                conf = Conf(ini, $"{field}.nova_conf");
                confText = Text(ini, $"{field}.nova_conf");
                CheckCpuSets(conf, topology, ini, $"{field}.nova_conf");
            }

            var member = ImmutableArray<string>.Empty;
            if (Get(map, "aggregates") is { } aggs)
            {
                var list = List(aggs, $"{field}.aggregates");
                var builder = ImmutableArray.CreateBuilder<string>();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var aggregate = Text(list.Children[i], $"{field}.aggregates[{i}]");
                    if (!aggregates.Any(a => a.Name == aggregate))
                        throw Fault(list.Children[i], $"{field}.aggregates[{i}]", $"unknown aggregate '{aggregate}' (aggregates[] names {Names(aggregates.Select(a => a.Name))})");
                    if (!builder.Contains(aggregate)) builder.Add(aggregate);
                }
                member = builder.ToImmutable();
            }

            var disk = LabDefaults.DiskGiB;
            if (Get(map, "disk_gb") is { } diskNode) disk = Whole(diskNode, $"{field}.disk_gb", 1, 1L << 40);
            return new LabHost { Name = name, Topology = topology, Shorthand = shorthand, Conf = conf, NovaConfText = confText, Aggregates = member, DiskGiB = disk };
        }

        private (HostTopology Topology, TopologyShorthand? Shorthand) Topology(YamlNode node, string field)
        {
            var map = Map(node, field);
            if (Get(map, "file") is { } file)
            {
                Known(map, field, ["file"]);
                var relative = Text(file, $"{field}.file");
                var path = Path.IsPathRooted(relative) ? relative : Path.Combine(baseDirectory, relative);
                var parsed = LocalFiles.ReadText(path).Bind(text => TopologyJsonParser.Parse(text, relative));
                if (!parsed.Success) throw Fault(file, $"{field}.file", parsed.Errors[0].ToString());
                return (parsed.Value, null);
            }
            Known(map, field, TopologyShorthand.Fields);
            var canonical = Canonical(map);
            if (_shorthands.TryGetValue(canonical, out var known)) return known;
            var shape = Shorthand(map, field);
            return _shorthands[canonical] = (shape.Expand(), shape);
        }

        /// <summary>The node's content as text (keys, values and nesting, no positions), to recognise repeats.</summary>
        private static string Canonical(YamlNode node) => node switch
        {
            YamlScalarNode s => "\"" + s.Value + "\"",
            YamlSequenceNode l => "[" + string.Join(",", l.Children.Select(Canonical)) + "]",
            YamlMappingNode m => "{" + string.Join(",", m.Children.Select(kv => Canonical(kv.Key) + ":" + Canonical(kv.Value))) + "}",
            _ => "?",
        };

        private TopologyShorthand Shorthand(YamlMappingNode map, string field)
        {
            int Int(string key, int min, int max, int? fallback) => Get(map, key) is { } n
                ? (int)Whole(n, $"{field}.{key}", min, max)
                : fallback ?? throw Fault(map, $"{field}.{key}", "missing");
            var shape = new TopologyShorthand
            {
                Sockets = Int("sockets", 1, 64, 1),
                Cells = Int("cells", 1, 64, null),
                CoresPerCell = Int("cores_per_cell", 1, 1024, null),
                ThreadsPerCore = Int("threads_per_core", 1, 8, 1),
                MemoryPerCellMiB = Size(Get(map, "memory_per_cell") ?? throw Fault(map, $"{field}.memory_per_cell", "missing; expected a size like 32GiB"),
                    $"{field}.memory_per_cell") / 1024,
            };
            if (shape.Cells % shape.Sockets != 0)
                throw Fault(Get(map, "sockets")!, $"{field}.sockets", $"{shape.Sockets} sockets cannot share {shape.Cells} cells evenly");
            if (shape.MemoryPerCellMiB == 0) throw Fault(Get(map, "memory_per_cell")!, $"{field}.memory_per_cell", "expected at least 1 MiB");

            var pages = ImmutableArray.CreateBuilder<(long, long)>();
            if (Get(map, "pages_per_cell") is { } pagesNode)
            {
                foreach (var (key, value) in Map(pagesNode, $"{field}.pages_per_cell").Children)
                {
                    var sizeField = $"{field}.pages_per_cell.{Text(key, $"{field}.pages_per_cell")}";
                    var sizeKiB = Size(key, sizeField);
                    if (sizeKiB is not (2048 or 1048576) && (sizeKiB < 8 || (sizeKiB & (sizeKiB - 1)) != 0))
                        throw Fault(key, sizeField, "expected a huge page size (a power of two above 4 KiB, like 2M or 1G)");
                    if (pages.Any(p => p.Item1 == sizeKiB)) throw Fault(key, sizeField, "page size given twice");
                    pages.Add((sizeKiB, Whole(value, sizeField, 0, 1L << 32)));
                }
            }
            shape = shape with { PagesPerCell = pages.ToImmutable() };
            var hugeKiB = shape.PagesPerCell.Sum(p => p.SizeKiB * p.Count);
            if (hugeKiB > shape.MemoryPerCellMiB * 1024)
                throw Fault(Get(map, "pages_per_cell")!, $"{field}.pages_per_cell", $"huge pages hold {hugeKiB / 1024} MiB, more than memory_per_cell ({shape.MemoryPerCellMiB} MiB)");

            if (Get(map, "pci") is { } pciNode)
            {
                var list = List(pciNode, $"{field}.pci");
                var devices = ImmutableArray.CreateBuilder<ShorthandPci>();
                for (var i = 0; i < list.Children.Count; i++)
                {
                    var device = Pci(list.Children[i], $"{field}.pci[{i}]", shape.Cells);
                    if (devices.Any(d => d.Address == device.Address))
                        throw Fault(list.Children[i], $"{field}.pci[{i}].address", $"duplicate PCI address {device.Address}");
                    devices.Add(device);
                }
                shape = shape with { Pci = devices.ToImmutable() };
                var addresses = shape.Expand().PciDevices.GroupBy(d => d.Address).FirstOrDefault(g => g.Count() > 1);
                if (addresses is not null) throw Fault(pciNode, $"{field}.pci", $"two devices get address {addresses.Key} (a VF range overlaps another device)");
            }
            return shape;
        }

        private ShorthandPci Pci(YamlNode node, string field, int cells)
        {
            var map = Map(node, field);
            Known(map, field, ShorthandPci.Fields);
            string Required(string key) => Text(Get(map, key) ?? throw Fault(map, $"{field}.{key}", "missing"), $"{field}.{key}");
            var addressNode = Get(map, "address") ?? throw Fault(map, $"{field}.address", "missing; expected dddd:bb:ss.f");
            var address = PciIds.Address(Text(addressNode, $"{field}.address"));
            if (address is null)
                throw Fault(addressNode, $"{field}.address", $"expected a PCI address dddd:bb:ss.f, found '{Text(addressNode, $"{field}.address")}'");
            var cellNode = Get(map, "cell") ?? throw Fault(map, $"{field}.cell", "missing");
            var cell = (int)Whole(cellNode, $"{field}.cell", 0, int.MaxValue);
            if (cell >= cells) throw Fault(cellNode, $"{field}.cell", $"no cell {cell}: the host has cells 0-{cells - 1}");
            string Hex(string key, string text)
            {
                var hex = PciIds.Hex(text, 4);
                return hex is not null && text.Trim().Length <= 6 ? hex
                    : throw Fault(Get(map, key)!, $"{field}.{key}", $"expected 4 hex digits, found '{text}'");
            }
            var vendor = Hex("vendor_id", Required("vendor_id"));
            var product = Hex("product_id", Required("product_id"));
            var kindNode = Get(map, "kind");
            var kind = kindNode is null ? "pci" : Text(kindNode, $"{field}.kind");
            if (kind is not ("pci" or "pf")) throw Fault(kindNode!, $"{field}.kind", $"expected pci or pf, found '{kind}'");
            var vfs = 0;
            string? vfProduct = null;
            if (kind == "pf")
            {
                vfs = (int)Whole(Get(map, "vfs") ?? throw Fault(map, $"{field}.vfs", "missing; a pf needs its VF count"), $"{field}.vfs", 1, 256);
                vfProduct = Hex("vf_product_id", Required("vf_product_id"));
            }
            else
            {
                if (Get(map, "vfs") is { } n) throw Fault(n, $"{field}.vfs", "only a pf has VFs (kind: pf)");
                if (Get(map, "vf_product_id") is { } p) throw Fault(p, $"{field}.vf_product_id", "only a pf has VFs (kind: pf)");
            }
            if (kind == "pf" && !address.EndsWith(".0", StringComparison.Ordinal))
                throw Fault(addressNode, $"{field}.address", "a pf with VFs must be function 0 (its VFs take devices 2 upwards on its bus)");
            return new ShorthandPci(address, cell, vendor, product, vfs, vfProduct);
        }

        private LabAggregate Aggregate(YamlNode node, string field)
        {
            var map = Map(node, field);
            Known(map, field, AggregateFields);
            var name = Text(Get(map, "name") ?? throw Fault(map, $"{field}.name", "missing"), $"{field}.name");
            if (name.Length == 0) throw Fault(Get(map, "name")!, $"{field}.name", "expected a name");
            var az = Get(map, "availability_zone") is { } a ? Text(a, $"{field}.availability_zone") : null;
            var metadata = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (Get(map, "metadata") is { } m)
                foreach (var (key, value) in Map(m, $"{field}.metadata").Children)
                {
                    var k = Text(key, $"{field}.metadata");
                    metadata[k] = Text(value, $"{field}.metadata.{k}");
                }
            return new LabAggregate { Name = name, AvailabilityZone = az, Metadata = metadata.ToImmutable() };
        }

        private NovaConf Conf(YamlNode node, string field)
        {
            var text = Text(node, field);
            if (_confs.TryGetValue(text, out var known)) return known;
            var parsed = NovaConfReader.ParseIni(text, field);
            if (parsed.Success) return _confs[text] = parsed.Value;
            var error = parsed.Errors[0];
            var message = error.IsFault ? error.Expected
                : error.Found is null ? $"expected {error.Expected}" : $"expected {error.Expected}, found '{error.Found}'";
            throw new LabFault(ParseError.Fault(source, LineIn(node, error.Line), $"{field}: {message}"));
        }

        /// <summary>nova-compute refuses CPU sets naming CPUs the host does not have.</summary>
        private void CheckCpuSets(NovaConf conf, HostTopology topology, YamlNode node, string field)
        {
            var online = topology.AllCpus;
            foreach (var (option, set) in new[] { ("[compute] cpu_dedicated_set", conf.CpuDedicatedSet), ("[compute] cpu_shared_set", conf.CpuSharedSet), ("[DEFAULT] vcpu_pin_set", conf.VcpuPinSet) })
                if (set is not null && !set.IsSubsetOf(online))
                    throw new LabFault(ParseError.Fault(source, LineOf(node, Text(node, field), option), $"{field}: {option} names CPUs {set - online} the host does not have (it has {online})"));
            foreach (var r in conf.ReservedHugePages)
                if (topology.Cell(r.Node) is not { } cell || r.SizeKiB != 4 && cell.PagesOfSize(r.SizeKiB) is null)
                    throw new LabFault(ParseError.Fault(source, LineOf(node, Text(node, field), "reserved_huge_pages"),
                        $"{field}: [DEFAULT] reserved_huge_pages names node {r.Node} size {r.SizeKiB} KiB, which the host does not have"));
        }

        // A block scalar's text starts on the line after its indicator.
        private static int LineIn(YamlNode node, int? innerLine) =>
            node is YamlScalarNode { Style: ScalarStyle.Literal or ScalarStyle.Folded } && innerLine is { } l
                ? (int)node.Start.Line + l : (int)node.Start.Line;

        private static int LineOf(YamlNode node, string text, string option)
        {
            var key = option.Split(' ')[^1];
            var lines = text.ReplaceLineEndings("\n").Split('\n');
            var index = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith(key, StringComparison.Ordinal));
            return LineIn(node, index >= 0 ? index + 1 : null);
        }

        private long Size(YamlNode node, string field)
        {
            var text = Text(node, field);
            return SizeSyntax.KiB(text) ?? throw Fault(node, field, $"expected a size like 32GiB, 16384MiB or 2M, found '{text}'");
        }

        private long Whole(YamlNode node, string field, long min, long max)
        {
            var text = Text(node, field);
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
                : throw Fault(node, field, $"expected a whole number from {min} to {max}, found '{text}'");
        }

        private YamlMappingNode Map(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Fault(node, field, "expected a mapping");

        private YamlSequenceNode List(YamlNode node, string field) =>
            node as YamlSequenceNode ?? throw Fault(node, field, "expected a list");

        private string Text(YamlNode node, string field) =>
            node is YamlScalarNode { Value: { } v } ? v : throw Fault(node, field, "expected a single value");

        private static YamlNode? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        private void Known(YamlMappingNode map, string field, string[] known)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = key is YamlScalarNode { Value: { } v } ? v : "";
                if (!known.Contains(name))
                    throw Fault(key, field.Length == 0 ? name : $"{field}.{name}", $"unknown field (expected one of {string.Join(", ", known)})");
            }
        }

        private static string Names(IEnumerable<string> names)
        {
            var list = names.ToList();
            return list.Count == 0 ? "none" : string.Join(", ", list);
        }

        private LabFault Fault(YamlNode node, string field, string message) =>
            new(ParseError.Fault(source, (int)node.Start.Line, $"{field}: {message}"));
    }
}
