using Smog.Libvirt.Facts;
using Smog.Topology;

namespace Smog.Tests.Libvirt.Verification;

/// <summary>Test-side copy of "a neighbour's dedicated pCPUs": its single-CPU vcpupins.</summary>
internal static class VerificationContextProbe
{
    public static CpuSet DedicatedPcpusOf(DomainFacts other) =>
        CpuSet.Of(other.VcpuPins.Values.Where(p => p.Cpus.Count == 1).Select(p => p.Cpus.Min));
}
