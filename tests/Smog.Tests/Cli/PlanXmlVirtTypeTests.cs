using System.Xml.Linq;

namespace Smog.Tests.Cli;

/// <summary><c>smog plan --xml</c> writes <c>&lt;domain type&gt;</c> from nova.conf's <c>[libvirt] virt_type</c>, as Nova does.</summary>
public sealed class PlanXmlVirtTypeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-virt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A one-cell host and a pinned 2-vCPU flavor, with <paramref name="config"/> as the case's nova.conf.</summary>
    private string Case(string config)
    {
        var path = Path.Combine(_dir, $"case-{Guid.NewGuid():n}.json");
        var flavor = """{"vcpus":2,"memory_mb":1024,"extra_specs":{"hw:cpu_policy":"dedicated"}}""";
        File.WriteAllText(path, $"{{\"host\":{{\"cells\":[{{\"id\":0,\"cpus\":[0,1,2,3],\"memory_mb\":4096}}]}},\"flavor\":{flavor},\"config\":{config}}}");
        return path;
    }

    private static string DomainType(params string[] args)
    {
        var (exit, xml, err) = CliRunner.Run(["plan", .. args, "--xml"]);
        Assert.True(exit == 0, err);
        return (string)XElement.Parse(xml).Attribute("type")!;
    }

    [Fact]
    public void Without_virt_type_the_domain_is_kvm() =>
        Assert.Equal("kvm", DomainType("--case", Case("""{"compute":{"cpu_dedicated_set":"0-3"}}""")));

    [Fact]
    public void The_case_configs_virt_type_is_the_domain_type() =>
        Assert.Equal("qemu", DomainType("--case", Case("""{"compute":{"cpu_dedicated_set":"0-3"},"libvirt":{"virt_type":"qemu"}}""")));

    [Fact]
    public void Nova_conf_replaces_the_cases_config_and_its_virt_type_wins()
    {
        var conf = Path.Combine(_dir, "nova.conf");
        File.WriteAllText(conf, "[compute]\ncpu_dedicated_set = 0-3\n[libvirt]\nvirt_type = qemu\n");
        Assert.Equal("qemu", DomainType("--case", Case("""{"compute":{"cpu_dedicated_set":"0-3"},"libvirt":{"virt_type":"kvm"}}"""), "--nova-conf", conf));
        File.WriteAllText(conf, "[compute]\ncpu_dedicated_set = 0-3\n");
        Assert.Equal("kvm", DomainType("--case", Case("""{"compute":{"cpu_dedicated_set":"0-3"},"libvirt":{"virt_type":"qemu"}}"""), "--nova-conf", conf));
    }
}
