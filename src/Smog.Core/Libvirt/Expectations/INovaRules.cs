using Smog.Nova;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;

namespace Smog.Libvirt.Expectations;

/// <summary>
/// The Nova decisions the libvirt part reads from a flavor and image: <c>numa_get_constraints</c>
/// (topology, policies, realtime set, page size, locked memory) and <c>get_best_cpu_topology</c>.
/// A seam for tests; <see cref="NovaEngineRules"/> is the Nova engine itself.
/// </summary>
public interface INovaRules
{
    ConstraintsResult Constraints(Flavor flavor, ImageProperties image);

    /// <summary>The chosen sockets/cores/threads and the effective maxima; or the refusal.</summary>
    CpuTopologyOutcome CpuTopology(Flavor flavor, ImageProperties image);
}

/// <summary>The chosen topology (null when Nova refuses) and the limits the verifier checks against.</summary>
public sealed record CpuTopologyOutcome(GuestCpuTopology? Chosen, GuestCpuTopology? Maximum, NovaError? Error = null);

/// <summary>Nova 26's own rules: <see cref="NumaConstraints"/> and <see cref="CpuTopologyChooser"/>.</summary>
public sealed class NovaEngineRules : INovaRules
{
    public static readonly NovaEngineRules Instance = new();

    public ConstraintsResult Constraints(Flavor flavor, ImageProperties image) => NumaConstraints.Get(flavor, image);

    public CpuTopologyOutcome CpuTopology(Flavor flavor, ImageProperties image)
    {
        var best = CpuTopologyChooser.Best(flavor, image);
        var (constraints, error) = CpuTopologyChooser.Constraints(flavor, image);
        return new CpuTopologyOutcome(best.Topology, constraints?.Maximum, best.Error ?? error);
    }
}
