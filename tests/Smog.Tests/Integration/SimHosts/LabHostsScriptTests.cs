using Smog.Cloud.Lab;
using Smog.Topology;

namespace Smog.Tests.Integration.SimHosts;

/// <summary>
/// lab/allinone.d/labhosts.py (the lab's Python reader, which feeds fakelibvirt) against
/// <see cref="LabReader"/> (the embedded cloud's): both must expand a lab's hosts alike, CPU for CPU.
/// </summary>
public sealed class LabHostsScriptTests
{
    [Fact]
    public async Task Labhosts_py_expands_the_default_lab_exactly_as_LabReader_does()
    {
        var result = await LabScripts.RunAsync("labhosts.py", "check", LabScripts.DefaultLab);
        Assert.True(result.Succeeded, result.StandardError);

        var lab = LabReader.Load(LabScripts.DefaultLab);
        Assert.True(lab.Success);
        var expected = lab.Value.Hosts.Select(Describe).ToList();
        var actual = result.StandardOutput.TrimEnd('\n').Split('\n');
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("sockets: 3, cells: 4, cores_per_cell: 2, memory_per_cell: 1G", "hosts[0].topology.sockets")]
    [InlineData("cells: 2, cores_per_cell: 2, memory_per_cell: 1G, pages_per_cell: { 1G: 2 }", "hosts[0].topology.pages_per_cell")]
    [InlineData("cells: 2, cores_per_cell: 2, memory_per_cell: lots", "hosts[0].topology.memory_per_cell")]
    [InlineData("cells: 2, cores_per_cell: 2, memory_per_cell: 1G, pci: [{ address: '0000:5e:00.0', cell: 2, vendor_id: '8086', product_id: '158b' }]", "hosts[0].topology.pci[0].cell")]
    [InlineData("cells: 2, cores_per_cell: 2, memory_per_cell: 1G, pci: [{ address: '0000:5e:00.1', cell: 0, vendor_id: '8086', product_id: '158b', kind: pf, vfs: 2, vf_product_id: '154c' }]", "hosts[0].topology.pci[0].address")]
    [InlineData("cells: 2, cores: 2, memory_per_cell: 1G", "hosts[0].topology.cores")]
    public async Task Labhosts_py_refuses_what_LabReader_refuses_naming_the_same_field(string topology, string field)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("smog-labhosts-").FullName, "lab.yml");
        await File.WriteAllTextAsync(path, $"version: 1\nhosts:\n  - name: h\n    topology: {{ {topology} }}\n", TestContext.Current.CancellationToken);

        var result = await LabScripts.RunAsync("labhosts.py", "check", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        var line = Assert.Single(result.StandardError.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"{path}: {field}: ", line);
        var csharp = LabReader.Load(path);
        Assert.False(csharp.Success);
        Assert.Contains($": {field}: ", csharp.Errors[0].ToString());
    }

    /// <summary>The line labhosts.py prints for a host, built from LabReader's expansion.</summary>
    private static string Describe(LabHost host)
    {
        var t = host.Topology;
        var cells = t.Cells.Select(c =>
        {
            var socket = t.Cpus.First(cpu => cpu.Cell == c.Id).Socket;
            var siblings = string.Join(' ', c.Siblings.Select(s => string.Join(',', s)));
            var pages = string.Join(',', c.Pages.Select(p => $"{p.SizeKiB}K:{p.Total}"));
            var distances = string.Join(',', c.Distances.Values);
            return $"cell{c.Id}(socket={socket} cpus={c.Cpus} siblings=[{siblings}] memory_kib={c.MemoryMiB * 1024} pages={pages} distances={distances})";
        });
        var pci = string.Join(' ', t.PciDevices.Select(d =>
            $"{d.Address}/{Kind(d)}/{d.VendorId}:{d.ProductId}/cell{d.NumaNode}" + (d.PhysicalFunction is { } pf ? $"/pf={pf}" : "")));
        return $"{host.Name}: sockets={t.SocketCount} cells={t.Cells.Length} cpus={t.Cpus.Length} {string.Join(' ', cells)} pci=[{pci}]";
    }

    private static string Kind(PciDevice d) => d.IsVirtualFunction ? "vf" : d.SriovTotalVfs is > 0 ? "pf" : "pci";
}
