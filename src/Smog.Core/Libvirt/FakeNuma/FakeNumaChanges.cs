using Smog.Units;
using System.Collections.Immutable;
using Smog.Libvirt.Facts;
using Smog.Libvirt.Syntax;
using Smog.Topology;

namespace Smog.Libvirt.FakeNuma;

/// <summary>
/// What a fake-NUMA edit changed beyond the guest NUMA layout: the domain's vCPU count and
/// memory (a layout that does not add up to them resizes the guest), and the pins and memory
/// nodes that named vCPUs or cells that no longer exist.
/// </summary>
public sealed record FakeNumaChanges(int VcpusBefore, int VcpusAfter, ByteSize? MemoryBefore, ByteSize? MemoryAfter, CpuSet DroppedPins, CpuSet DroppedMemNodes)
{
    /// <summary>True when the guest gets a different vCPU count or memory size.</summary>
    public bool Resizes => VcpusBefore != VcpusAfter || MemoryBefore != MemoryAfter;

    public bool IsEmpty => !Resizes && DroppedPins.IsEmpty && DroppedMemNodes.IsEmpty;

    public static FakeNumaChanges Between(Domain before, Domain after)
    {
        var pinsAfter = CpuSet.Of(after.CpuTune?.VcpuPins.Select(p => p.Vcpu) ?? []);
        var nodesAfter = CpuSet.Of(after.NumaTune?.MemNodes.Select(m => m.CellId) ?? []);
        return new FakeNumaChanges(
            VcpuCount(before), VcpuCount(after), MemoryOf(before), MemoryOf(after),
            CpuSet.Of(before.CpuTune?.VcpuPins.Select(p => p.Vcpu) ?? []) - pinsAfter,
            CpuSet.Of(before.NumaTune?.MemNodes.Select(m => m.CellId) ?? []) - nodesAfter);
    }

    /// <summary>One phrase per change, e.g. "vCPUs 4 → 2", "memory 2 GiB → 512 MiB", "dropped the pins of vCPUs 2-3".</summary>
    public ImmutableArray<string> Describe()
    {
        var phrases = ImmutableArray.CreateBuilder<string>();
        if (VcpusBefore != VcpusAfter) phrases.Add($"vCPUs {VcpusBefore} → {VcpusAfter}");
        if (MemoryBefore != MemoryAfter) phrases.Add($"memory {Text(MemoryBefore)} → {Text(MemoryAfter)}");
        if (!DroppedPins.IsEmpty) phrases.Add($"dropped the pins of vCPUs {DroppedPins}");
        if (!DroppedMemNodes.IsEmpty) phrases.Add($"dropped the numatune memory nodes of cells {DroppedMemNodes}");
        return phrases.ToImmutable();
    }

    private static int VcpuCount(Domain d) => DomainFactsReader.From(d) is { Success: true } facts ? facts.Value.Vcpu.Count : 0;

    private static ByteSize? MemoryOf(Domain d) => DomainFactsReader.From(d) is { Success: true } facts ? facts.Value.Memory : null;

    private static string Text(ByteSize? size) => size?.ToString() ?? "none";
}
