using Smog.Env;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;
using Smog.Units;

namespace Smog.Tests.Env;

public sealed class FakeNumaPlannerTests
{
    private const string L1 = """
        <domain type='qemu'>
          <name>smog-l1</name>
          <memory unit='KiB'>1048576</memory>
          <currentMemory unit='KiB'>1048576</currentMemory>
          <vcpu placement='static'>2</vcpu>
          <cpu mode='maximum' migratable='off'><topology sockets='1' dies='1' cores='2' threads='1'/></cpu>
        </domain>
        """;

    private static Domain Parse(string xml) => DomainReader.Parse(xml, "t.xml").Value;

    [Fact]
    public void An_even_split_plans_the_cells_and_applying_it_again_is_already_applied()
    {
        var plan = FakeNumaPlanner.Plan(Parse(L1), new FakeNumaRequest { Cells = 2 }, resize: false, ByteSize.FromMiB(4096), "t").Value;
        Assert.False(plan.AlreadyApplied);
        Assert.Equal(["0:512 MiB", "1:512 MiB"], plan.Cells.Select(c => $"{c.Cpus}:{c.Memory}"));
        var again = FakeNumaPlanner.Plan(Parse(DomainWriter.ToText(plan.Desired)), new FakeNumaRequest { Cells = 2 }, false, null, "t").Value;
        Assert.True(again.AlreadyApplied);
    }

    [Fact]
    public void Totals_that_differ_from_the_domain_are_refused_without_resize()
    {
        var request = new FakeNumaRequest { Cells = 2, CpusPerCell = 2 };
        var refused = FakeNumaPlanner.Plan(Parse(L1), request, resize: false, null, "l0:smog-l1");
        Assert.False(refused.Success);
        Assert.Contains("vCPUs 2 → 4", refused.Errors[0].ToString());
        Assert.True(FakeNumaPlanner.Plan(Parse(L1), request, resize: true, null, "t").Success);
    }

    [Fact]
    public void Memory_beyond_the_parent_is_refused()
    {
        var request = new FakeNumaRequest { Cells = 2, MemoryPerCell = ByteSize.FromMiB(2048) };
        var refused = FakeNumaPlanner.Plan(Parse(L1), request, resize: true, ByteSize.FromMiB(3072), "l0:smog-l1");
        Assert.False(refused.Success);
        Assert.Contains("parent's 3 GiB", refused.Errors[0].ToString());
    }
}
