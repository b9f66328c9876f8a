using System.Xml.Linq;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;

namespace Smog.Tests.Libvirt.Generation;

/// <summary>The generator against the real Nova 26.2.2 libvirt driver (boot oracle numa_xml).</summary>
public class GeneratorConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> ActiveCases => [.. BootOracleCase.All.Where(c => c.Active).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(ActiveCases))]
    public void Generated_numa_xml_equals_the_boot_oracle(string name)
    {
        // Given a case Nova booted, its fitted placement and host as Nova reported them
        var oracle = BootOracleCase.All.Single(c => c.Name == name);

        // When the generator writes the NUMA part
        var generated = DomainWriter.Write(DomainGenerator.Generate(oracle.GenerationInput()));

        // Then it equals Nova's, element order included (attribute order and whitespace aside)
        var differences = XmlDiff.Compare(XElement.Parse(oracle.NumaXml), generated);
        if (!differences.IsEmpty) output.WriteLine(generated.ToString());
        Assert.Equal([], differences);
    }

    [Fact]
    public void There_are_committed_boot_oracle_cases()
    {
        output.WriteLine($"{BootOracleCase.All.Count(c => c.Active)} active of {BootOracleCase.All.Count} cases");
        Assert.True(BootOracleCase.All.Count(c => c.Active) >= 5);
    }
}
