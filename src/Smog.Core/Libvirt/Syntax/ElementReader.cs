using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Smog.Topology;

namespace Smog.Libvirt.Syntax;

/// <summary>
/// Reads one element: each attribute or child taken is marked consumed, and <see cref="Rest"/>
/// returns what nobody took. Problems (a non-integer id, a missing required value) are collected
/// as <see cref="ParseError"/>s naming the element path, never thrown.
/// </summary>
internal sealed class ElementReader
{
    private readonly XElement _element;
    private readonly HashSet<XName> _takenAttributes = [];
    private readonly HashSet<XElement> _takenChildren = [];
    private readonly List<ParseError> _errors;

    public ElementReader(XElement element, string path, string source, List<ParseError> errors)
    {
        _element = element;
        Path = path;
        Source = source;
        _errors = errors;
    }

    public string Path { get; }
    public string Source { get; }

    public string? Attr(string name)
    {
        _takenAttributes.Add(name);
        return _element.Attribute(name)?.Value;
    }

    public int? IntAttr(string name)
    {
        var text = Attr(name);
        if (text is null) return null;
        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        Error($"{Path}/@{name}", "an integer", text);
        return null;
    }

    public int RequiredIntAttr(string name)
    {
        var value = IntAttr(name);
        if (value is null && _element.Attribute(name) is null) Error($"{Path}/@{name}", "an integer attribute", null);
        return value ?? 0;
    }

    /// <summary>The element's own text (only meaningful for leaf elements).</summary>
    public string Text() => _element.Value;

    public ElementReader? Child(string name)
    {
        var child = _element.Elements(name).FirstOrDefault(e => !_takenChildren.Contains(e));
        if (child is null) return null;
        _takenChildren.Add(child);
        return new ElementReader(child, $"{Path}/{name}", Source, _errors);
    }

    public IEnumerable<ElementReader> Children(string name)
    {
        var index = 0;
        foreach (var child in _element.Elements(name).ToList())
        {
            index++;
            if (!_takenChildren.Add(child)) continue;
            yield return new ElementReader(child, $"{Path}/{name}[{index}]", Source, _errors);
        }
    }

    /// <summary>Takes a child that is modelled only by its presence (<c>&lt;locked/&gt;</c>).</summary>
    public bool Flag(string name) => Child(name) is not null;

    /// <summary>Takes a child verbatim (foreign XML such as Nova's metadata).</summary>
    public XElement? Verbatim(string name)
    {
        var child = _element.Element(name);
        if (child is null) return null;
        _takenChildren.Add(child);
        return new XElement(child);
    }

    public string? ChildText(string name) => Child(name)?.Text();

    public XmlRest Rest() => new(
        [.. _element.Attributes().Where(a => !_takenAttributes.Contains(a.Name)).Select(a => new XAttribute(a))],
        [.. _element.Elements().Where(e => !_takenChildren.Contains(e)).Select(e => new XElement(e))],
        [.. _element.Elements().Select(e => e.Name)]);

    public void Error(string where, string expected, string? found) =>
        _errors.Add(new ParseError(Source, LineOf(_element), $"{expected} at {where}", found));

    private static int? LineOf(XElement e) => e is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
