using Smog.Units;

namespace Smog.Tests.Units;

/// <summary>Sizes as tables show them to people (JSON keeps exact numbers).</summary>
public class ByteSizeHumanTests
{
    [Theory]
    [InlineData(4, "4 KiB")]
    [InlineData(2048, "2 MiB")]
    [InlineData(1048576, "1 GiB")]
    [InlineData(1536, "1.5 MiB")]
    [InlineData(1023, "1023 KiB")]
    public void Kibibytes_read_in_the_largest_unit_reached(ulong kib, string expected) => Assert.Equal(expected, ByteSize.FromKiB(kib).ToHuman());

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(512, "512 MiB")]
    [InlineData(9984, "9.75 GiB")]
    [InlineData(65536, "64 GiB")]
    [InlineData(15953, "15.58 GiB")]
    public void Mebibytes_read_in_the_largest_unit_reached(ulong mib, string expected) => Assert.Equal(expected, ByteSize.FromMiB(mib).ToHuman());

    [Fact]
    public void Bytes_below_a_kibibyte_stay_bytes() => Assert.Equal("1000 B", new ByteSize(1000).ToHuman());
}
