using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;
using System.Xml.XPath;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Verification;
using Smog.Nova;
using Smog.Nova.Scheduling;
using Smog.OpenStack.Compute;
using Smog.Suite.Results;
using Smog.Suite.Selection;
using Smog.Topology;

namespace Smog.Suite.Runner;

/// <summary>What one inspection of a running guest found.</summary>
public sealed record Inspection(NovaServer Server, Placement? Actual, string? DomainXml, ImmutableArray<ScenarioFinding> Findings, ImmutableArray<string> NotChecked);

/// <summary>
/// Reads what the cloud did with a guest (admin server view, topology API, placement
/// allocations, and through host access the domain XML and its neighbours) and judges it with
/// the verifier. Whatever it cannot read is listed as not checked, never guessed.
/// </summary>
public sealed class GuestInspector(SuiteClients clients, CloudState cloud, HostAccessPool access)
{
    public async Task<Inspection> InspectAsync(string serverId, Flavor flavor, ImageProperties image, Resolution resolution, ResourceDemand demand, int guest, CancellationToken ct)
    {
        var findings = ImmutableArray.CreateBuilder<ScenarioFinding>();
        var notChecked = ImmutableArray.CreateBuilder<string>();
        var server = await clients.AdminNova.Servers.ShowAsync(serverId, ct).ConfigureAwait(false);
        var hostName = server.Host;
        var host = cloud.Host(hostName);

        NovaServerTopology? topology = null;
        if (clients.AdminNova.Microversion >= NovaClient.Topology) topology = await clients.AdminNova.Servers.TopologyAsync(serverId, ct).ConfigureAwait(false);
        else notChecked.Add($"topology API: compute API {clients.AdminNova.Microversion} is below 2.78");

        await CheckAllocationsAsync(serverId, demand, host, guest, findings, ct).ConfigureAwait(false);

        string? xml = null;
        DomainFacts? facts = null;
        if (host?.Access is not { } entry || host.Topology is null)
        {
            notChecked.Add($"domain XML and the verifier: no host access to {hostName ?? "the host"}");
        }
        else if (server.InstanceName is not { } instance)
        {
            notChecked.Add("domain XML: the server shows no instance name");
        }
        else
        {
            var dump = await access.VirshAsync(entry, ["dumpxml", instance], ct).ConfigureAwait(false);
            if (dump is not { Succeeded: true }) notChecked.Add($"domain XML: virsh dumpxml {instance} failed on {entry.Name}: {dump?.FirstErrorLine ?? "virsh is not installed"}");
            else
            {
                xml = dump.StandardOutput;
                var parsed = DomainFactsReader.Parse(xml, $"{entry.Name}:{instance}");
                if (!parsed.Success) notChecked.Add($"domain XML of {instance} could not be read: {parsed.Errors[0]}");
                else
                {
                    facts = parsed.Value;
                    var others = await OthersAsync(entry, instance, ct).ConfigureAwait(false);
                    var verdicts = DomainVerifier.Verify(new VerificationInput
                    {
                        Host = host.Topology,
                        Config = host.Conf ?? Smog.Nova.Config.NovaConf.Default,
                        Flavor = flavor,
                        Image = image,
                        Domain = facts,
                        Others = others,
                        TopologyApi = topology?.ToServerTopology(),
                        Resolution = resolution,
                    });
                    // Without nova.conf the CPU sets are unknown: rules that judge against them cannot be trusted.
                    foreach (var f in verdicts)
                    {
                        if (host.Conf is null && ConfDependent.Contains(f.Rule)) notChecked.Add($"{f.Rule}: nova.conf of {host.Name} not readable, CPU sets unknown");
                        else findings.Add(FromVerifier(f, xml, guest));
                    }
                }
            }
        }
        return new Inspection(server, Actual(hostName, server.InstanceName, topology, facts), xml, findings.ToImmutable(), notChecked.ToImmutable());
    }

    private static readonly HashSet<string> ConfDependent =
        [RuleIds.EmulatorShare, RuleIds.EmulatorIsolate, RuleIds.PinDedicatedSet, RuleIds.PinFloating, RuleIds.PinSharedWithFloating];

    /// <summary>Placement must hold exactly what the flavor asks: PCPU for pinned vCPUs (+1 for isolated emulator threads), VCPU for the rest.</summary>
    private async Task CheckAllocationsAsync(string serverId, ResourceDemand demand, DiscoveredHost? host, int guest, ImmutableArray<ScenarioFinding>.Builder findings, CancellationToken ct)
    {
        var allocations = await clients.Placement.ConsumerAllocationsAsync(serverId, ct).ConfigureAwait(false);
        foreach (var (resourceClass, wanted) in new[] { ("PCPU", demand.Pcpu), ("VCPU", demand.Vcpu), ("MEMORY_MB", demand.MemoryMiB) })
        {
            var held = allocations.Total(resourceClass);
            if (held != wanted)
            {
                findings.Add(new ScenarioFinding
                {
                    Rule = "placement.allocation",
                    Severity = FindingSeverity.Error,
                    Message = $"the server holds {held} {resourceClass} in placement, the flavor asks for {wanted}",
                    Expected = $"{wanted} {resourceClass}",
                    Actual = $"{held} {resourceClass}",
                    Guest = guest,
                });
            }
        }
        if (host?.ProviderUuid is { } provider && allocations.ByProvider.Count > 0 && !allocations.ByProvider.ContainsKey(provider))
        {
            findings.Add(new ScenarioFinding
            {
                Rule = "placement.provider",
                Severity = FindingSeverity.Error,
                Message = $"the allocations are not on {host.Name}'s provider, where the server runs",
                Expected = provider,
                Actual = string.Join(", ", allocations.ByProvider.Keys),
                Guest = guest,
            });
        }
    }

    private async Task<ImmutableArray<DomainFacts>> OthersAsync(Smog.Hosts.InventoryHost entry, string instance, CancellationToken ct) =>
        await HostDomains.ReadAsync(access, entry, instance, all: false, ct).ConfigureAwait(false) ?? [];

    /// <summary>Where the guest actually is: cells and pins from the topology API, emulator and floating CPUs from the domain.</summary>
    public static Placement? Actual(string? host, string? instance, NovaServerTopology? topology, DomainFacts? facts)
    {
        if (host is null) return null;
        var cells = topology?.Nodes.Select((n, i) => new GuestCellPlacement
        {
            GuestCell = i,
            HostCell = n.HostNode ?? -1,
            Vcpus = CpuSet.Of(n.VcpuSet),
            Pins = (n.CpuPinning ?? []).ToImmutableSortedDictionary(),
            MemoryMiB = n.MemoryMiB,
            PageSizeKiB = topology.PageSizeKiB,
        }).ToImmutableArray() ?? [];
        var floating = CpuSet.Empty;
        if (facts is not null)
        {
            for (var v = 0; v < facts.Vcpu.Count; v++)
            {
                if (facts.AllowedCpus(v) is { Count: > 1 } allowed) floating |= allowed;
            }
        }
        return new Placement
        {
            Host = host,
            InstanceName = instance,
            Cells = cells,
            EmulatorCpus = facts?.EmulatorPin?.Cpus ?? CpuSet.Empty,
            FloatingCpus = floating,
        };
    }

    private static ScenarioFinding FromVerifier(Finding f, string xml, int guest) => new()
    {
        Rule = f.Rule,
        Severity = f.Severity == Severity.Error ? FindingSeverity.Error : FindingSeverity.Warning,
        Message = f.Message,
        Expected = f.Expected,
        Actual = f.Actual,
        Guest = guest,
        XPath = f.Evidence.XPath.Length == 0 ? null : f.Evidence.XPath,
        XmlLines = LinesOf(xml, f.Evidence.XPath),
    };

    /// <summary>1-based lines of the elements an XPath selects in the XML as read from the host.</summary>
    public static ImmutableArray<int> LinesOf(string xml, string xpath)
    {
        if (xpath.Length == 0) return [];
        try
        {
            var doc = XDocument.Parse(xml, LoadOptions.SetLineInfo);
            return [.. doc.XPathSelectElements(xpath).Select(e => ((IXmlLineInfo)e).LineNumber).Where(n => n > 0).Distinct().Order()];
        }
        catch (Exception e) when (e is XmlException or XPathException)
        {
            return [];
        }
    }
}
