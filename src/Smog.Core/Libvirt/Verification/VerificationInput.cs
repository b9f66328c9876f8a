using System.Collections.Immutable;
using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Libvirt.Verification;

/// <summary>Everything the verifier judges: the host, nova.conf, what was asked, the domain, its neighbours.</summary>
public sealed record VerificationInput
{
    public required HostTopology Host { get; init; }
    public NovaConf Config { get; init; } = NovaConf.Default;
    public required Flavor Flavor { get; init; }
    public ImageProperties Image { get; init; } = ImageProperties.None;
    public required DomainFacts Domain { get; init; }
    /// <summary>Other guests' domains on the same host.</summary>
    public ImmutableArray<DomainFacts> Others { get; init; } = [];
    public ServerTopology? TopologyApi { get; init; }
    /// <summary>What Nova resolved for this flavor and image (a plan's); null → resolved here by the engine.</summary>
    public Resolution? Resolution { get; init; }
}

/// <summary>Derived once per verification: the expectation and the views every rule shares.</summary>
internal sealed class VerificationContext
{
    public VerificationContext(VerificationInput input)
    {
        Input = input;
        var resolution = input.Resolution ?? NovaPlanner.Resolve(input.Flavor, input.Image);
        Requested = resolution.Topology;
        ConstraintsError = resolution.ConstraintsError;
        Resolved = resolution.Resolved;
        CpuTopology = resolution.CpuTopology;
        Realtime = Resolved?.RealtimeCpus ?? CpuSet.Empty;
        Online = input.Host.AllCpus.IsEmpty ? CpuSet.Of(input.Host.Cells.SelectMany(c => c.Cpus)) : input.Host.AllCpus;
        SharedCpus = input.Config.SharedCpus(Online);
        DedicatedCpus = input.Config.DedicatedCpus(Online);
        PinnedVcpus = Requested?.Cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.Pcpus) ?? CpuSet.Empty;
    }

    public VerificationInput Input { get; }
    public DomainFacts Domain => Input.Domain;
    public HostTopology Host => Input.Host;
    public RequestedTopology? Requested { get; }
    /// <summary>Everything numa_get_constraints decided; null when Nova refuses the request.</summary>
    public ResolvedConstraints? Resolved { get; }
    /// <summary>hw:locked_memory, or realtime (which Nova always locks).</summary>
    public bool LockedMemory => Resolved?.LockedMemory == true || !Realtime.IsEmpty;
    public NovaError? ConstraintsError { get; }
    public CpuTopologyOutcome CpuTopology { get; }
    public CpuSet Realtime { get; }
    public CpuSet Online { get; }
    public CpuSet SharedCpus { get; }
    public CpuSet DedicatedCpus { get; }
    /// <summary>The vCPUs Nova pins (dedicated: all; mixed: the mask).</summary>
    public CpuSet PinnedVcpus { get; }

    /// <summary>New-style config: dedicated and shared pools are disjoint by construction.</summary>
    public bool SeparatePools => Input.Config.SeparatePools;

    /// <summary>The host cell a guest cell's memory is bound to (its memnode), when exactly one.</summary>
    public int? HostCellOf(int guestCell) =>
        Domain.MemNodes.TryGetValue(guestCell, out var m) && m.Nodeset.Count == 1 ? m.Nodeset.Min : null;

    public int? HostCellOfVcpu(int vcpu) => Domain.CellOfVcpu(vcpu) is { } cell ? HostCellOf(cell.Id) : null;

    /// <summary>The pCPUs this guest's pinned vCPUs use.</summary>
    public CpuSet OwnPinnedPcpus => CpuSet.Of(PinnedVcpus.Select(v => Domain.VcpuPins.TryGetValue(v, out var p) && p.Cpus.Count == 1 ? p.Cpus.Min : -1).Where(x => x >= 0));

    /// <summary>
    /// Another guest's dedicated pCPUs. Its flavor is unknown, so a vCPU pinned to exactly one pCPU
    /// counts as dedicated (Nova pins floating vCPUs to a whole cell's shared set), plus the
    /// emulator pCPU when it is a single CPU outside those pins (emulator isolate).
    /// </summary>
    public static CpuSet DedicatedPcpusOf(DomainFacts other)
    {
        var pins = CpuSet.Of(other.VcpuPins.Values.Where(p => p.Cpus.Count == 1).Select(p => p.Cpus.Min));
        var emulator = other.EmulatorPin?.Cpus;
        return emulator is { Count: 1 } && !pins.IsEmpty && !emulator.IsSubsetOf(pins) ? pins | emulator : pins;
    }

    /// <summary>
    /// Another guest's dedicated pCPUs on this host. With separate pools, a floating guest in a host
    /// cell whose shared set is a single CPU gets a one-CPU <c>vcpupin</c> on it that only looks like
    /// a pin: such lone shared CPUs are not counted.
    /// </summary>
    public CpuSet NeighbourPcpus(DomainFacts other)
    {
        var pins = DedicatedPcpusOf(other);
        if (!SeparatePools || Input.Config.CpuSharedSet is not { } shared) return pins;
        var lone = CpuSet.Of(Host.Cells.Select(cell => Host.CpusOfCell(cell.Id) & shared).Where(s => s.Count == 1).Select(s => s.Min));
        return pins - lone;
    }

    /// <summary>The CPUs another guest's floating vCPUs may run on (all online CPUs when unrestricted).</summary>
    public CpuSet FloatingCpusOf(DomainFacts other)
    {
        var floating = CpuSet.Empty;
        for (var v = 0; v < other.Vcpu.Count; v++)
        {
            var allowed = other.AllowedCpus(v) ?? Online;
            if (allowed.Count > 1) floating |= allowed;
        }
        return floating;
    }

    public string GuestName(DomainFacts d) => d.Name ?? d.Uuid ?? "another guest";
}
