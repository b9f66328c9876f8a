using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Nova;
using Smog.Nova.Pci;
using Smog.Suite.Builders;
using Smog.Suite.Runner;
using Smog.Suite.Selection;
using Smog.Tests.Cloud;

namespace Smog.Tests.Suite;

/// <summary>
/// The suite's predictor with SR-IOV ports, as Nova 26 handles them: a direct port is a PCI
/// request for a VF of its network's physnet; PciPassthroughFilter keeps the hosts with a free
/// one, and the NUMA fit applies the affinity policy. Against the default lab through the
/// embedded cloud, where compute-3 alone has VFs (on "sriovnet", cells 0 and 1; cell 2 has one
/// dedicated CPU more and no VF).
/// </summary>
public sealed class PortPredictionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PredictionOutcome> PredictAsync(FlavorSpec spec, params SriovPort[] ports)
    {
        await using var cloud = await CloudLabs.StartAsync(LabReader.Default(), new EmbeddedCloudOptions { BuildTime = TimeSpan.Zero });
        using var files = new CloudClients(cloud);
        using var admin = files.Open(CloudFiles.AdminCloud);
        var clients = await SuiteClients.ConnectAsync(admin, null, Ct);
        await using var access = new HostAccessPool(InventoryParser.Load(files.Files.Inventory));
        var state = await CloudDiscovery.DiscoverAsync(clients.AdminNova, clients.Placement, access, Ct);
        return await new Predictor(clients, state, access).PredictAsync(spec.ToFlavor("guest"), ImageProperties.None, _ => false, Ct, ports);
    }

    private static SriovPort Direct(string physnet) => new("port-1", "direct", physnet);

    [Fact]
    public async Task A_direct_port_leaves_only_the_host_with_a_free_vf_on_its_physnet_and_the_fit_puts_the_guest_on_a_vf_cell()
    {
        var outcome = await PredictAsync(FlavorSpec.Create(128, 1).WithNumaNodes(1).WithPciAffinity("required"), Direct("sriovnet"));

        Assert.Equal(PredictionOutcome.Active, outcome.Prediction.Outcome);
        Assert.Equal(["compute-3"], outcome.Prediction.CandidateHosts);
        Assert.True(outcome.Prediction.Determinate, outcome.Prediction.Reason);
        Assert.Equal(0, Assert.Single(outcome.Prediction.Placement!.Cells).HostCell);
        Assert.Equal(16, outcome.FreePci["compute-3"].Count(d => d.DeviceType == PciDeviceTypes.Vf && d.Physnet == "sriovnet"));
    }

    [Fact]
    public async Task The_same_guest_without_a_port_may_go_to_any_host()
    {
        var outcome = await PredictAsync(FlavorSpec.Create(128, 1).WithNumaNodes(1).WithPciAffinity("required"));

        Assert.Equal(4, outcome.Prediction.CandidateHosts.Length);
        Assert.Empty(outcome.FreePci);
    }

    [Fact]
    public async Task A_port_on_a_physnet_no_host_has_is_NoValidHost_from_the_pci_filter()
    {
        var outcome = await PredictAsync(FlavorSpec.Create(128, 1), Direct("elsewhere"));

        Assert.Equal((PredictionOutcome.NoValidHost, true), (outcome.Prediction.Outcome, outcome.Prediction.Determinate));
        Assert.Contains("compute-3: PciPassthroughFilter refuses", outcome.Prediction.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("required", PredictionOutcome.NoValidHost)]
    [InlineData("legacy", PredictionOutcome.NoValidHost)]
    [InlineData("preferred", PredictionOutcome.Active)]
    public async Task A_pinned_guest_that_fits_only_the_cell_without_vfs_is_refused_unless_the_policy_is_preferred(string policy, string expected)
    {
        var outcome = await PredictAsync(FlavorSpec.Create(128, 7).WithNumaNodes(1).WithPinning().WithPciAffinity(policy), Direct("sriovnet"));

        Assert.Equal((expected, true), (outcome.Prediction.Outcome, outcome.Prediction.Determinate));
        if (expected == PredictionOutcome.NoValidHost)
            Assert.Contains("compute-3: NUMATopologyFilter refuses", outcome.Prediction.Reason, StringComparison.Ordinal);
        else
            Assert.Equal(("compute-3", 2), (outcome.Prediction.Placement!.Host, Assert.Single(outcome.Prediction.Placement.Cells).HostCell));
    }
}
