using Smog.Nova;

namespace Smog.Cloud.Simulation.State;

/// <summary>What an instance holds on one host: the topology the resource tracker accounted (it differs from the
/// fitted one only under the defect "reuses a pinned pCPU"), the placement and the domain XML.</summary>
internal sealed record HostClaim(SimHost Host, string Consumer, FlavorRecord Flavor, FittedTopology? Accounted, InstancePlacement Placement, Domains.DeferredDomain Domain);

/// <summary>A server's mutable state inside the simulation: its latest snapshot, its claims and its pending transition.</summary>
internal sealed class ServerState(ServerRecord record)
{
    public ServerRecord Record { get; set; } = record;
    /// <summary>The host the server runs on (null when nothing was claimed).</summary>
    public HostClaim? Claim { get; set; }
    /// <summary>The destination of a resize or migration until it is confirmed, reverted or completed.</summary>
    public HostClaim? Incoming { get; set; }
    /// <summary>vm_state to return to after a resize is confirmed or reverted.</summary>
    public string ResumeVmState { get; set; } = VmStates.Active;

    /// <summary>The transition in progress: what to do when it completes, and who waits for it.</summary>
    public Action? Completion { get; set; }
    public ITimer? Timer { get; set; }
    public long TransitionId { get; set; }
    public TaskCompletionSource<ServerRecord>? Settled { get; set; }
}
