using System.Collections.Immutable;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;
using Smog.Topology;
using Smog.Units;

namespace Smog.Env;

/// <summary>
/// The checked outcome of a fake-NUMA request on a live L1 domain: the domain to define, the
/// cells it gets, what changes beyond the layout, and whether anything changes at all.
/// </summary>
public sealed record FakeNumaPlan(Domain Current, Domain Desired, ImmutableArray<FakeNumaCell> Cells, FakeNumaChanges Changes, bool AlreadyApplied);

public static class FakeNumaPlanner
{
    /// <summary>
    /// Applies the editor and checks the totals before anything is touched: a layout whose vCPUs or
    /// memory differ from the domain's is refused unless <paramref name="resize"/>, and the guest's
    /// memory must fit in the parent's (<paramref name="parentMemory"/>, from virsh nodeinfo).
    /// </summary>
    public static Parsed<FakeNumaPlan> Plan(Domain current, FakeNumaRequest request, bool resize, ByteSize? parentMemory, string source)
    {
        var edited = FakeNumaEditor.Apply(current, request, source);
        if (!edited.Success) return Parsed<FakeNumaPlan>.Fail(edited.Errors);
        var changes = FakeNumaChanges.Between(current, edited.Value);
        if (changes.Resizes && !resize)
            return Fail(source, "a layout with the domain's own vCPUs and memory (or --resize)", string.Join(", ", changes.Describe()));
        var cells = edited.Value.Cpu!.Numa!.Cells
            .Select(c => new FakeNumaCell(CpuSet.Parse(c.Cpus ?? ""), ByteSize.FromKiB(ulong.Parse(c.Memory ?? "0", System.Globalization.CultureInfo.InvariantCulture))))
            .ToImmutableArray();
        var total = new ByteSize((ulong)cells.Sum(c => (decimal)c.Memory.Bytes));
        if (parentMemory is { } limit && total.Bytes > limit.Bytes)
            return Fail(source, $"guest memory within the parent's {limit}", total.ToString());
        var same = DomainWriter.ToText(edited.Value) == DomainWriter.ToText(current);
        return Parsed<FakeNumaPlan>.Ok(new FakeNumaPlan(current, edited.Value, cells, changes, same));
    }

    private static Parsed<FakeNumaPlan> Fail(string source, string expected, string found) =>
        Parsed<FakeNumaPlan>.Fail(new ParseError(source, null, expected, found));
}
