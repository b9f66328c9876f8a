using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Nova.Fitting;

/// <summary>
/// A host cell during one fit, with the derived sets computed once: the host does not change
/// while Nova searches, so free pCPUs and free sibling sets are shared by every cell check.
/// </summary>
internal sealed class HostCellView(NovaHostCell cell, ThreadOrder order)
{
    private CpuSet? _freePcpus;
    private List<List<int>>? _freeSiblings;

    public NovaHostCell Cell => cell;
    public CpuSet FreePcpus => _freePcpus ??= cell.FreePcpus;
    /// <summary>Free sibling sets in list order with thread order as Nova walks them; never mutated by callers.</summary>
    public List<List<int>> FreeSiblings => _freeSiblings ??= CorePacker.FreeSiblings(cell, FreePcpus, order);
}
