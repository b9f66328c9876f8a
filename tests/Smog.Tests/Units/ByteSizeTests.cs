using CsCheck;
using Smog.Units;

namespace Smog.Tests.Units;

public class ByteSizeTests
{
    public static TheoryData<string, string, string?, ulong> Sizes => new()
    {
        // description, value, unit, bytes
        { "no unit means KiB", "4", null, 4096 },
        { "b", "512", "b", 512 },
        { "bytes", "512", "bytes", 512 },
        { "k", "1", "k", 1024 },
        { "KiB", "1", "KiB", 1024 },
        { "KB is decimal", "1", "KB", 1000 },
        { "M", "2", "M", 2 * 1024 * 1024 },
        { "MiB", "2", "MiB", 2 * 1024 * 1024 },
        { "MB", "2", "MB", 2_000_000 },
        { "G", "1", "G", 1UL << 30 },
        { "GiB lower case", "1", "gib", 1UL << 30 },
        { "GB", "1", "GB", 1_000_000_000 },
        { "T", "1", "T", 1UL << 40 },
        { "TB", "1", "TB", 1_000_000_000_000 },
        { "P", "1", "P", 1UL << 50 },
        { "E", "1", "EiB", 1UL << 60 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Libvirt_units_scale_as_virScaleInteger(string description, string value, string? unit, ulong bytes)
    {
        _ = description;
        Assert.True(ByteSize.TryParse(value, unit, ByteSize.KiBytes, out var error, out var size), error);
        Assert.Equal(bytes, size.Bytes);
    }

    [Theory]
    [InlineData("1", "KiBB")]
    [InlineData("1", "Q")]
    [InlineData("x", "KiB")]
    [InlineData("-1", "KiB")]
    [InlineData("16", "EiB")]
    public void Bad_sizes_are_refused(string value, string unit) =>
        Assert.False(ByteSize.TryParse(value, unit, ByteSize.KiBytes, out _, out _));

    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(1536UL * 1024 * 1024, "1536 MiB")]
    [InlineData(2UL << 30, "2 GiB")]
    [InlineData(4096UL, "4 KiB")]
    [InlineData(100UL, "100 B")]
    public void Sizes_print_in_the_largest_exact_unit(ulong bytes, string text) =>
        Assert.Equal(text, new ByteSize(bytes).ToString());

    [Fact]
    public void Every_size_reads_back_from_its_text() =>
        Property.ForAll(Gen.ULong[0, 1UL << 50], bytes =>
        {
            var text = new ByteSize(bytes).ToString().Split(' ');
            return ByteSize.TryParse(text[0], text[1], 1, out _, out var size) && size.Bytes == bytes;
        });

    [Theory]
    [InlineData("B", 1UL)]
    [InlineData("KB", 1024UL)]
    [InlineData("MB", 1024UL * 1024)]
    [InlineData("GB", 1UL << 30)]
    [InlineData("TB", 1UL << 40)]
    [InlineData("PB", 1UL << 50)]
    public void Lstopo_suffixes_are_binary(string unit, ulong bytes) => Assert.Equal(bytes, LstopoUnits.Scale(unit));

    [Theory]
    [InlineData("KiB")]
    [InlineData("kB")]
    [InlineData("")]
    public void Lstopo_never_prints_other_suffixes(string unit) => Assert.Null(LstopoUnits.Scale(unit));

    [Theory]
    [InlineData(2048L, 1024UL, 2UL * 1024 * 1024)]
    [InlineData(0L, 1024UL, 0UL)]
    public void Scaled_multiplies(long value, ulong scale, ulong bytes) => Assert.Equal(new ByteSize(bytes), ByteSize.Scaled(value, scale));

    [Theory]
    [InlineData(-1L, 1UL)]
    [InlineData(long.MaxValue, 4UL)]
    public void Scaled_refuses_negative_and_overflowing_sizes(long value, ulong scale) => Assert.Null(ByteSize.Scaled(value, scale));
}
