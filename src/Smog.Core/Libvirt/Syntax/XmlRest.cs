using System.Collections.Immutable;
using System.Xml.Linq;

namespace Smog.Libvirt.Syntax;

/// <summary>
/// What a typed record does not model: its unknown attributes and child elements, kept verbatim
/// so writing the record back loses nothing, plus the names of all its child elements in the order
/// they were read, so the writer can put modelled and unmodelled children back where they were.
/// </summary>
/// <remarks>
/// The elements are private copies; the writer clones them again, so callers can never mutate a
/// record through them.
/// </remarks>
public sealed record XmlRest(
    ImmutableArray<XAttribute> Attributes,
    ImmutableArray<XElement> Elements,
    ImmutableArray<XName> Order)
{
    public static readonly XmlRest Empty = new([], [], []);

    public bool IsEmpty => Attributes.IsEmpty && Elements.IsEmpty;

    /// <summary>The same rest without the recorded child order (new children go to canonical places).</summary>
    public XmlRest WithoutOrder() => this with { Order = [] };

    /// <summary>
    /// Puts <paramref name="produced"/> (in canonical order) into the recorded order: the n-th child
    /// named X goes where the n-th X was read; a child that was not read follows its canonical
    /// predecessor. Stable, so canonical order decides among children that were not read.
    /// </summary>
    internal IEnumerable<XElement> Arrange(IReadOnlyList<XElement> produced)
    {
        if (Order.IsEmpty) return produced;
        var seen = new Dictionary<XName, int>();
        var keys = new double[produced.Count];
        var previous = -1.0;
        for (var i = 0; i < produced.Count; i++)
        {
            var name = produced[i].Name;
            var nth = seen.GetValueOrDefault(name);
            seen[name] = nth + 1;
            var position = NthIndex(name, nth);
            keys[i] = position >= 0 ? position : previous + 0.001;
            previous = keys[i];
        }
        return produced.Select((e, i) => (e, key: keys[i], i)).OrderBy(t => t.key).ThenBy(t => t.i).Select(t => t.e);
    }

    private int NthIndex(XName name, int nth)
    {
        for (var i = 0; i < Order.Length; i++)
            if (Order[i] == name && nth-- == 0) return i;
        return -1;
    }
}
