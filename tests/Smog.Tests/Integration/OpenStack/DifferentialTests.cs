using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;
using Smog.Hosts;
using Smog.Libvirt.Syntax;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.Suite.Selection;
using Smog.Tests.Cloud;
using Smog.Topology;

namespace Smog.Tests.Integration.OpenStack;

/// <summary>
/// Issue 11's differential test: the embedded cloud (in-process, from the lab YAML the real lab's
/// simulated hosts were started from) and real Nova on those hosts run the same sequence of boots
/// and deletes (<see cref="DifferentialSequence"/>), one at a time as the member, kept off the
/// real QEMU host by an aggregate. Every boot must give the same ACTIVE/NoValidHost decision,
/// host, guest cell → host cell, vCPU → pCPU pins, page size, domain NUMA elements and PCI
/// device. Every difference is reported (step, flavor, both values) before the test fails.
/// </summary>
[Trait("Category", "Lab")]
[Collection(LabCollection.Name)]
public sealed class DifferentialTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_embedded_cloud_and_real_Nova_make_the_same_decisions_for_the_same_sequence()
    {
        if (!Lab.HasSimulatedHosts()) Assert.Skip("the lab has no simulated hosts: start it with lab/allinone up --hosts");
        var lab = LabYaml();
        var clock = Stopwatch.StartNew();
        var run = Lab.NewRunId();

        await using var cloud = await CloudLabs.StartAsync(lab, new EmbeddedCloudOptions { BuildTime = TimeSpan.FromMilliseconds(20) });
        using var clients = new CloudClients(cloud);
        await using var embedded = await Side.OpenAsync("embedded", clients.Open("smog-admin"), clients.Open("smog-member"), clients.Files.Inventory);
        await using var real = await Side.OpenAsync("real", Lab.Connect(Lab.Admin, "differential_admin"), Lab.Connect(Lab.Member, "differential_member"), Lab.InventoryPath());
        await Lab.SweepLeftoversAsync(real.Admin, Ct);
        await WaitUntilIdleAsync(real, lab);

        var hosts = lab.Hosts.Select(h => h.Name).ToList();
        foreach (var side in new[] { embedded, real }) await side.PrepareAsync(run, hosts);

        // Hypervisors at 2.87, the last microversion that shows current_workload.
        using var workload = new OpenStackCloud(real.Admin.Config with { ServiceSettings = real.Admin.Config.ServiceSettings.SetItem("compute_api_version", "2.87") });
        var twins = new TwinMapping(lab);
        var differences = new List<string>();
        var log = new List<string>();
        var lastChange = Stopwatch.StartNew();
        foreach (var (step, index) in DifferentialSequence.Steps.Select((s, i) => (s, i + 1)))
        {
            if (step.Flavor is null)
            {
                await embedded.DeleteAsync(step.Server);
                await real.DeleteAsync(step.Server);
                lastChange.Restart();
                log.Add($"{index,2} {step}");
                continue;
            }
            await WaitForResourceAuditAsync(workload, hosts, lastChange.Elapsed);
            var mine = await embedded.BootAsync(step);
            var theirs = await real.BootAsync(step);
            lastChange.Restart();
            var found = Compare(step.Server, mine, theirs, twins, embedded, real).Select(d => $"step {index} {step}: {d}").ToList();
            differences.AddRange(found);
            log.Add($"{index,2} {step}: embedded {mine.Summary} | real {theirs.Summary}{(found.Count > 0 ? "  <-- differs" : "")}");
        }

        TestContext.Current.SendDiagnosticMessage($"differential sequence ({clock.Elapsed.TotalSeconds:F0} s, twins {twins}):\n{string.Join("\n", log)}");
        Assert.True(differences.Count == 0, $"{differences.Count} disagreements between the embedded cloud and real Nova:\n{string.Join("\n", differences)}\n\nsequence:\n{string.Join("\n", log)}");
    }

    /// <summary>The lab YAML the simulated hosts run (SMOG_LAB_HOSTS, else the default lab, as <c>up --hosts</c>).</summary>
    private static LabDefinition LabYaml()
    {
        var lab = Environment.GetEnvironmentVariable("SMOG_LAB_HOSTS") is { Length: > 0 } file ? LabReader.Load(file) : Parsed<LabDefinition>.Ok(LabReader.Default());
        Assert.True(lab.Success, lab.Success ? "" : lab.Errors[0].ToString());
        return lab.Value;
    }

    /// <summary>Earlier lab tests' guests may still be going: start only when placement shows no usage on any simulated host.</summary>
    private static async Task WaitUntilIdleAsync(Side real, LabDefinition lab)
    {
        var placement = await real.Admin.PlacementAsync(Ct);
        var providers = new List<(string Host, string Uuid)>();
        foreach (var host in lab.Hosts) providers.Add((host.Name, Assert.Single(await placement.ListProvidersAsync(host.Name, Ct)).Uuid));
        var busy = "";
        var idle = await Lab.EventuallyAsync(async () =>
        {
            foreach (var (host, uuid) in providers)
            {
                var usages = await placement.UsagesAsync(uuid, Ct);
                if (usages.ByResourceClass.Any(u => u.Value != 0))
                {
                    busy = $"{host} ({uuid}): {string.Join(", ", usages.ByResourceClass.Where(u => u.Value != 0).Select(u => $"{u.Key}={u.Value}"))}";
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(120), Ct);
        Assert.True(idle, $"the simulated hosts are not idle after 120 s (provider {busy}): another test's guests are still there, or an allocation leaked (openstack resource provider show --allocations)");
    }

    /// <summary>
    /// Real Nova counts a build as I/O work on its host (compute node stats io_workload, the
    /// IoOpsWeigher's input) until the host's resource audit runs again, even after the guest is
    /// ACTIVE; the embedded cloud counts builds in progress only. The lab's simulated hosts audit
    /// every 2 s (simcompute.py), so before each boot let one audit period (plus slack) pass since
    /// the last change and wait until no host shows work in progress: both clouds then weigh the
    /// same settled state. (current_workload alone is not enough: it counts task states, and the
    /// claim happens while the task state is still None, so it reads 0 while io_workload is 1.)
    /// </summary>
    private static async Task WaitForResourceAuditAsync(OpenStackCloud admin, IReadOnlyList<string> hosts, TimeSpan sinceLastChange)
    {
        var auditPeriod = TimeSpan.FromSeconds(3);
        if (sinceLastChange < auditPeriod) await Task.Delay(auditPeriod - sinceLastChange, Ct);
        var nova = await admin.ComputeAsync(Ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var pending = (await nova.Hypervisors.ListAsync(null, withServers: false, Ct))
                .Where(h => hosts.Contains(h.HypervisorHostname) && h.CurrentWorkload is not 0).ToList();
            if (pending.Count == 0) return;
            var busy = string.Join(", ", pending.Select(h => $"{h.HypervisorHostname}={h.CurrentWorkload?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));
            Assert.True(DateTime.UtcNow < deadline, $"the simulated hosts still count I/O work after 60 s ({busy}): is update_resources_interval set (lab/allinone.d/simcompute.py)?");
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
        }
    }

    private static IEnumerable<string> Compare(string server, Outcome mine, Outcome theirs, TwinMapping twins, Side embedded, Side real)
    {
        if (mine.Active != theirs.Active)
        {
            yield return $"decision: embedded {mine.Decision}, real {theirs.Decision}";
            yield break;
        }
        if (!mine.Active)
        {
            if (mine.NoValidHost != theirs.NoValidHost) yield return $"fault: embedded '{mine.Fault}', real '{theirs.Fault}'";
            yield break;
        }
        if (twins.Check(mine.Host!, theirs.Host!, h => embedded.UsageBefore(server, h), h => real.UsageBefore(server, h)) is { } hostDifference)
        {
            yield return hostDifference;
            yield break;
        }
        if (mine.Cells != theirs.Cells) yield return $"guest cell -> host cell: embedded {mine.Cells}, real {theirs.Cells}";
        if (mine.Pins != theirs.Pins) yield return $"pins: embedded {mine.Pins}, real {theirs.Pins}";
        if (mine.PageSizeKiB != theirs.PageSizeKiB) yield return $"page size: embedded {mine.PageSizeKiB?.ToString(CultureInfo.InvariantCulture) ?? "none"} KiB, real {theirs.PageSizeKiB?.ToString(CultureInfo.InvariantCulture) ?? "none"} KiB";
        if (mine.PciDevices != theirs.PciDevices) yield return $"PCI devices: embedded [{mine.PciDevices}], real [{theirs.PciDevices}]";
        var xml = XmlDiff.Compare(mine.Numa!, theirs.Numa!);
        if (!xml.IsEmpty) yield return $"domain NUMA elements differ:\n  {string.Join("\n  ", xml)}\n  embedded:\n{mine.Numa}\n  real:\n{theirs.Numa}";
    }

    /// <summary>What one boot came to on one side.</summary>
    private sealed record Outcome(bool Active, string? Fault, string? Host, string Cells, string Pins, int? PageSizeKiB, string PciDevices, XElement? Numa)
    {
        public bool NoValidHost => Fault?.StartsWith("No valid host was found", StringComparison.Ordinal) == true;
        public string Decision => Active ? "ACTIVE" : $"ERROR ({Fault})";
        public string Summary => Active ? $"{Host} cells {Cells} pins {(Pins.Length == 0 ? "-" : Pins)} page {PageSizeKiB?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(PciDevices.Length > 0 ? " pci " + PciDevices : "")}" : Decision;
    }

    /// <summary>
    /// Hosts whose shape is identical (same topology and nova.conf in the lab YAML, e.g. compute-0
    /// and compute-1). When both are free to take a guest and equally used, every filter and weigher
    /// sees the same numbers on both, so which one Nova picks depends only on the order of equal
    /// weights (a Python set of host names, i.e. the scheduler process's hash seed), not on any
    /// NUMA decision. So the first time the two sides pick different twins while the twins' usage
    /// is identical on both sides, the pair is renamed (embedded host → real host) for the rest of
    /// the run; every later decision must then follow the renaming exactly, which keeps every
    /// shape- or usage-driven difference a disagreement.
    /// </summary>
    private sealed class TwinMapping
    {
        private readonly Dictionary<string, string> groupOf;
        private readonly Dictionary<string, string> map = new(StringComparer.Ordinal);

        public TwinMapping(LabDefinition lab)
        {
            groupOf = lab.Hosts.ToDictionary(h => h.Name,
                h => JsonSerializer.Serialize(h.Topology with { Hostname = null }, TopologyJsonContext.Default.HostTopology) + "\n" + h.NovaConfText);
        }

        public string? Check(string mine, string theirs, Func<string, string> embeddedUsage, Func<string, string> realUsage)
        {
            if (map.TryGetValue(mine, out var mapped))
                return mapped == theirs ? null : $"host: embedded {mine} (renamed to {mapped} by an earlier tie), real {theirs}";
            if (groupOf[mine] != groupOf[theirs]) return $"host: embedded {mine}, real {theirs}";
            if (mine == theirs)
            {
                // the first guest on this pair landed on the same twin on both sides: the names stay
                foreach (var twin in groupOf.Where(g => g.Value == groupOf[mine]).Select(g => g.Key)) map[twin] = twin;
                return null;
            }
            if (embeddedUsage(mine) != embeddedUsage(theirs) || realUsage(mine) != realUsage(theirs))
                return $"host: embedded {mine}, real {theirs} (twins, but used differently: embedded {mine}=[{embeddedUsage(mine)}] {theirs}=[{embeddedUsage(theirs)}], real {mine}=[{realUsage(mine)}] {theirs}=[{realUsage(theirs)}])";
            map[mine] = theirs;
            map[theirs] = mine;
            return null;
        }

        public override string ToString() => map.Any(p => p.Key != p.Value)
            ? string.Join(", ", map.Where(p => string.CompareOrdinal(p.Key, p.Value) < 0).Select(p => $"{p.Key}<->{p.Value}"))
            : "none renamed";
    }

    /// <summary>One cloud: its admin and member clients, host access, and the run's flavors and servers.</summary>
    private sealed class Side : IAsyncDisposable
    {
        private static readonly WaitOptions Boot = WaitOptions.Build with { Timeout = TimeSpan.FromSeconds(240), Interval = TimeSpan.FromMilliseconds(500), SlowInterval = TimeSpan.FromSeconds(2) };
        private static readonly string[] NumaElements = ["memory", "currentMemory", "vcpu", "memoryBacking", "numatune", "cputune", "cpu"];

        private readonly string label;
        private readonly OpenStackCloud member;
        private readonly NovaClient nova;
        private readonly NovaClient memberNova;
        private readonly HostAccessPool access;
        private readonly string imageId;
        private readonly Cleanup cleanup = new();
        private readonly Dictionary<string, string> flavorIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Id, string Host, string Flavor)> live = new(StringComparer.Ordinal);

        private Side(string label, OpenStackCloud admin, OpenStackCloud member, NovaClient nova, NovaClient memberNova, HostAccessPool access, string imageId)
        {
            this.label = label;
            Admin = admin;
            this.member = member;
            this.nova = nova;
            this.memberNova = memberNova;
            this.access = access;
            this.imageId = imageId;
        }

        public OpenStackCloud Admin { get; }

        public static async Task<Side> OpenAsync(string label, OpenStackCloud admin, OpenStackCloud member, string inventory)
        {
            var image = await (await member.ImagesAsync(Ct)).FindByNameAsync(Lab.Image, Ct) ?? throw new InvalidOperationException($"{label}: image {Lab.Image} missing");
            return new Side(label, admin, member, await admin.ComputeAsync(Ct), await member.ComputeAsync(Ct), new HostAccessPool(InventoryParser.Load(inventory)), image.Id);
        }

        /// <summary>An aggregate of exactly the lab's hosts and the sequence's flavors, each asking for it.</summary>
        public async Task PrepareAsync(string run, IReadOnlyList<string> hosts)
        {
            var aggregate = await nova.Aggregates.CreateAsync(run + "-diff", null, Ct);
            cleanup.Add("aggregate", () => nova.Aggregates.DeleteAsync(aggregate.Id, CancellationToken.None));
            foreach (var host in hosts)
            {
                await nova.Aggregates.AddHostAsync(aggregate.Id, host, Ct);
                cleanup.Add("aggregate host", () => nova.Aggregates.RemoveHostAsync(aggregate.Id, host, CancellationToken.None));
            }
            await nova.Aggregates.SetMetadataAsync(aggregate.Id, new Dictionary<string, string?> { ["smog-diff"] = run }, Ct);
            foreach (var flavor in DifferentialSequence.Flavors)
            {
                var created = await nova.Flavors.CreateAsync(new FlavorCreate { Name = $"{run}-{flavor.Name}", RamMiB = flavor.RamMiB, Vcpus = flavor.Vcpus, DiskGiB = 1 }, Ct);
                cleanup.Add("flavor", () => nova.Flavors.DeleteAsync(created.Id, CancellationToken.None));
                await nova.Flavors.SetExtraSpecsAsync(created.Id, new Dictionary<string, string>(flavor.Specs) { ["aggregate_instance_extra_specs:smog-diff"] = run }, Ct);
                flavorIds[flavor.Name] = created.Id;
            }
            cleanup.Add("servers", DeleteAllAsync);
            Run = run;
        }

        private string Run { get; set; } = "";

        public async Task<Outcome> BootAsync(DiffStep step)
        {
            var created = await memberNova.Servers.CreateAsync(new ServerCreateRequest
            {
                Server = new ServerCreateBody { Name = $"{Run}-{step.Server}", FlavorRef = flavorIds[step.Flavor!], ImageRef = imageId, Networks = ServerNetworks.None },
            }, Ct);
            try
            {
                await member.ServerWaiter(memberNova).WaitForStatusAsync(created.Id, "ACTIVE", Boot, Ct);
            }
            catch (ServerFaultedException e)
            {
                await DeleteByIdAsync(created.Id);
                return new Outcome(false, e.Fault?.Message ?? e.Server.Status, null, "", "", null, "", null);
            }
            var server = await nova.Servers.ShowAsync(created.Id, Ct);
            live[step.Server] = (created.Id, server.Host!, step.Flavor!);
            var topology = await nova.Servers.TopologyAsync(created.Id, Ct);
            var cells = string.Join(" ", topology.Nodes.Select((n, i) => $"{i}->{n.HostNode?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));
            var pins = string.Join(" ", topology.Nodes.SelectMany(n => n.CpuPinning ?? []).OrderBy(p => p.Key).Select(p => $"{p.Key}:{p.Value}"));
            var target = access.Find(server.Host!, server.HypervisorHostname ?? server.Host!) ?? throw new InvalidOperationException($"{label}: {server.Host} is not in the inventory");
            var dumped = await access.VirshAsync(target, ["dumpxml", server.InstanceName!], Ct);
            Assert.True(dumped is { ExitCode: 0 }, $"{label}: virsh dumpxml {server.InstanceName} on {server.Host}: {dumped?.StandardError}");
            var domain = XElement.Parse(dumped!.StandardOutput);
            var devices = string.Join(" ", domain.Descendants("hostdev").Select(h => h.Element("source")?.Element("address")).OfType<XElement>().Select(PciAddress).Order(StringComparer.Ordinal));
            return new Outcome(true, null, server.Host, cells, pins, topology.PageSizeKiB, devices, NumaPart(domain));
        }

        public async Task DeleteAsync(string name)
        {
            if (!live.Remove(name, out var server)) return;
            await DeleteByIdAsync(server.Id);
        }

        /// <summary>The flavors of the live guests on a host other than <paramref name="server"/> (the one just booted), sorted: equal strings mean equal usage.</summary>
        public string UsageBefore(string server, string host) =>
            string.Join(",", live.Where(s => s.Key != server && s.Value.Host == host).Select(s => s.Value.Flavor).Order(StringComparer.Ordinal));

        private async Task DeleteAllAsync()
        {
            foreach (var name in live.Keys.ToList()) await DeleteAsync(name);
        }

        private async Task DeleteByIdAsync(string id)
        {
            await nova.Servers.DeleteAsync(id, CancellationToken.None);
            await Admin.ServerWaiter(nova).WaitForDeletionAsync(id, Boot with { Timeout = TimeSpan.FromSeconds(120) }, CancellationToken.None);
        }

        /// <summary>
        /// The domain's NUMA elements without the defaults libvirt writes when it defines a domain
        /// (<c>memory unit='KiB'</c>, a <c>currentMemory</c> equal to <c>memory</c>, <c>vcpu
        /// placement='static'</c>): the embedded cloud writes them as libvirt does, while the lab's
        /// fakelibvirt hands back the XML exactly as Nova's driver wrote it.
        /// </summary>
        private static XElement NumaPart(XElement domain)
        {
            var part = new XElement("domain", domain.Elements().Where(e => NumaElements.Contains(e.Name.LocalName)));
            var memory = part.Element("memory");
            if (part.Element("currentMemory") is { } current && memory is not null && current.Value.Trim() == memory.Value.Trim()
                && (string?)current.Attribute("unit") == (string?)memory.Attribute("unit")) current.Remove();
            foreach (var size in part.Elements().Where(e => e.Name.LocalName is "memory" or "currentMemory"))
                if ((string?)size.Attribute("unit") == "KiB") size.Attribute("unit")!.Remove();
            if (part.Element("vcpu")?.Attribute("placement") is { Value: "static" } placement) placement.Remove();
            return part;
        }

        private static string PciAddress(XElement a) =>
            $"{Hex(a, "domain", 4)}:{Hex(a, "bus", 2)}:{Hex(a, "slot", 2)}.{Convert.ToInt32((string)a.Attribute("function")!, 16)}";

        private static string Hex(XElement address, string attribute, int width) =>
            Convert.ToInt32((string)address.Attribute(attribute)!, 16).ToString($"x{width}", CultureInfo.InvariantCulture);

        public async ValueTask DisposeAsync()
        {
            await cleanup.DisposeAsync();
            await access.DisposeAsync();
            Admin.Dispose();
            member.Dispose();
        }
    }
}
