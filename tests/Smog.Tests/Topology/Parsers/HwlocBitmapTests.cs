using CsCheck;
using Smog.Topology;
using Smog.Topology.Parsers;

namespace Smog.Tests.Topology.Parsers;

public class HwlocBitmapTests
{
    // hwloc 2's hwloc_bitmap_snprintf: 0x%08x per 32-bit word from the highest set one down, a zero
    // word after the first written as nothing and the lowest one, when zero, as 0x0.
    [Theory]
    [InlineData("", "0x0")]
    [InlineData("0-7", "0x000000ff")]
    [InlineData("0-31", "0xffffffff")]
    [InlineData("32", "0x00000001,0x0")] // as lstopo wrote it in tests/fixtures (cpuset="0x00000001,0x0")
    [InlineData("0,32", "0x00000001,0x00000001")]
    [InlineData("64", "0x00000001,,0x0")]
    [InlineData("8,64-67", "0x0000000f,,0x00000100")]
    public void Formats_as_hwloc_writes_and_reads_back(string cpus, string expected)
    {
        var set = CpuSet.Parse(cpus);
        Assert.Equal(expected, HwlocBitmap.Format(set));
        Assert.True(HwlocBitmap.TryParse(expected, out var read));
        Assert.Equal(set, read);
    }

    [Fact]
    public void Every_bitmap_a_real_lstopo_wrote_formats_back_to_the_same_text()
    {
        // lstopo 2 wrote these (tests/fixtures/hwloc/lstopo-*.xml): sets above CPU 31 take two words.
        var bitmaps = Fixtures.Files("hwloc", "lstopo-*.xml")
            .SelectMany(f => System.Xml.Linq.XDocument.Load(Fixtures.Require(f)).Descendants("object"))
            .SelectMany(o => o.Attributes().Where(a => a.Name.LocalName is "cpuset" or "complete_cpuset" or "nodeset" or "complete_nodeset"))
            .Select(a => a.Value).Distinct().ToList();
        Assert.Contains(bitmaps, b => b.Contains(','));
        Assert.All(bitmaps, text =>
        {
            Assert.True(HwlocBitmap.TryParse(text, out var set), text);
            Assert.Equal(text, HwlocBitmap.Format(set));
        });
    }

    private static readonly Gen<CpuSet> Sets = Gen.Int[0, 200].HashSet[0, 30].Select(ids => CpuSet.Of(ids));

    [Fact]
    public void Format_then_parse_is_identity() =>
        Property.ForAll(Sets, set => HwlocBitmap.TryParse(HwlocBitmap.Format(set), out var read) && read == set, iter: 2000);

    [Fact]
    public void Parse_then_format_is_identity_on_what_hwloc_writes() =>
        Property.ForAll(Sets.Select(HwlocBitmap.Format), text => HwlocBitmap.TryParse(text, out var set) && HwlocBitmap.Format(set) == text, iter: 2000);

    [Theory]
    [InlineData("")]
    [InlineData("ff")]
    [InlineData("0x1,zz")]
    [InlineData("0x123456789")]
    public void Text_that_is_not_a_bitmap_is_refused(string text) => Assert.False(HwlocBitmap.TryParse(text, out _));
}
