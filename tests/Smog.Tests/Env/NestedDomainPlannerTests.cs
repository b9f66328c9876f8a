using Smog.Env;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;

namespace Smog.Tests.Env;

public sealed class NestedDomainPlannerTests
{
    private const string Kvm = """
        <domain type='kvm'>
          <name>l1-a</name>
          <memory unit='KiB'>1048576</memory>
          <vcpu>2</vcpu>
          <cpu mode='host-model'>
            <topology sockets='1' dies='1' cores='2' threads='1'/>
            <numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa>
          </cpu>
        </domain>
        """;

    private static readonly HostCpuModel Epyc = new("EPYC-Milan", "AMD", ["svm", "x2apic"]);

    private static Domain Parse(string xml) => DomainReader.Parse(xml, "t.xml").Value;

    [Fact]
    public void Host_model_becomes_the_l0_model_with_the_flag_required_and_keeps_topology_and_cells()
    {
        var plan = NestedDomainPlanner.Plan(Parse(Kvm), "host-model", Epyc, KvmModule.Amd);
        Assert.True(plan.Changes);
        var cpu = plan.Desired!.Cpu!;
        Assert.Equal("custom", cpu.Mode);
        Assert.Equal("EPYC-Milan", cpu.Model!.Value);
        var feature = Assert.Single(cpu.Features);
        Assert.Equal(("require", "svm"), (feature.Policy, feature.Name));
        Assert.Equal("2", cpu.Topology!.Cores);
        Assert.Equal("0-1", Assert.Single(cpu.Numa!.Cells).Cpus);
        Assert.Null(plan.Blocker);
    }

    [Theory]
    [InlineData("host-model")]
    [InlineData("host-passthrough")]
    public void Planning_the_result_again_changes_nothing(string mode)
    {
        var first = NestedDomainPlanner.Plan(Parse(Kvm), mode, Epyc, KvmModule.Amd);
        // through the writer and reader, as virsh define and dumpxml would carry it
        var defined = Parse(DomainWriter.ToText(first.Desired!));
        var second = NestedDomainPlanner.Plan(defined, mode, Epyc, KvmModule.Amd);
        Assert.False(second.Changes);
        Assert.StartsWith("already", second.Summary);
    }

    [Fact]
    public void A_tcg_domain_is_a_blocker_not_an_edit()
    {
        var plan = NestedDomainPlanner.Plan(Parse(Kvm.Replace("type='kvm'", "type='qemu'")), "host-passthrough", null, KvmModule.Intel);
        Assert.False(plan.Changes);
        Assert.Contains("not kvm", plan.Blocker);
    }

    [Fact]
    public void None_keeps_the_cpu()
    {
        var plan = NestedDomainPlanner.Plan(Parse(Kvm), "none", Epyc, KvmModule.Amd);
        Assert.False(plan.Changes);
        Assert.Null(plan.Blocker);
    }
}
