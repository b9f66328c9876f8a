using System.Collections.Immutable;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Generation;
using Smog.Libvirt.Syntax;
using Smog.Libvirt.Verification;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>
/// A correct domain and its surroundings, built from a boot-oracle case: the host as Nova
/// reported it (plus one PCI device per cell), the flavor, image and config, and optionally a
/// neighbour guest pinned to pCPUs the subject does not touch.
/// </summary>
internal sealed record VerificationScenario(string Name, Domain Domain, VerificationInput Template, DocumentOrigin Origin)
{
    public VerificationInput Input(Domain domain) => Template with { Domain = DomainFactsReader.From(domain).Value };

    public ImmutableArray<Finding> Verify(Domain domain) => DomainVerifier.Verify(Input(domain));

    /// <summary>Both the oracle's own domain XML and the generator's, for every active case.</summary>
    public static IReadOnlyList<VerificationScenario> All() => Cached.Value;

    private static readonly Lazy<List<VerificationScenario>> Cached =
        new(() => [.. BootOracleCase.All.Where(c => c.Active).SelectMany(FromCase)]);

    private static IEnumerable<VerificationScenario> FromCase(BootOracleCase oracle)
    {
        var gen = oracle.GenerationInput();
        var host = WithPciDevices(gen.Host);
        var template = new VerificationInput
        {
            Host = host,
            Config = gen.Config,
            Flavor = gen.Flavor,
            Image = oracle.Image,
            Domain = null!,
        };
        // The committed nova-boot vectors keep only numa_xml; the examples keep the whole domain.
        var xml = oracle.Output.TryGetProperty("domain_xml", out var full) ? full.GetString()! : oracle.NumaXml;
        var oracleDomain = DomainReader.Parse(xml).Value;
        var generated = DomainGenerator.Generate(gen);
        foreach (var (origin, domain) in new[] { (DocumentOrigin.Oracle, oracleDomain), (DocumentOrigin.Generated, generated) })
        {
            var label = origin == DocumentOrigin.Oracle ? "oracle" : "generated";
            var withDevice = AddLocalHostdev(domain, host);
            yield return new VerificationScenario($"{oracle.Name}/{label}", withDevice, template, origin);
            if (Neighbour(withDevice, template) is { } other)
                yield return new VerificationScenario($"{oracle.Name}/{label}+neighbour", withDevice, template with { Others = [other] }, origin);
        }
    }

    public static string PciAddressOfCell(int cell) => $"0000:{0x10 + cell:x2}:00.0";

    private static HostTopology WithPciDevices(HostTopology host) => host with
    {
        PciDevices = [.. host.Cells.Select(c => new PciDevice { Address = PciAddressOfCell(c.Id), NumaNode = c.Id })],
    };

    /// <summary>A passthrough device on the host cell guest cell 0 is bound to (none for non-NUMA guests).</summary>
    private static Domain AddLocalHostdev(Domain domain, HostTopology host)
    {
        var cell = domain.NumaTune?.MemNodes.FirstOrDefault()?.Nodeset;
        return cell is null ? domain : domain with
        {
            Devices = (domain.Devices ?? new DomainDevices()) with { Hostdevs = [Hostdev(int.Parse(cell))] },
        };
    }

    public static DomainHostdev Hostdev(int hostCell) => new("subsystem", "pci")
    {
        Managed = "yes",
        Source = new DomainDeviceSource
        {
            Address = new DomainAddress(null) { Domain = "0x0000", Bus = $"0x{0x10 + hostCell:x2}", Slot = "0x00", Function = "0x0" },
        },
    };

    /// <summary>
    /// A dedicated 2-vCPU guest on dedicated pCPUs the subject neither uses nor (for isolate) sits next to;
    /// null when the host has no room or the subject floats (a floating subject overlaps any pinned neighbour in legacy mode).
    /// </summary>
    private static DomainFacts? Neighbour(Domain subject, VerificationInput template)
    {
        var facts = DomainFactsReader.From(subject).Value;
        var online = template.Host.AllCpus;
        var used = facts.VcpuPins.Values.Aggregate(facts.EmulatorPin?.Cpus ?? CpuSet.Empty, (acc, p) => acc | p.Cpus);
        var floats = facts.VcpuPins.Values.Any(p => p.Cpus.Count > 1);
        if (facts.VcpuPins.Count == 0 || (floats && template.Config.CpuDedicatedSet is null)) return null;
        var blocked = CpuSet.Of(used.SelectMany(p => template.Host.SiblingsOf(p)));
        var free = (template.Config.DedicatedCpus(online) - blocked).Take(2).ToList();
        if (free.Count < 2) return null;
        var xml = $"""
            <domain type='kvm'><name>neighbour</name><memory>1048576</memory><vcpu>2</vcpu>
              <cputune><emulatorpin cpuset='{CpuSet.Of(free)}'/><vcpupin vcpu='0' cpuset='{free[0]}'/><vcpupin vcpu='1' cpuset='{free[1]}'/></cputune>
            </domain>
            """;
        return DomainFactsReader.Parse(xml).Value;
    }

    public override string ToString() => Name;
}

/// <summary>Who wrote a scenario's domain: Nova 26.2.2 in the boot oracle, or Smog's generator.</summary>
public enum DocumentOrigin
{
    Oracle,
    Generated,
}
