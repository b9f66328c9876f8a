using Smog.Nova.Host;

namespace Smog.Nova.Fitting;

/// <summary>
/// Physnet and tunnel NUMA affinity (Nova's <c>_numa_cells_support_network_metadata</c>): a
/// required network that has affinity to some host cell must have it to a chosen cell; networks
/// with affinity nowhere impose nothing.
/// </summary>
internal static class NetworkAffinity
{
    public static bool Supports(NovaHost host, IReadOnlyCollection<NovaHostCell> chosen, NetworkMetadata required)
    {
        var missing = required.Physnets.Except(chosen.SelectMany(c => c.Network.Physnets));
        if (!missing.IsEmpty && host.Cells.Any(c => c.Network.Physnets.Overlaps(missing))) return false;
        if (required.Tunneled && !chosen.Any(c => c.Network.Tunneled) && host.Cells.Any(c => c.Network.Tunneled)) return false;
        return true;
    }
}
