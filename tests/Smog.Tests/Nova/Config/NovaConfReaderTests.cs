using System.Text.Json;
using Smog.Nova.Config;
using Smog.Topology;

namespace Smog.Tests.Nova.Config;

public class NovaConfReaderTests
{
    private static string Fixture(string name) => Fixtures.Read($"nova-conf/{name}");

    [Fact]
    public void Reads_the_real_lab_nova_conf()
    {
        var conf = NovaConfReader.ParseIni(Fixture("lab-allinone.conf"), "lab-allinone.conf").Value;
        Assert.Equal(CpuSet.Parse("1"), conf.CpuDedicatedSet);
        Assert.Equal(CpuSet.Parse("0"), conf.CpuSharedSet);
        Assert.Equal("qemu", conf.VirtType);
        Assert.Null(conf.CpuMode);
        Assert.Equal("host-model", conf.EffectiveCpuMode);
        Assert.Null(conf.EnabledFilters); // this lab file leaves [filter_scheduler] unset
        Assert.Equal(512, conf.ReservedHostMemoryMiB);
    }

    [Fact]
    public void Reads_comments_repeated_keys_multi_values_continuations_and_units()
    {
        var conf = NovaConfReader.ParseIni(Fixture("hand-pinning.conf"), "hand-pinning.conf").Value;
        Assert.Equal(CpuSet.Parse("0-15"), conf.VcpuPinSet);
        Assert.Equal(1024, conf.ReservedHostMemoryMiB);
        Assert.Equal([new ReservedHugePages(0, 2048, 64), new ReservedHugePages(1, 1048576, 1)], conf.ReservedHugePages);
        Assert.Equal(4.0, conf.CpuAllocationRatio);
        Assert.Equal(1.0, conf.RamAllocationRatio);
        Assert.Equal(CpuSet.Parse("4-15"), conf.CpuDedicatedSet);
        Assert.Equal(CpuSet.Parse("0-3"), conf.CpuSharedSet); // a repeated single-valued key: the last one wins
        Assert.True(conf.PackHostNumaCells);
        Assert.Equal("custom", conf.CpuMode);
        Assert.Equal(["Skylake-Server-IBRS", "Cascadelake-Server"], conf.CpuModels);
        Assert.Equal("Skylake-Server-IBRS", conf.CpuModel);
        Assert.Equal(2, conf.PciDeviceSpecs.Length);
        Assert.Equal("physnet2", JsonDocument.Parse(conf.PciDeviceSpecs[0]).RootElement.GetProperty("physical_network").GetString());
        Assert.Single(conf.PciAliases);
        Assert.Equal(["ComputeFilter", "NUMATopologyFilter", "AggregateInstanceExtraSpecsFilter"], conf.Filters);
    }

    [Fact]
    public void Unset_options_keep_novas_defaults()
    {
        var conf = NovaConfReader.ParseIni("[DEFAULT]\n# nothing\n", "empty.conf").Value;
        Assert.Equal(NovaConf.Default, conf);
        Assert.Equal(512, conf.ReservedHostMemoryMiB);
        Assert.Equal((16.0, 1.5), (conf.InitialCpuAllocationRatio, conf.InitialRamAllocationRatio));
        Assert.Contains("ComputeFilter", conf.Filters);
        Assert.DoesNotContain("NUMATopologyFilter", conf.Filters);
    }

    [Fact]
    public void The_oslo_sample_with_every_option_commented_out_is_all_defaults()
    {
        var text = Fixture("oslo-sample.conf");
        Assert.True(text.Split('\n').Length > 1000, "the sample lists Nova's options");
        Assert.Equal(NovaConf.Default, NovaConfReader.ParseIni(text, "oslo-sample.conf").Value);
    }

    [Theory]
    [InlineData("[compute]\ncpu_dedicated_set = 4-x\n", "bad.conf:2: [compute] cpu_dedicated_set")]
    [InlineData("[compute]\ncpu_dedicated_set = 0-3\ncpu_shared_set = 2-5\n", "bad.conf:3: [compute] cpu_dedicated_set and cpu_shared_set overlap on 2-3")]
    [InlineData("[DEFAULT]\nreserved_huge_pages = node:0,size:2048\n", "bad.conf:2: [DEFAULT] reserved_huge_pages: expected node:N,size:S,count:C")]
    [InlineData("[libvirt]\ncpu_mode = host-everything\n", "bad.conf:2: [libvirt] cpu_mode: expected one of")]
    [InlineData("cpu_mode = custom\n", "bad.conf:1: expected a section header before the first option")]
    [InlineData("[compute\n", "bad.conf:1: expected a section header like [compute]")]
    [InlineData("[DEFAULT]\njust words\n", "bad.conf:2: expected 'option = value'")]
    [InlineData("[DEFAULT]\ncpu_allocation_ratio = lots\n", "bad.conf:2: [DEFAULT] cpu_allocation_ratio: expected a number")]
    public void A_bad_value_names_file_line_and_option(string text, string start)
    {
        var parsed = NovaConfReader.ParseIni(text, "bad.conf");
        Assert.False(parsed.Success);
        Assert.StartsWith(start, parsed.Errors[0].ToString());
        Assert.DoesNotContain('\n', parsed.Errors[0].ToString());
    }

    [Fact]
    public void A_case_config_object_reads_the_same_options()
    {
        using var json = JsonDocument.Parse("""
            {"packing_host_numa_cells_allocation_strategy": true,
             "compute": {"cpu_dedicated_set": "2-7", "cpu_shared_set": "0-1"},
             "DEFAULT": {"reserved_host_memory_mb": 0, "cpu_allocation_ratio": 4.0},
             "libvirt": {"cpu_mode": "custom", "cpu_models": ["Haswell", "Broadwell"]}}
            """);
        var conf = NovaConfReader.FromJson(json.RootElement, "case.json").Value;
        Assert.True(conf.PackHostNumaCells);
        Assert.Equal((CpuSet.Parse("2-7"), CpuSet.Parse("0-1")), (conf.CpuDedicatedSet, conf.CpuSharedSet));
        Assert.Equal(0, conf.ReservedHostMemoryMiB);
        Assert.Equal(4.0, conf.CpuAllocationRatio);
        Assert.Equal(["Haswell", "Broadwell"], conf.CpuModels);
        Assert.Equal(NovaConf.Default, NovaConfReader.FromJson(null, "case.json").Value);
    }

    [Theory]
    [InlineData("0-15", null, null, "0-15", "0-15")]
    [InlineData(null, "4-15", "0-3", "0-3", "4-15")]
    [InlineData(null, null, "0-3", "0-3", "")]
    [InlineData(null, "4-15", null, "", "4-15")]
    [InlineData(null, null, null, "0-15", "0-15")]
    public void Cpu_pools_follow_novas_rules(string? pinSet, string? dedicated, string? shared, string expectShared, string expectDedicated)
    {
        CpuSet? Set(string? s) => s is null ? null : CpuSet.Parse(s);
        var conf = new NovaConf { VcpuPinSet = Set(pinSet), CpuDedicatedSet = Set(dedicated), CpuSharedSet = Set(shared) };
        var online = CpuSet.Parse("0-15");
        Assert.Equal(CpuSet.Parse(expectShared), conf.SharedCpus(online));
        Assert.Equal(CpuSet.Parse(expectDedicated), conf.DedicatedCpus(online));
    }
}
