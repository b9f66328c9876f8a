using Smog.Libvirt.Facts;
using Smog.Units;

namespace Smog.Libvirt.Verification;

/// <summary>vCPU count, memory, and the guest NUMA cells against the requested topology (nova-26-numa-semantics.md §2, §6.1).</summary>
internal static class GuestShapeRules
{
    public static IEnumerable<Finding> Check(VerificationContext c)
    {
        var d = c.Domain;
        var flavor = c.Input.Flavor;
        if (d.Vcpu.Count != flavor.Vcpus)
            yield return new(RuleIds.VcpuCount, Severity.Error, "the domain does not have the flavor's vCPU count",
                $"{flavor.Vcpus}", $"{d.Vcpu.Count}", d.Vcpu.Evidence);
        var memory = ByteSize.FromMiB((ulong)flavor.MemoryMiB);
        if (d.Memory is { } m && m != memory)
            yield return new(RuleIds.MemoryTotal, Severity.Error, "the domain memory is not the flavor's RAM",
                $"{memory}", $"{m}", new Evidence("/domain/memory", $"<memory>{m.KiB}</memory>"));

        if (c.Requested is null)
        {
            foreach (var f in NoNumaExpected(d)) yield return f;
            yield break;
        }
        var requested = c.Requested.Cells;
        if (d.GuestCells.Length != requested.Length)
            yield return new(RuleIds.CellCount, Severity.Error, "the guest has a different number of NUMA cells than requested",
                $"{requested.Length}", $"{d.GuestCells.Length}", Evidence(d.GuestCells.FirstOrDefault()?.Evidence, "/domain/cpu/numa"));
        foreach (var want in requested)
        {
            var cell = d.GuestCells.FirstOrDefault(x => x.Id == want.Id);
            if (cell is null) continue; // counted above
            if (cell.Cpus != want.AllCpus)
                yield return new(RuleIds.CellVcpus, Severity.Error, $"guest cell {want.Id} holds other vCPUs than requested",
                    want.AllCpus.ToString(), cell.Cpus.ToString(), cell.Evidence);
            var wantMemory = ByteSize.FromMiB((ulong)want.MemoryMiB);
            if (cell.Memory != wantMemory)
                yield return new(RuleIds.CellMemory, Severity.Error, $"guest cell {want.Id} has other memory than requested",
                    $"{wantMemory}", $"{cell.Memory}", cell.Evidence);
        }
    }

    // Without an instance NUMA topology Nova writes no <numa>, no <numatune> (nova-26-numa-semantics.md §6.1).
    private static IEnumerable<Finding> NoNumaExpected(DomainFacts d)
    {
        if (d.HasGuestNuma)
            yield return new(RuleIds.NumaNone, Severity.Error, "guest NUMA cells present although the flavor requests no NUMA topology",
                "no <numa>", $"{d.GuestCells.Length} cell(s)", d.GuestCells[0].Evidence);
        if (d.NumaTuneMemory is { } nt)
            yield return new(RuleIds.NumaNone, Severity.Error, "memory binding present although the flavor requests no NUMA topology",
                "no <numatune>", nt.Nodeset?.ToString() ?? "", nt.Evidence);
    }

    internal static Evidence Evidence(Evidence? e, string fallbackPath) => e ?? new Evidence(fallbackPath, "");
}
