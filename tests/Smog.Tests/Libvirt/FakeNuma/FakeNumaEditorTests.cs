using System.Collections.Immutable;
using System.Xml.Linq;
using CsCheck;
using Smog.Libvirt.Facts;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;
using Smog.Topology;
using Smog.Units;

namespace Smog.Tests.Libvirt.FakeNuma;

public class FakeNumaEditorTests
{
    // Samples that libvirt's schema accepts as they are (guest-numa-tcg-domain.xml does not).
    public static TheoryData<string> L1Samples =>
    [
        "virsh-dumpxml-running-kvm-hostpassthrough.xml",
        "virsh-dumpxml-running-kvm-hugepages.xml",
        "virsh-dumpxml-defined-inactive.xml",
        "virsh-dumpxml-running-tcg.xml",
        "domain-numa-test-input.xml",
        "virsh-test-customfile-dumpxml.xml",
    ];

    private static readonly HostCpuModel Broadwell = HostCpuModel.FromCapabilities(
        LibvirtFixtures.Read("caps", "virsh-capabilities-local.xml"), "caps").Value;

    public static TheoryData<string, FakeNumaRequest, string[], string> Requests => new()
    {
        // description, request, expected cells "cpus:KiB", expected topology "sockets,dies,cores,threads"
        { "even split in two", new FakeNumaRequest { Cells = 2 }, ["0-1:1048576", "2-3:1048576"], "2,1,2,1" },
        { "four cells of one vCPU", new FakeNumaRequest { Cells = 4 }, ["0:524288", "1:524288", "2:524288", "3:524288"], "4,1,1,1" },
        { "more vCPUs and memory per cell", new FakeNumaRequest { Cells = 2, CpusPerCell = 4, MemoryPerCell = ByteSize.FromMiB(3072) }, ["0-3:3145728", "4-7:3145728"], "2,1,4,1" },
        { "two threads per core", new FakeNumaRequest { Cells = 2, CpusPerCell = 4, ThreadsPerCore = 2 }, ["0-3:1048576", "4-7:1048576"], "2,1,2,2" },
        { "asymmetric layout", new FakeNumaRequest { Layout = [Cell("0", 1024), Cell("1-3", 3072)] }, ["0:1048576", "1-3:3145728"], "1,1,4,1" },
        { "distances", new FakeNumaRequest { Cells = 2, Distances = [[10, 21], [21, 10]] }, ["0-1:1048576", "2-3:1048576"], "2,1,2,1" },
        { "host-model", new FakeNumaRequest { Cells = 2, Mode = "host-model" }, ["0-1:1048576", "2-3:1048576"], "2,1,2,1" },
        { "custom model from capabilities", new FakeNumaRequest { Cells = 2, Mode = "custom", CustomModel = Broadwell }, ["0-1:1048576", "2-3:1048576"], "2,1,2,1" },
    };

    private static FakeNumaCell Cell(string cpus, ulong mib) => new(CpuSet.Parse(cpus), ByteSize.FromMiB(mib));

    private static Domain Edit(string sample, FakeNumaRequest request)
    {
        var result = FakeNumaEditor.Apply(DomainReader.Parse(LibvirtFixtures.Read("domains", sample)).Value, request);
        Assert.True(result.Success, string.Join("; ", result.Errors));
        return result.Value;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Writes_the_requested_cells_and_topology(string description, FakeNumaRequest request, string[] cells, string topology)
    {
        _ = description;
        var facts = DomainFactsReader.From(Edit("virsh-dumpxml-running-kvm-hostpassthrough.xml", request)).Value;

        Assert.Equal(cells, facts.GuestCells.Select(c => $"{c.Cpus}:{c.Memory.KiB}"));
        var t = facts.CpuTopology!;
        Assert.Equal(topology, $"{t.Sockets},{t.Dies},{t.Cores},{t.Threads}");
        Assert.Equal(facts.GuestCells.Sum(c => c.Cpus.Count), facts.Vcpu.Count);
        Assert.Equal(facts.GuestCells.Aggregate(0UL, (acc, c) => acc + c.Memory.Bytes), facts.Memory!.Value.Bytes);
        Assert.Equal(facts.Memory, facts.CurrentMemory);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Applying_twice_changes_nothing(string description, FakeNumaRequest request, string[] cells, string topology)
    {
        _ = (description, cells, topology);
        var once = Edit("virsh-dumpxml-running-kvm-hostpassthrough.xml", request);
        var twice = FakeNumaEditor.Apply(DomainReader.Parse(DomainWriter.ToText(once)).Value, request).Value;
        Assert.Equal(DomainWriter.ToText(once), DomainWriter.ToText(twice));
    }

    [Theory]
    [MemberData(nameof(L1Samples))]
    public void Keeps_everything_outside_cpu_vcpu_and_memory(string sample)
    {
        var before = XElement.Parse(LibvirtFixtures.Read("domains", sample));
        var after = DomainWriter.Write(Edit(sample, new FakeNumaRequest { Cells = 2, Distances = [[10, 20], [20, 10]] }));
        string[] editable = ["/domain[0]/cpu[0]", "/domain[0]/vcpu[0]", "/domain[0]/memory[0]", "/domain[0]/currentMemory[0]"];
        var elsewhere = XmlDiff.Compare(before, after).Where(d => !editable.Any(p => d.StartsWith(p, StringComparison.Ordinal)));
        Assert.Empty(elsewhere);
    }

    [Fact]
    public void Custom_mode_copies_model_vendor_and_features_and_drops_passthrough_attributes()
    {
        var cpu = Edit("virsh-dumpxml-running-kvm-hostpassthrough.xml", new FakeNumaRequest { Cells = 1, Mode = "custom", CustomModel = Broadwell }).Cpu!;
        Assert.Equal(("custom", "exact", "Broadwell-noTSX-IBRS"), (cpu.Mode, cpu.Match, cpu.Model!.Value));
        Assert.Contains(cpu.Rest.Elements, e => e.Name == "vendor" && e.Value == "Intel");
        Assert.Equal(Broadwell.Features, cpu.Features.Select(f => f.Name!));
        Assert.DoesNotContain(cpu.Rest.Attributes, a => a.Name == "migratable");
        Assert.Null(cpu.Check);
    }

    [Fact]
    public void Pins_and_memnodes_of_removed_vcpus_and_cells_go()
    {
        // Given a 4-vCPU guest with a memnode for cell 1 of 2, when it becomes one cell of two vCPUs
        var edited = Edit("virsh-test-customfile-dumpxml.xml", new FakeNumaRequest { Layout = [Cell("0-1", 2048)] });
        Assert.Equal([0, 1], edited.CpuTune!.VcpuPins.Select(p => p.Vcpu));
        Assert.All(edited.NumaTune!.MemNodes, m => Assert.Equal(0, m.CellId));
    }

    public static TheoryData<string, FakeNumaRequest, string> BadRequests => new()
    {
        // description, request, expected text
        { "uneven split", new FakeNumaRequest { Cells = 3 }, "divisible by 3 cells" },
        { "gap in layout", new FakeNumaRequest { Layout = [Cell("0", 1024), Cell("2-3", 1024)] }, "cells covering vCPUs 0-2" },
        { "vCPU in two cells", new FakeNumaRequest { Layout = [Cell("0-1", 1024), Cell("1-2", 1024)] }, "each vCPU in one cell" },
        { "threads do not divide a cell", new FakeNumaRequest { Cells = 4, ThreadsPerCore = 2 }, "multiple of 2 threads" },
        { "local distance not 10", new FakeNumaRequest { Cells = 2, Distances = [[20, 21], [21, 10]] }, "distance 10 from cell 0" },
        { "matrix of the wrong size", new FakeNumaRequest { Cells = 2, Distances = [[10]] }, "2×2 distance matrix" },
        { "custom without model", new FakeNumaRequest { Cells = 2, Mode = "custom" }, "capabilities document" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_requests_are_errors_not_documents(string description, FakeNumaRequest request, string expected)
    {
        _ = description;
        var result = FakeNumaEditor.Apply(DomainReader.Parse(LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml")).Value, request);
        Assert.False(result.Success);
        Assert.Contains(expected, result.Errors[0].ToString());
    }

    [Theory]
    [InlineData("0-3:4096,4-7:4096", new[] { "0-3:4194304", "4-7:4194304" })]
    [InlineData("0,2:1024,1,3:2048", new[] { "0,2:1048576", "1,3:2097152" })]
    public void Layout_text_is_read_per_cell(string text, string[] cells)
    {
        var layout = FakeNumaRequest.ParseLayout(text, "--layout");
        Assert.Equal(cells, layout.Value.Select(c => $"{c.Cpus}:{c.Memory.KiB}"));
    }

    [Theory]
    [InlineData("0-3")]
    [InlineData("0-3:x")]
    [InlineData("a:1024")]
    [InlineData("0-3:0")]
    public void Bad_layout_text_names_the_option(string text) =>
        Assert.StartsWith("--layout: expected", FakeNumaRequest.ParseLayout(text, "--layout").Errors[0].ToString());

    public static TheoryData<string, string> SchemaRows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var sample in L1Samples.Select(r => r.Data))
            foreach (var name in new[] { "even split in two", "two threads per core", "distances", "custom model from capabilities", "host-model" })
                rows.Add(sample, name);
        return rows;
    }

    [Theory]
    [MemberData(nameof(SchemaRows))]
    public void Results_validate_against_libvirts_schema(string sample, string requestName)
    {
        if (!LibvirtSchema.Available) Assert.Skip(LibvirtSchema.Missing);
        var request = Requests.Single(r => r.Data.Item1 == requestName).Data.Item2;
        Assert.Null(LibvirtSchema.ValidateDomain(DomainWriter.ToText(Edit(sample, request))));
    }
}

public class FakeNumaEditorProperties
{
    private static readonly Domain L1 = DomainReader.Parse(LibvirtFixtures.Read("domains", "virsh-dumpxml-running-kvm-hostpassthrough.xml")).Value;

    private static readonly Gen<FakeNumaRequest> Requests =
        from cells in Gen.Int[1, 4]
        from threads in Gen.Int[1, 2]
        from cores in Gen.Int[1, 3]
        from mib in Gen.Int[1, 16]
        from distance in Gen.Int[11, 40]
        select new FakeNumaRequest
        {
            Cells = cells,
            CpusPerCell = cores * threads,
            ThreadsPerCore = threads,
            MemoryPerCell = ByteSize.FromMiB((ulong)mib * 256),
            Distances = [.. Enumerable.Range(0, cells).Select(i => Enumerable.Range(0, cells).Select(j => i == j ? 10 : distance).ToImmutableArray())],
        };

    [Fact]
    public void Any_valid_request_gives_a_consistent_domain_and_is_idempotent() =>
        Property.ForAll(Requests, request =>
        {
            var once = FakeNumaEditor.Apply(L1, request).Value;
            var twice = FakeNumaEditor.Apply(DomainReader.Parse(DomainWriter.ToText(once)).Value, request).Value;
            var facts = DomainFactsReader.From(once).Value;
            return DomainWriter.ToText(once) == DomainWriter.ToText(twice)
                && facts.GuestCells.Length == request.Cells
                && facts.Vcpu.Count == request.Cells * request.CpusPerCell
                && facts.CpuTopology!.Vcpus == facts.Vcpu.Count
                && facts.CpuTopology.Threads == request.ThreadsPerCore
                && facts.Memory!.Value.Bytes == (ulong)request.Cells * request.MemoryPerCell!.Value.Bytes
                && facts.GuestCells.All(c => c.Distances[c.Id] == 10);
        });
}
