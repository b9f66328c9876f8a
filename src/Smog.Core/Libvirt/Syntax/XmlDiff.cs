using System.Collections.Immutable;
using System.Xml.Linq;

namespace Smog.Libvirt.Syntax;

/// <summary>
/// Structural comparison of two element trees, reporting each difference with its path
/// (<c>/domain[0]/cputune[0]/vcpupin[2]/@cpuset</c>), in the manner of libvirt-go-xml's
/// <c>testCompareXML</c>. Attribute order, namespace declarations, comments and whitespace-only
/// text are ignored; element order and leaf text (trimmed) are compared.
/// </summary>
public static class XmlDiff
{
    public static ImmutableArray<string> Compare(XElement expected, XElement actual)
    {
        var differences = ImmutableArray.CreateBuilder<string>();
        CompareElement(expected, actual, $"/{expected.Name.LocalName}[0]", differences);
        return differences.ToImmutable();
    }

    public static ImmutableArray<string> Compare(string expectedXml, string actualXml) =>
        Compare(XElement.Parse(expectedXml), XElement.Parse(actualXml));

    private static void CompareElement(XElement e, XElement a, string path, ImmutableArray<string>.Builder diffs)
    {
        if (e.Name != a.Name)
        {
            diffs.Add($"{path}: expected element <{e.Name}>, found <{a.Name}>");
            return;
        }
        CompareAttributes(e, a, path, diffs);
        var eText = LeafText(e);
        var aText = LeafText(a);
        if (eText != aText) diffs.Add($"{path}/text(): expected '{eText}', found '{aText}'");

        var eChildren = e.Elements().ToList();
        var aChildren = a.Elements().ToList();
        var counts = new Dictionary<XName, int>();
        for (var i = 0; i < Math.Max(eChildren.Count, aChildren.Count); i++)
        {
            var name = i < eChildren.Count ? eChildren[i].Name : aChildren[i].Name;
            var nth = counts.GetValueOrDefault(name);
            counts[name] = nth + 1;
            var childPath = $"{path}/{name.LocalName}[{nth}]";
            if (i >= aChildren.Count) diffs.Add($"{childPath}: missing");
            else if (i >= eChildren.Count) diffs.Add($"{childPath}: unexpected");
            else CompareElement(eChildren[i], aChildren[i], childPath, diffs);
        }
    }

    private static void CompareAttributes(XElement e, XElement a, string path, ImmutableArray<string>.Builder diffs)
    {
        var eAttrs = Attributes(e);
        var aAttrs = Attributes(a);
        foreach (var (name, value) in eAttrs)
        {
            if (!aAttrs.TryGetValue(name, out var found)) diffs.Add($"{path}/@{name.LocalName}: missing (expected '{value}')");
            else if (found != value) diffs.Add($"{path}/@{name.LocalName}: expected '{value}', found '{found}'");
        }
        foreach (var (name, value) in aAttrs)
            if (!eAttrs.ContainsKey(name)) diffs.Add($"{path}/@{name.LocalName}: unexpected '{value}'");
    }

    private static SortedDictionary<XName, string> Attributes(XElement e) =>
        new(e.Attributes().Where(x => !x.IsNamespaceDeclaration).ToDictionary(x => x.Name, x => x.Value),
            Comparer<XName>.Create((x, y) => string.CompareOrdinal(x.ToString(), y.ToString())));

    private static string LeafText(XElement e) =>
        string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
}
