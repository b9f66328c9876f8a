using Smog.Libvirt.Syntax;

namespace Smog.Tests.Libvirt.Syntax;

public class XmlDiffTests
{
    public static TheoryData<string, string, string, string[]> Rows => new()
    {
        // description, expected, actual, differences
        { "attribute order and whitespace ignored", "<a x='1' y='2'>\n  <b/>\n</a>", "<a y='2' x='1'><b/></a>", [] },
        { "changed attribute", "<a><b c='1'/></a>", "<a><b c='2'/></a>", ["/a[0]/b[0]/@c: expected '1', found '2'"] },
        { "missing attribute", "<a c='1'/>", "<a/>", ["/a[0]/@c: missing (expected '1')"] },
        { "extra attribute", "<a/>", "<a c='1'/>", ["/a[0]/@c: unexpected '1'"] },
        { "missing child", "<a><b/><b/></a>", "<a><b/></a>", ["/a[0]/b[1]: missing"] },
        { "extra child", "<a/>", "<a><c/></a>", ["/a[0]/c[0]: unexpected"] },
        { "element order matters", "<a><b/><c/></a>", "<a><c/><b/></a>", ["/a[0]/b[0]: expected element <b>, found <c>", "/a[0]/c[0]: expected element <c>, found <b>"] },
        { "leaf text", "<a><m>1</m></a>", "<a><m> 2 </m></a>", ["/a[0]/m[0]/text(): expected '1', found '2'"] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Reports_each_difference_by_path(string description, string expected, string actual, string[] differences)
    {
        _ = description;
        Assert.Equal(differences, XmlDiff.Compare(expected, actual));
    }
}
