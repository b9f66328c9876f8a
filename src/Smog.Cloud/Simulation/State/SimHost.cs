using System.Collections.Immutable;
using Smog.Cloud.Lab;
using Smog.Nova.Pci;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Cloud.Simulation.State;

/// <summary>
/// One simulated compute host's mutable state, guarded by the simulation's lock: the engine's
/// <see cref="ComputeNode"/> with its NUMA usage, the resource tracker's counters (what the
/// weighers and hypervisor API read), placement's inventories, usages and allocations, the PCI
/// devices and the service. <see cref="Version"/> changes with every change, so filter verdicts
/// cached against it stay exact.
/// </summary>
internal sealed class SimHost
{
    public SimHost(LabHost lab, int index, ComputeNode node, Func<string> newUuid, DateTimeOffset now)
    {
        Lab = lab;
        Index = index;
        Node = node;
        Service = new ComputeServiceRecord { Id = newUuid(), Host = lab.Name, UpdatedAt = now };
        ProviderUuid = newUuid();
        HypervisorId = newUuid();
        HostIp = $"192.0.2.{index % 250 + 1}";
        Passthrough = PciModel.Passthrough(lab.Topology, lab.Conf);
        Inventories = InventoryOf(lab);
        for (var i = 0; i < ResourceClasses.Length; i++)
            if (Inventories.TryGetValue(ResourceClasses[i], out var inventory)) (Capacity[i], MaxUnit[i]) = (inventory.Capacity, inventory.MaxUnit);
        StaticTraits = TraitsOf(lab.Topology);
        _traitSet = [.. StaticTraits];
        SharedVcpus = lab.Conf.SharedCpus(lab.Topology.AllCpus).Count;
        MemoryMiB = lab.Topology.Cells.Sum(c => c.MemoryMiB ?? 0);
        MemoryMiBUsed = lab.Conf.ReservedHostMemoryMiB;
    }

    public LabHost Lab { get; }
    public string Name => Lab.Name;
    /// <summary>Position in the lab: the scheduler's tie-break among equal weights.</summary>
    public int Index { get; }
    public HostTopology Topology => Lab.Topology;
    public NovaConf Conf => Lab.Conf;
    public ComputeNode Node { get; set; }
    public ComputeServiceRecord Service { get; set; }
    public string ProviderUuid { get; }
    public string HypervisorId { get; }
    public string HostIp { get; }
    public long Version { get; private set; }
    public long ProviderGeneration { get; private set; } = 1;

    // ---- resource tracker ----
    public int SharedVcpus { get; }
    public long MemoryMiB { get; }
    public int VcpusUsed { get; set; }
    public long MemoryMiBUsed { get; set; }
    public long LocalGiBUsed { get; set; }
    public int FailedBuilds { get; set; }
    public HashSet<string> Instances { get; } = new(StringComparer.Ordinal);
    /// <summary>NUMATopologyFilter verdicts per request key id, valid while <see cref="Version"/> is unchanged.</summary>
    public Dictionary<int, (long Version, bool Passes)> NumaVerdicts { get; } = [];

    // ---- PCI ----
    public ImmutableArray<PassthroughDevice> Passthrough { get; }
    /// <summary>Device address → the instance holding it.</summary>
    public Dictionary<string, string> PciInUse { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<PassthroughDevice> FreePci => PciInUse.Count == 0 ? Passthrough : [.. Passthrough.Where(d => !PciInUse.ContainsKey(d.Address))];
    public int FreePciCount => Passthrough.Length - PciInUse.Count;

    // ---- placement ----
    public ImmutableSortedDictionary<string, InventoryRecord> Inventories { get; }

    /// <summary>The resource classes the simulation tracks; the scheduler's arrays are indexed in this order.</summary>
    public static readonly string[] ResourceClasses = ["VCPU", "PCPU", "MEMORY_MB", "DISK_GB"];
    /// <summary>Per resource class: capacity and max_unit (0 without inventory) and usage.</summary>
    public long[] Capacity { get; } = new long[4];
    public long[] MaxUnit { get; } = new long[4];
    public long[] Used { get; } = new long[4];
    private readonly HashSet<string> _traitSet;

    public static int IndexOf(string resourceClass) => Array.IndexOf(ResourceClasses, resourceClass);

    public long UsageOf(string resourceClass) => IndexOf(resourceClass) is var i and >= 0 ? Used[i] : 0;

    public bool HasTrait(string trait) => trait == CompuStatusDisabled ? !Service.Enabled : _traitSet.Contains(trait);
    public SortedDictionary<string, ImmutableSortedDictionary<string, long>> Allocations { get; } = new(StringComparer.Ordinal);
    public ImmutableSortedSet<string> StaticTraits { get; }
    public ImmutableSortedSet<string> Traits => Service.Enabled ? StaticTraits : StaticTraits.Add(CompuStatusDisabled);

    public const string CompuStatusDisabled = "COMPUTE_STATUS_DISABLED";

    /// <summary>Marks a change: cached verdicts for this host are stale.</summary>
    public void Touch(bool provider = false)
    {
        Version++;
        if (provider) ProviderGeneration++;
    }

    /// <summary>Placement's free capacity for a resource class (0 when there is no inventory).</summary>
    public long Free(int resourceClass) => Capacity[resourceClass] - Used[resourceClass];

    public void Allocate(string consumer, ImmutableSortedDictionary<string, long> resources)
    {
        Allocations[consumer] = resources;
        foreach (var (rc, amount) in resources)
            if (IndexOf(rc) is var i and >= 0) Used[i] += amount;
        Touch(provider: true);
    }

    public void Deallocate(string consumer)
    {
        if (!Allocations.Remove(consumer, out var resources)) return;
        foreach (var (rc, amount) in resources)
            if (IndexOf(rc) is var i and >= 0) Used[i] -= amount;
        Touch(provider: true);
    }

    /// <summary>The libvirt driver's inventory (<c>update_provider_tree</c>): VCPU from the shared pool,
    /// PCPU from cpu_dedicated_set only, MEMORY_MB the whole host less reserved_host_memory_mb, DISK_GB.</summary>
    private static ImmutableSortedDictionary<string, InventoryRecord> InventoryOf(LabHost lab)
    {
        var conf = lab.Conf;
        var online = lab.Topology.AllCpus;
        var result = ImmutableSortedDictionary.CreateBuilder<string, InventoryRecord>(StringComparer.Ordinal);
        var memory = lab.Topology.Cells.Sum(c => c.MemoryMiB ?? 0);
        if (memory > 0)
            result["MEMORY_MB"] = new(memory, conf.ReservedHostMemoryMiB, 1, memory, 1, conf.RamAllocationRatio ?? conf.InitialRamAllocationRatio);
        var vcpus = conf.SharedCpus(online).Count;
        if (vcpus > 0) result["VCPU"] = new(vcpus, 0, 1, vcpus, 1, conf.CpuAllocationRatio ?? conf.InitialCpuAllocationRatio);
        var pcpus = conf.CpuDedicatedSet is { } dedicated ? (dedicated & online).Count : 0;
        if (pcpus > 0) result["PCPU"] = new(pcpus, 0, 1, pcpus, 1, 1.0);
        if (lab.DiskGiB > 0)
            result["DISK_GB"] = new(lab.DiskGiB, 0, 1, lab.DiskGiB, 1, conf.DiskAllocationRatio ?? conf.InitialDiskAllocationRatio);
        return result.ToImmutable();
    }

    /// <summary>The libvirt driver's traits for an x86 KVM host: the COMPUTE_* basics, and
    /// HW_CPU_HYPERTHREADING when any core has more than one thread.</summary>
    private static ImmutableSortedSet<string> TraitsOf(HostTopology topology)
    {
        var traits = new[]
        {
            "COMPUTE_NET_ATTACH_INTERFACE", "COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG", "COMPUTE_VOLUME_ATTACH_WITH_TAG",
            "COMPUTE_VOLUME_EXTEND", "COMPUTE_VOLUME_MULTI_ATTACH", "COMPUTE_TRUSTED_CERTS", "COMPUTE_DEVICE_TAGGING",
            "COMPUTE_IMAGE_TYPE_QCOW2", "COMPUTE_IMAGE_TYPE_RAW", "COMPUTE_IMAGE_TYPE_ISO", "COMPUTE_IMAGE_TYPE_AMI",
            "COMPUTE_IMAGE_TYPE_AKI", "COMPUTE_IMAGE_TYPE_ARI", "COMPUTE_NODE", "COMPUTE_RESCUE_BFV", "COMPUTE_ACCELERATORS",
            "COMPUTE_SOCKET_PCI_NUMA_AFFINITY", "COMPUTE_ADDRESS_SPACE_EMULATED", "COMPUTE_ADDRESS_SPACE_PASSTHROUGH",
            "COMPUTE_NET_VIF_MODEL_VIRTIO", "COMPUTE_NET_VIF_MODEL_E1000", "COMPUTE_STORAGE_BUS_VIRTIO", "COMPUTE_STORAGE_BUS_SCSI",
            "COMPUTE_STORAGE_BUS_SATA", "COMPUTE_STORAGE_BUS_USB", "COMPUTE_GRAPHICS_MODEL_VIRTIO", "COMPUTE_GRAPHICS_MODEL_VGA",
            "HW_CPU_X86_SSE", "HW_CPU_X86_SSE2", "HW_CPU_X86_SSE41", "HW_CPU_X86_SSE42", "HW_CPU_X86_AVX", "HW_CPU_X86_AVX2",
        };
        var set = traits.ToImmutableSortedSet(StringComparer.Ordinal);
        return topology.HasSmt ? set.Add("HW_CPU_HYPERTHREADING") : set;
    }
}
