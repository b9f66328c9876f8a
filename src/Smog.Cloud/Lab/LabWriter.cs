using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Smog.Cloud.Lab;

/// <summary>
/// Writes a <see cref="LabDefinition"/> back as lab YAML (schema: Lab/README.md) that
/// <see cref="LabReader"/> reads into the same lab: topology shorthand, nova.conf texts as given,
/// aggregates. Every host is written out in full (no anchors). Hosts whose topology came from
/// <c>topology.file</c> have no shorthand to write and are refused.
/// </summary>
public static class LabWriter
{
    public static string Yaml(LabDefinition lab)
    {
        var root = new YamlMappingNode { { "version", Plain("1") } };
        if (lab.ControllerConfText.Length > 0)
            root.Add("controller", new YamlMappingNode { { "nova_conf", Block(lab.ControllerConfText) } });
        root.Add("hosts", new YamlSequenceNode(lab.Hosts.Select(Host)));
        root.Add("aggregates", new YamlSequenceNode(lab.Aggregates.Select(Aggregate)));
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        // YamlDotNet ends the document with "...": a lab file does not need it.
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlMappingNode Host(LabHost host)
    {
        var shape = host.Shorthand
            ?? throw new ArgumentException($"host {host.Name}: its topology came from a file, and only the shorthand can be written", nameof(host));
        var map = new YamlMappingNode { { "name", Plain(host.Name) }, { "topology", Topology(shape) } };
        if (host.NovaConfText.Length > 0) map.Add("nova_conf", Block(host.NovaConfText));
        if (!host.Aggregates.IsEmpty) map.Add("aggregates", new YamlSequenceNode(host.Aggregates.Select(Plain)) { Style = SequenceStyle.Flow });
        if (host.DiskGiB != LabDefaults.DiskGiB) map.Add("disk_gb", Number(host.DiskGiB));
        return map;
    }

    private static YamlMappingNode Topology(TopologyShorthand shape)
    {
        var map = new YamlMappingNode
        {
            { "sockets", Number(shape.Sockets) },
            { "cells", Number(shape.Cells) },
            { "cores_per_cell", Number(shape.CoresPerCell) },
            { "threads_per_core", Number(shape.ThreadsPerCore) },
            { "memory_per_cell", Plain(Size(shape.MemoryPerCellMiB * 1024)) },
        };
        if (!shape.PagesPerCell.IsEmpty)
        {
            var pages = new YamlMappingNode { Style = MappingStyle.Flow };
            foreach (var (sizeKiB, count) in shape.PagesPerCell) pages.Add(Plain(Size(sizeKiB)), Number(count));
            map.Add("pages_per_cell", pages);
        }
        if (!shape.Pci.IsEmpty) map.Add("pci", new YamlSequenceNode(shape.Pci.Select(Pci)));
        return map;
    }

    private static YamlMappingNode Pci(ShorthandPci d)
    {
        var map = new YamlMappingNode
        {
            { "address", Quoted(d.Address) },
            { "cell", Number(d.Cell) },
            { "vendor_id", Quoted(d.VendorId) },
            { "product_id", Quoted(d.ProductId) },
            { "kind", Plain(d.Vfs > 0 ? "pf" : "pci") },
        };
        if (d.Vfs > 0)
        {
            map.Add("vfs", Number(d.Vfs));
            map.Add("vf_product_id", Quoted(d.VfProductId ?? ""));
        }
        map.Style = MappingStyle.Flow;
        return map;
    }

    private static YamlMappingNode Aggregate(LabAggregate aggregate)
    {
        var map = new YamlMappingNode { { "name", Quoted(aggregate.Name) } };
        if (aggregate.AvailabilityZone is { } az) map.Add("availability_zone", Quoted(az));
        if (!aggregate.Metadata.IsEmpty)
            map.Add("metadata", new YamlMappingNode(aggregate.Metadata.Select(kv =>
                new KeyValuePair<YamlNode, YamlNode>(Quoted(kv.Key), Quoted(kv.Value)))));
        return map;
    }

    /// <summary>A size in the largest binary unit that holds it whole: 32GiB, 2M, 1G, 16385MiB.</summary>
    private static string Size(long kiB) =>
        kiB % (1024 * 1024) == 0 ? $"{kiB / (1024 * 1024)}G" : kiB % 1024 == 0 ? $"{kiB / 1024}M" : $"{kiB}K";

    private static YamlScalarNode Number(long n) => Plain(n.ToString(CultureInfo.InvariantCulture));

    private static YamlScalarNode Plain(string text) => new(text);

    // Ids and addresses stay strings whatever they look like (8086, 0000:18:00.0).
    private static YamlScalarNode Quoted(string text) => new(text) { Style = ScalarStyle.DoubleQuoted };

    private static YamlScalarNode Block(string text) => new(text) { Style = ScalarStyle.Literal };
}
