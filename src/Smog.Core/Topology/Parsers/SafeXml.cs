using System.Xml;
using System.Xml.Linq;

namespace Smog.Topology.Parsers;

/// <summary>
/// Loads tool XML without ever fetching anything: the DOCTYPE that hwloc writes
/// (<c>hwloc2.dtd</c>) is ignored, entities are capped, and line numbers are kept for errors.
/// </summary>
internal static class SafeXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
    };

    public static XDocument? Load(string text, string source, out ParseError? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new ParseError(source, null, "an XML document", "empty input");
            return null;
        }
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), Settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            error = new ParseError(source, e.LineNumber > 0 ? e.LineNumber : null, "well-formed XML", FirstLine(e.Message));
            return null;
        }
    }

    public static int? LineOf(XObject node) =>
        node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    public static string? Attr(this XElement e, string name) => e.Attribute(name)?.Value;

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}
