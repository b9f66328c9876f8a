using Smog.Libvirt.Facts;
using Smog.Nova.Constraints;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// PCI NUMA affinity (nova-26-numa-semantics.md §4.6) for passed-through devices and SR-IOV VFs of a NUMA guest:
/// <c>required</c> → the device's node is a bound host cell; <c>legacy</c> → bound, or a device
/// without NUMA affinity; <c>preferred</c> → bound is only preferred (warning); <c>socket</c> → the
/// device's node shares a socket with a bound cell.
/// </summary>
internal static class PciLocalityRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        if (c.Requested is null) yield break; // without instance NUMA topology no affinity applies
        var policy = (PciNumaAffinity.Get(c.Input.Flavor, c.Input.Image).Policy ?? PciNumaAffinityPolicy.Legacy).ToString().ToLowerInvariant();
        var bound = CpuSet.Of(c.Domain.MemNodes.Values.SelectMany(m => m.Nodeset));
        foreach (var device in c.Domain.PciDevices)
        {
            var host = c.Host.PciDevices.FirstOrDefault(p => string.Equals(p.Address, device.Address, StringComparison.OrdinalIgnoreCase));
            if (host is null) continue;
            var node = host.NumaNode;
            var local = node is { } n && bound.Contains(n);
            var (ok, severity) = policy switch
            {
                "required" => (local, Severity.Error),
                "preferred" => (local, Severity.Warning),
                "socket" => (node is { } n2 && SocketsOf(c, CpuSet.Of(n2)).Overlaps(SocketsOf(c, bound)), Severity.Error),
                _ => (local || node is null, Severity.Error),
            };
            if (!ok)
                yield return new(RuleIds.PciLocality, severity,
                    $"PCI device {device.Address} is on host node {node?.ToString() ?? "unknown"}, not local to the guest (policy {policy})",
                    policy == "socket" ? $"a node on socket {SocketsOf(c, bound)}" : $"node in {bound}",
                    node?.ToString() ?? "unknown", device.Evidence);
        }
    }

    private static CpuSet SocketsOf(VerificationContext c, CpuSet cells) =>
        CpuSet.Of(c.Host.Cpus.Where(x => cells.Contains(x.Cell)).Select(x => x.Socket));
}
