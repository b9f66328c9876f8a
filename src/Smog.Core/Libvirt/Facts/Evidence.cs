using System.Xml.Linq;

namespace Smog.Libvirt.Facts;

/// <summary>Where a fact came from: an XPath into the domain and the element as XML on one line.</summary>
public sealed record Evidence(string XPath, string Excerpt)
{
    public static readonly Evidence None = new("", "");

    public static Evidence Of(string xpath, XElement element) => new(xpath, Shorten(element.ToString(SaveOptions.DisableFormatting)));

    private static string Shorten(string s) => s.Length <= 240 ? s : s[..237] + "...";

    public override string ToString() => Excerpt.Length == 0 ? XPath : $"{XPath}: {Excerpt}";
}
