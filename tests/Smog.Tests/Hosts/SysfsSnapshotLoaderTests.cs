using Smog.Hosts;

namespace Smog.Tests.Hosts;

public class SysfsSnapshotLoaderTests
{
    [Fact]
    public async Task Loader_follows_pci_device_links_and_keeps_sriov_link_targets()
    {
        var snapshot = await SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), Fixtures.Require("sysfs/synth-2n-2s-10c-2t-linux"),
            TestContext.Current.CancellationToken);
        Assert.Equal("0\n", snapshot.Read("bus/pci/devices/0000:3b:00.0/numa_node"));
        Assert.Equal("../0000:3b:00.0", snapshot.LinkTarget("bus/pci/devices/0000:3b:02.0/physfn"));
        Assert.Contains("ens1f0", snapshot.Children("bus/pci/devices/0000:3b:00.0/net"));
        Assert.Contains("hugepages-2048kB", snapshot.Children("devices/system/node/node0/hugepages"));
    }

    [Fact]
    public async Task Loader_reads_nothing_from_a_directory_that_is_not_sysfs()
    {
        var snapshot = await SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), Fixtures.Require("numactl"), TestContext.Current.CancellationToken);
        Assert.Empty(snapshot.Files);
    }

    [Fact]
    public async Task Local_runner_reports_a_missing_program_as_null()
    {
        var runner = new LocalCommandRunner();
        Assert.Null(await runner.RunAsync("smog-no-such-program", [], TestContext.Current.CancellationToken));
        var echo = await runner.RunAsync("echo", ["hi"], TestContext.Current.CancellationToken);
        Assert.Equal((0, "hi\n"), (echo!.ExitCode, echo.StandardOutput));
    }
}
