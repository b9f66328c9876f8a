namespace Smog.Topology.Parsers;

/// <summary>The inputs discovery understands; each names the tool (or file) it comes from.</summary>
public enum TopologyFormat
{
    Numactl,
    LstopoConsole,
    HwlocXml,
    Capabilities,
    Sysfs,
    TopologyJson,
}

/// <summary>Recognises a format from a document's first meaningful content and dispatches to its parser.</summary>
public static class TopologyFormats
{
    /// <summary>Short, stable names used in provenance, warnings and the CLI.</summary>
    public static string Name(this TopologyFormat format) => format switch
    {
        TopologyFormat.Numactl => "numactl",
        TopologyFormat.LstopoConsole => "lstopo",
        TopologyFormat.HwlocXml => "hwloc-xml",
        TopologyFormat.Capabilities => "capabilities",
        TopologyFormat.Sysfs => "sysfs",
        TopologyFormat.TopologyJson => "json",
        _ => format.ToString(),
    };

    /// <summary>
    /// The format of a text document, or null when it is none of them. XML is told apart by its
    /// root element, JSON by its opening brace, numactl by its 'available:' or 'No NUMA' line,
    /// lstopo by its 'Machine' root line. Sysfs trees are directories, recognised by the caller.
    /// </summary>
    public static TopologyFormat? Detect(string text)
    {
        var t = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (t.StartsWith('{')) return TopologyFormat.TopologyJson;
        if (t.StartsWith('<')) return XmlRoot(t) switch
        {
            "topology" => TopologyFormat.HwlocXml,
            "capabilities" => TopologyFormat.Capabilities,
            _ => null,
        };
        if (t.StartsWith("available:", StringComparison.Ordinal) || t.StartsWith("No NUMA available", StringComparison.Ordinal))
            return TopologyFormat.Numactl;
        if (t.StartsWith("Machine", StringComparison.Ordinal)) return TopologyFormat.LstopoConsole;
        return null;
    }

    public static Parsed<HostTopology> Parse(TopologyFormat format, string text, string source) => format switch
    {
        TopologyFormat.Numactl => NumactlParser.Parse(text, source),
        TopologyFormat.LstopoConsole => LstopoConsoleParser.Parse(text, source),
        TopologyFormat.HwlocXml => HwlocXmlParser.Parse(text, source),
        TopologyFormat.Capabilities => CapabilitiesParser.Parse(text, source),
        TopologyFormat.TopologyJson => TopologyJsonParser.Parse(text, source),
        _ => Parsed<HostTopology>.Fail(new ParseError(source, null, "a text format (sysfs trees are directories)", format.Name())),
    };

    /// <summary>The first element name after the prolog, DOCTYPE and comments.</summary>
    private static string? XmlRoot(string t)
    {
        var i = 0;
        while ((i = t.IndexOf('<', i)) >= 0 && i + 1 < t.Length)
        {
            var c = t[i + 1];
            if (c is '?' or '!') { i++; continue; }
            var end = t.IndexOfAny([' ', '>', '/', '\n', '\r', '\t'], i + 1);
            return end < 0 ? null : t[(i + 1)..end];
        }
        return null;
    }
}
