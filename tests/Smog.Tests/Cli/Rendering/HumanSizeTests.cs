using Smog.Cli.Rendering;

namespace Smog.Tests.Cli.Rendering;

public class HumanSizeTests
{
    [Theory]
    [InlineData(4, "4 KiB")]
    [InlineData(2048, "2 MiB")]
    [InlineData(1048576, "1 GiB")]
    [InlineData(1536, "1.5 MiB")]
    [InlineData(1023, "1023 KiB")]
    public void Kibibytes_read_in_the_largest_unit_reached(long kib, string expected) => Assert.Equal(expected, HumanSize.FromKiB(kib));

    [Theory]
    [InlineData(0, "0 MiB")]
    [InlineData(512, "512 MiB")]
    [InlineData(9984, "9.75 GiB")]
    [InlineData(65536, "64 GiB")]
    [InlineData(15953, "15.58 GiB")]
    public void Mebibytes_read_in_the_largest_unit_reached(long mib, string expected) => Assert.Equal(expected, HumanSize.FromMiB(mib));
}
