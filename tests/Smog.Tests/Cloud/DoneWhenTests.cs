using System.Text.Json.Nodes;
using System.Xml.Linq;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.OpenStack.Compute;
using Smog.Tests.Cli;

namespace Smog.Tests.Cloud;

/// <summary>
/// Issue 11's acceptance: a server booted with hw:numa_nodes=2, hw:cpu_policy=dedicated and 8
/// vCPUs on the default lab goes ACTIVE, and the domain XML its host shows through host access
/// (the inventory the cloud writes, <c>virsh dumpxml</c>) holds exactly the NUMA elements
/// <c>smog plan --xml</c> predicts for that host, from the host's discovered topology and its nova.conf.
/// </summary>
public sealed class DoneWhenTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string dir = Directory.CreateTempSubdirectory("smog-done-when-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_two_node_dedicated_guest_has_the_domain_xml_smog_plan_predicts_for_its_host()
    {
        var lab = LabReader.Default();
        await using var cloud = await CloudLabs.StartAsync(lab, new EmbeddedCloudOptions { BuildTime = TimeSpan.FromMilliseconds(50) });
        using var clients = new CloudClients(cloud);
        using var admin = clients.Open("smog-admin");
        using var member = clients.Open("smog-member");
        var nova = await admin.ComputeAsync(Ct);
        var specs = new Dictionary<string, string> { ["hw:numa_nodes"] = "2", ["hw:cpu_policy"] = "dedicated" };
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "numa2-dedicated-8", RamMiB = 4096, Vcpus = 8, DiskGiB = 1 }, Ct);
        await nova.Flavors.SetExtraSpecsAsync(flavor.Id, specs, Ct);

        // When a member boots it, it goes ACTIVE
        var booted = await SmogClientTests.BootAsync(member, "numa2-vm", flavor.Id);
        var server = await nova.Servers.ShowAsync(booted.Id, Ct);
        Assert.Equal("ACTIVE", server.Status);
        var host = server.Host!;

        // Its domain XML, read like any host's: the inventory's runner, virsh dumpxml
        var inventory = InventoryParser.Load(clients.Files.Inventory);
        var runner = await HostInventory.ConnectAsync(inventory.Find(host), Ct);
        var dump = await runner.RunAsync("virsh", ["dumpxml", server.InstanceName!], Ct);
        Assert.True(dump is { ExitCode: 0 }, $"virsh dumpxml {server.InstanceName} on {host}: {dump?.FirstErrorLine}");

        // What smog plan predicts for that host: its discovered topology and its nova.conf
        var (discoverExit, topology, discoverErr) = CliRunner.Run(["discover", "--host", host, "--inventory", clients.Files.Inventory, "--output", "json"]);
        Assert.True(discoverExit == 0, discoverErr);
        var topologyFile = Write("host.json", topology);
        var novaConf = Write("nova.conf", lab.Hosts.Single(h => h.Name == host).NovaConfText);
        var @case = Write("case.json", new JsonObject
        {
            ["flavor"] = new JsonObject { ["vcpus"] = 8, ["memory_mb"] = 4096, ["extra_specs"] = new JsonObject { ["hw:numa_nodes"] = "2", ["hw:cpu_policy"] = "dedicated" } },
            ["image_properties"] = new JsonObject(),
        }.ToJsonString());
        var (planExit, predicted, planErr) = CliRunner.Run(["plan", "--case", @case, "--host-topology", topologyFile, "--nova-conf", novaConf, "--xml"]);
        Assert.True(planExit == 0, planErr);

        var expected = XDocument.Parse(predicted).Root!;
        var actual = XDocument.Parse(dump!.StandardOutput).Root!;
        Assert.Equal("2", expected.Element("cpu")!.Element("numa")!.Elements("cell").Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var element in expected.Elements())
        {
            var counterpart = actual.Element(element.Name);
            Assert.True(counterpart is not null, $"dumpxml has no <{element.Name}>");
            var differences = XmlSubset.Differences(element, counterpart!).ToList();
            Assert.True(differences.Count == 0, $"<{element.Name}> differs from the prediction: {string.Join("; ", differences)}\npredicted:\n{element}\ndumpxml:\n{counterpart}");
        }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}

/// <summary>
/// Whether an element holds a predicted one: the same attributes with the same values, the
/// same text, and for every child name the prediction uses, the same children in the same
/// order. Children the prediction does not speak of (a CPU model, features) may be there.
/// </summary>
internal static class XmlSubset
{
    public static IEnumerable<string> Differences(XElement expected, XElement actual, string at = "")
    {
        var path = $"{at}/{expected.Name}";
        foreach (var attribute in expected.Attributes())
            if ((string?)actual.Attribute(attribute.Name) != attribute.Value)
                yield return $"{path}@{attribute.Name}: predicted '{attribute.Value}', found '{(string?)actual.Attribute(attribute.Name)}'";
        if (!expected.HasElements && expected.Value.Trim() != actual.Value.Trim())
            yield return $"{path}: predicted '{expected.Value.Trim()}', found '{actual.Value.Trim()}'";
        foreach (var name in expected.Elements().Select(e => e.Name).Distinct())
        {
            var want = expected.Elements(name).ToList();
            var have = actual.Elements(name).ToList();
            if (want.Count != have.Count) yield return $"{path}/{name}: predicted {want.Count}, found {have.Count}";
            for (var i = 0; i < Math.Min(want.Count, have.Count); i++)
                foreach (var d in Differences(want[i], have[i], path)) yield return d;
        }
    }
}
