using Smog.Libvirt.Facts;
using Smog.Topology;
using Smog.Units;

namespace Smog.Libvirt.Verification;

/// <summary>The server topology API (2.78) must describe the same cells, memory, host nodes and pins as the domain.</summary>
internal static class TopologyApiRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        if (c.Input.TopologyApi is not { } api) yield break;
        var d = c.Domain;
        var apiEvidence = new Evidence("GET /servers/{id}/topology", "");
        if (api.Nodes.Length != d.GuestCells.Length)
        {
            yield return new(RuleIds.TopologyApi, Severity.Error, "the topology API and the domain disagree on the number of guest cells",
                $"{d.GuestCells.Length}", $"{api.Nodes.Length}", apiEvidence);
            yield break;
        }
        for (var i = 0; i < api.Nodes.Length; i++)
        {
            var (node, cell) = (api.Nodes[i], d.GuestCells[i]);
            if (node.VcpuSet != cell.Cpus)
                yield return new(RuleIds.TopologyApi, Severity.Error, $"API node {i} lists other vCPUs than guest cell {cell.Id}",
                    cell.Cpus.ToString(), node.VcpuSet.ToString(), cell.Evidence);
            if (ByteSize.FromMiB((ulong)node.MemoryMiB) != cell.Memory)
                yield return new(RuleIds.TopologyApi, Severity.Error, $"API node {i} reports other memory than guest cell {cell.Id}",
                    $"{cell.Memory}", $"{ByteSize.FromMiB((ulong)node.MemoryMiB)}", cell.Evidence);
            if (node.HostNode is { } h && c.HostCellOf(cell.Id) is { } bound && h != bound)
                yield return new(RuleIds.TopologyApi, Severity.Error, $"API node {i} is on host node {h}, the domain binds guest cell {cell.Id} to {bound}",
                    $"{bound}", $"{h}", d.MemNodes[cell.Id].Evidence);
            foreach (var (vcpu, pcpu) in node.CpuPinning)
                if (!d.VcpuPins.TryGetValue(vcpu, out var pin) || pin.Cpus != CpuSet.Of(pcpu))
                    yield return new(RuleIds.TopologyApi, Severity.Error, $"API pins vCPU {vcpu} to {pcpu}, the domain does not",
                        $"{pcpu}", pin?.Cpus.ToString() ?? "absent", pin?.Evidence ?? new Evidence("/domain/cputune", ""));
        }
        var pageKiB = d.MemoryBacking?.Pages.FirstOrDefault()?.Size.KiB;
        if (api.PageSizeKiB is { } apiPage && pageKiB is { } domPage && (ulong)apiPage != domPage)
            yield return new(RuleIds.TopologyApi, Severity.Error, "the topology API reports another page size than the domain uses",
                $"{domPage} KiB", $"{apiPage} KiB", d.MemoryBacking!.Pages[0].Evidence);
    }
}
