using System.Collections.Immutable;
using System.Globalization;
using Smog.Libvirt.Syntax;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Libvirt.Generation;

/// <summary>What the generator needs: the flavor, the fitted placement (null = no instance NUMA
/// topology), the host, nova.conf, the guest CPU topology chosen and what numa_get_constraints
/// resolved (realtime vCPUs, locked memory).</summary>
public sealed record GenerationInput(
    Flavor Flavor,
    FittedTopology? Fitted,
    HostTopology Host,
    NovaConf Config,
    GuestCpuTopology CpuTopology,
    ResolvedConstraints? Resolved);

/// <summary>
/// Writes the NUMA-relevant domain elements Nova 26's libvirt driver writes (nova-26-numa-semantics.md §6.1): memory,
/// memoryBacking, numatune, vcpu, cputune and cpu, in that order, mirroring
/// <c>LibvirtDriver._get_guest_numa_config</c>, <c>_get_guest_memory_backing_config</c> and
/// <c>_get_guest_cpu_config</c>.
/// </summary>
public static class DomainGenerator
{
    /// <summary>
    /// The domain Nova 26 would define for a plan, from the plan's own resolution (no
    /// recomputation); or why there is none: the API refuses the request, the node cannot take it
    /// (NoValidHost), or the build fails choosing a CPU topology (<c>ImageVCPULimitsRangeImpossible</c> …).
    /// </summary>
    public static (Domain? Domain, string? Refusal) Generate(PlanResult plan)
    {
        if (plan.Resolution.ConstraintsError is { } refused) return (null, $"the API refuses the request ({refused})");
        if (!plan.Fits || !plan.FilterPasses) return (null, "the instance does not fit this host (NoValidHost)");
        if (plan.Resolution.CpuTopology.Chosen is not { } topology)
            return (null, $"the build fails ({plan.Resolution.CpuTopology.Error})");
        return (Generate(new GenerationInput(plan.Request.Flavor, plan.Fitted, plan.Node.Topology, plan.Node.Conf, topology, plan.Resolution.Resolved)), null);
    }

    public static Domain Generate(GenerationInput input)
    {
        var (flavor, fitted) = (input.Flavor, input.Fitted);
        var online = input.Host.AllCpus.IsEmpty ? CpuSet.Of(input.Host.Cells.SelectMany(c => c.Cpus)) : input.Host.AllCpus;
        var resolved = input.Resolved;
        var realtime = resolved?.RealtimeCpus ?? CpuSet.Empty;
        var locked = resolved?.LockedMemory == true;
        var pins = fitted is null ? null : VcpuPins(fitted, input.Host, input.Config, online);
        return new Domain
        {
            // Nova writes <domain type> from [libvirt] virt_type (kvm by default, qemu on TCG hosts).
            Type = input.Config.VirtType,
            Memory = new DomainMemory(Num(flavor.MemoryMiB * 1024)),
            MemoryBacking = MemoryBacking(input, realtime, locked),
            NumaTune = fitted is null ? null : NumaTune(fitted),
            Vcpu = new DomainVcpu(Num(flavor.Vcpus))
            {
                // Without an instance topology the host kernel places vCPUs within the configured pool.
                CpuSet = fitted is null ? (input.Config.VcpuPinSet ?? input.Config.CpuSharedSet)?.ToString() : null,
            },
            CpuTune = CpuTune(input, pins, realtime, online),
            Cpu = Cpu(input),
        };
    }

    /// <summary>Each vCPU's allowed host CPUs: a pinned vCPU its pCPU, a floating one its host cell's shared CPUs.</summary>
    private static ImmutableSortedDictionary<int, CpuSet> VcpuPins(FittedTopology fitted, HostTopology host, NovaConf config, CpuSet online)
    {
        var shared = config.SharedCpus(online);
        var pins = ImmutableSortedDictionary.CreateBuilder<int, CpuSet>();
        foreach (var cell in fitted.Cells)
            foreach (var vcpu in cell.AllCpus)
                pins[vcpu] = cell.CpuPinning.TryGetValue(vcpu, out var pcpu) ? CpuSet.Of(pcpu) : host.CpusOfCell(cell.HostCell) & shared;
        return pins.ToImmutable();
    }

    private static DomainCpuTune? CpuTune(GenerationInput input, ImmutableSortedDictionary<int, CpuSet>? pins, CpuSet realtime, CpuSet online)
    {
        var f = input.Flavor;
        var tune = new DomainCpuTune
        {
            Shares = f.Spec("quota:cpu_shares"),
            Quota = f.Spec("quota:cpu_quota"),
            Period = f.Spec("quota:cpu_period"),
        };
        if (pins is null)
            return tune.Shares is null && tune.Quota is null && tune.Period is null ? null : tune;
        return tune with
        {
            EmulatorPin = new DomainCpuTuneEmulatorPin(EmulatorPin(input, pins, realtime, online).ToString()),
            VcpuPins = [.. pins.Select(p => new DomainCpuTuneVcpuPin(p.Key, p.Value.ToString()))],
            VcpuScheds = realtime.IsEmpty ? [] :
                [new DomainCpuTuneVcpuSched(realtime.ToString(), "fifo", Num(input.Config.RealtimeSchedulerPriority))],
        };
    }

    /// <summary>
    /// Nova's <c>_get_emulatorpin_cpuset</c>: isolate → the reserved pCPU; share with
    /// cpu_shared_set → that set ∩ online CPUs; otherwise the union of the non-realtime vCPUs' pins.
    /// </summary>
    private static CpuSet EmulatorPin(GenerationInput input, ImmutableSortedDictionary<int, CpuSet> pins, CpuSet realtime, CpuSet online)
    {
        var policy = input.Fitted!.EmulatorThreads;
        if (policy == EmulatorThreadsPolicy.Isolate) return input.Fitted.ReservedHostCpus;
        if (policy == EmulatorThreadsPolicy.Share && input.Config.CpuSharedSet is { IsEmpty: false } shared) return shared & online;
        return pins.Where(p => !realtime.Contains(p.Key)).Aggregate(CpuSet.Empty, (acc, p) => acc | p.Value);
    }

    private static DomainNumaTune NumaTune(FittedTopology fitted) => new()
    {
        Memory = new DomainNumaTuneMemory("strict", CpuSet.Of(fitted.Cells.Select(c => c.HostCell)).ToString()),
        MemNodes = [.. fitted.Cells.Select((c, i) => new DomainNumaTuneMemNode(i, "strict", Num(c.HostCell)))],
    };

    private static DomainMemoryBacking? MemoryBacking(GenerationInput input, CpuSet realtime, bool lockedMemory)
    {
        var pages = HugepageCells(input).Select(p => new DomainMemoryHugepage(Num(p.SizeKiB), "KiB", Num(p.GuestCell))).ToImmutableArray();
        var locked = !realtime.IsEmpty || lockedMemory;
        if (pages.IsEmpty && !locked) return null;
        return new DomainMemoryBacking
        {
            Hugepages = pages.IsEmpty ? null : new DomainMemoryHugepages(pages),
            NoSharePages = !realtime.IsEmpty,
            Locked = locked,
        };
    }

    /// <summary>
    /// Guest cells backed by huge pages: a page size larger than the smallest size of host cell 0
    /// (Nova's <c>_get_memory_backing_hugepages_support</c>; libvirt cannot back memory with the
    /// smallest size explicitly).
    /// </summary>
    private static IEnumerable<(int GuestCell, long SizeKiB)> HugepageCells(GenerationInput input)
    {
        if (input.Fitted is null) return [];
        var smallest = SmallestPageKiB(input.Host);
        return input.Fitted.Cells.Select((c, i) => (i, c.PageSizeKiB ?? 0)).Where(p => p.Item2 > smallest);
    }

    private static long SmallestPageKiB(HostTopology host) =>
        host.Cells.FirstOrDefault()?.Pages is { IsEmpty: false } pages ? pages.Min(p => p.SizeKiB) : 4;

    /// <summary>
    /// Nova's <c>_wants_hugepages</c>: some guest cell uses a host page size other than the smallest
    /// one listed for host cell 0; then every guest cell gets <c>memAccess='shared'</c>.
    /// </summary>
    private static bool WantsHugepages(GenerationInput input)
    {
        if (input.Fitted is null || input.Host.Cells.IsEmpty) return false;
        var large = input.Host.Cells[0].Pages.Select(p => p.SizeKiB).Order().Skip(1).ToHashSet();
        return input.Fitted.Cells.Any(c => c.PageSizeKiB is { } size && large.Contains(size));
    }

    /// <summary>
    /// Nova's <c>_get_guest_cpu_config</c> for KVM/QEMU: mode none still writes &lt;cpu match&gt; with
    /// topology and cells, only without a mode.
    /// </summary>
    private static DomainCpu Cpu(GenerationInput input)
    {
        var mode = input.Config.EffectiveCpuMode == "none" ? null : input.Config.EffectiveCpuMode;
        var t = input.CpuTopology;
        var shared = WantsHugepages(input) ? "shared" : null;
        return new DomainCpu
        {
            Mode = mode,
            Match = "exact",
            Model = mode == "custom" && input.Config.CpuModel is { } model ? new DomainCpuModel(model) : null,
            Topology = new DomainCpuTopology { Sockets = Num(t.Sockets), Cores = Num(t.Cores), Threads = Num(t.Threads) },
            Numa = input.Fitted is null ? null : new DomainCpuNuma([.. input.Fitted.Cells.Select((c, i) =>
                new DomainCpuNumaCell(i, c.AllCpus.ToString(), Num(c.MemoryMiB * 1024)) { MemAccess = shared })]),
        };
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
