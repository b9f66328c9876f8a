using Smog.Suite.Config;

namespace Smog.Tests.Suite;

public class RunConfigTests
{
    private const string Dir = "/etc/smog";

    [Fact]
    public void A_full_config_reads_every_field_with_paths_relative_to_the_file()
    {
        var config = RunConfigReader.Parse("""
            cloud: smog-admin
            member_cloud: smog-member
            inventory: lab/inventory.yml
            image: smog-blank
            network: none
            scenarios: ["numa.*", pinning.simple]
            skip: lifecycle.*
            parallel: 3
            timeouts: {boot: 240, action: 120, delete: 60}
            virt_type: qemu
            state_dir: /var/lib/smog/runs
            """, "run.yml", Dir);

        Assert.Equal(("smog-admin", "smog-member", "/etc/smog/lab/inventory.yml", "smog-blank", "none"),
            (config.Cloud, config.MemberCloud, config.Inventory, config.Image, config.Network));
        Assert.Equal(["numa.*", "pinning.simple"], config.Scenarios);
        Assert.Equal(["lifecycle.*"], config.Skip);
        Assert.Equal(3, config.Parallel);
        Assert.Equal((TimeSpan.FromSeconds(240), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60)), (config.BootTimeout!.Value, config.ActionTimeout!.Value, config.DeleteTimeout!.Value));
        Assert.Equal("qemu", config.VirtType);
        Assert.Equal("/var/lib/smog/runs", config.StateDir);
    }

    [Fact]
    public void An_empty_mapping_means_every_default()
    {
        var config = RunConfigReader.Parse("{}", "run.yml", Dir);

        Assert.Equal(RunConfig.Empty with { Scenarios = [], Skip = [] }, config with { Scenarios = [], Skip = [] });
        Assert.Empty(config.Scenarios);
    }

    [Theory]
    [InlineData("cloud: a\nclod: b\n", "run.yml:2: clod: unknown field (known: cloud, member_cloud, inventory, image, network, scenarios, skip, parallel, timeouts, virt_type, state_dir)")]
    [InlineData("parallel: many\n", "run.yml:1: parallel: expected a whole number 1-64, found 'many'")]
    [InlineData("parallel: 0\n", "run.yml:1: parallel: expected a whole number 1-64, found '0'")]
    [InlineData("timeouts:\n  boot: 10\n  reboot: 5\n", "run.yml:3: timeouts.reboot: unknown field (known: boot, action, delete)")]
    [InlineData("timeouts: 30\n", "run.yml:1: timeouts: expected a mapping (boot: 300, action: 300, delete: 120), in seconds")]
    [InlineData("scenarios: {a: b}\n", "run.yml:1: scenarios: expected a list of scenario ids or globs")]
    [InlineData("virt_type: vmware\n", "run.yml:1: virt_type: expected a libvirt virt_type (qemu, kvm, …), found 'vmware'")]
    [InlineData("cloud: [a]\n", "run.yml:1: cloud: expected a non-empty text value")]
    [InlineData("- a\n- b\n", "run.yml: expected a mapping (cloud: ..., scenarios: [...])")]
    public void A_bad_config_is_one_line_naming_file_line_and_field(string yaml, string message)
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfigReader.Parse(yaml, "run.yml", Dir));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfigReader.Parse("cloud: a\nscenarios: [x\n", "run.yml", Dir));

        Assert.StartsWith("run.yml:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message);
    }
}
