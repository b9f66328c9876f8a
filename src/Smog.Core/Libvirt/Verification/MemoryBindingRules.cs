using Smog.Libvirt.Facts;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>
/// &lt;numatune&gt;: Nova always binds strictly, one memnode per guest cell on one existing host
/// cell, and the guest-wide nodeset is the union of the memnodes (nova-26-numa-semantics.md §1.1, §6.1).
/// </summary>
internal static class MemoryBindingRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        if (c.Requested is null) yield break;
        var d = c.Domain;
        var union = CpuSet.Of(d.MemNodes.Values.SelectMany(m => m.Nodeset));
        if (d.NumaTuneMemory is not { } memory)
        {
            yield return new(RuleIds.NumaTuneNodeset, Severity.Error, "no <numatune><memory>: guest memory is not bound",
                $"mode='strict' nodeset='{union}'", "absent", new Evidence("/domain/numatune", ""));
        }
        else
        {
            if (memory.Mode != "strict")
                yield return new(RuleIds.NumaTuneMode, Severity.Error, "guest memory binding is not strict", "strict", memory.Mode ?? "strict (default)", memory.Evidence);
            if (memory.Nodeset != union)
                yield return new(RuleIds.NumaTuneNodeset, Severity.Error, "the guest-wide nodeset is not the union of the memnodes",
                    union.ToString(), memory.Nodeset?.ToString() ?? "absent", memory.Evidence);
        }
        foreach (var cell in d.GuestCells)
        {
            if (!d.MemNodes.TryGetValue(cell.Id, out var node))
            {
                yield return new(RuleIds.MemNode, Severity.Error, $"guest cell {cell.Id} has no memnode: its memory is not bound to a host cell",
                    $"<memnode cellid='{cell.Id}' mode='strict' nodeset='N'/>", "absent", cell.Evidence);
                continue;
            }
            if (node.Mode is not null && node.Mode != "strict")
                yield return new(RuleIds.NumaTuneMode, Severity.Error, $"guest cell {cell.Id} memory binding is not strict", "strict", node.Mode, node.Evidence);
            if (node.Nodeset.Count != 1)
                yield return new(RuleIds.MemNode, Severity.Error, $"guest cell {cell.Id} is bound to {node.Nodeset.Count} host cells, Nova binds exactly one",
                    "one host cell", node.Nodeset.ToString(), node.Evidence);
            foreach (var hostCell in node.Nodeset.Where(h => c.Host.Cell(h) is null))
                yield return new(RuleIds.MemNode, Severity.Error, $"guest cell {cell.Id} is bound to host cell {hostCell}, which does not exist",
                    HostCells(c), $"{hostCell}", node.Evidence);
        }
        foreach (var node in d.MemNodes.Values.Where(n => d.GuestCells.All(g => g.Id != n.CellId)))
            yield return new(RuleIds.MemNode, Severity.Error, $"memnode for guest cell {node.CellId}, which does not exist",
                $"cellid in {CpuSet.Of(d.GuestCells.Select(g => g.Id))}", $"{node.CellId}", node.Evidence);
    }

    private static string HostCells(VerificationContext c) => CpuSet.Of(c.Host.Cells.Select(x => x.Id)).ToString();
}
