using System.Collections.Immutable;
using System.Globalization;
using Smog.Nova;
using Smog.Nova.Specs;
using Smog.Topology;

namespace Smog.Suite.Builders;

/// <summary>
/// A flavor a scenario asks for, built by chaining (the typed successor of the original tool's
/// <c>create_flavor</c>/<c>create_numa_topo_extra_specs</c>/<c>create_vcpu_pin_flavor</c>). Immutable:
/// every <c>With…</c> returns a new spec. <see cref="Lint"/> runs the Nova engine's linter before
/// any API call sees it.
/// </summary>
public sealed record FlavorSpec
{
    private FlavorSpec(int ramMiB, int vcpus, int diskGb) => (RamMiB, Vcpus, DiskGb) = (ramMiB, vcpus, diskGb);

    public int RamMiB { get; }
    public int Vcpus { get; }
    public int DiskGb { get; }
    public ImmutableSortedDictionary<string, string> ExtraSpecs { get; private init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public static FlavorSpec Create(int ramMb, int vcpus, int diskGb = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ramMb, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vcpus, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(diskGb);
        return new FlavorSpec(ramMb, vcpus, diskGb);
    }

    public FlavorSpec WithExtraSpec(string key, string value) => this with { ExtraSpecs = ExtraSpecs.SetItem(key, value) };

    public FlavorSpec WithNumaNodes(int nodes) => WithExtraSpec("hw:numa_nodes", Text(nodes));

    /// <summary>An asymmetric guest cell: <c>hw:numa_cpus.N</c> and <c>hw:numa_mem.N</c>.</summary>
    public FlavorSpec WithNumaCell(int cell, CpuSet cpus, long memMb) =>
        WithExtraSpec($"hw:numa_cpus.{Text(cell)}", cpus.ToString()).WithExtraSpec($"hw:numa_mem.{Text(cell)}", Text(memMb));

    /// <summary>Dedicated CPUs, with a thread policy when given.</summary>
    public FlavorSpec WithPinning(CpuThreadPolicy? threads = null)
    {
        var pinned = WithExtraSpec("hw:cpu_policy", "dedicated");
        return threads is { } t ? pinned.WithExtraSpec("hw:cpu_thread_policy", Word(t)) : pinned;
    }

    public FlavorSpec WithSharedCpus() => WithExtraSpec("hw:cpu_policy", "shared");

    public FlavorSpec WithEmulatorThreads(EmulatorThreadsPolicy policy) => WithExtraSpec("hw:emulator_threads_policy", Word(policy));

    /// <summary>Mixed policy: the vCPUs in <paramref name="dedicatedMask"/> are pinned, the rest float.</summary>
    public FlavorSpec WithMixed(CpuSet dedicatedMask) =>
        WithExtraSpec("hw:cpu_policy", "mixed").WithExtraSpec("hw:cpu_dedicated_mask", dedicatedMask.ToString());

    /// <summary>Realtime vCPUs: <paramref name="mask"/> in Nova's syntax (<c>^0</c> = all but vCPU 0).</summary>
    public FlavorSpec WithRealtime(string mask) => WithExtraSpec("hw:cpu_realtime", "yes").WithExtraSpec("hw:cpu_realtime_mask", mask);

    /// <summary><c>hw:mem_page_size</c>: small, large, any, or a size such as 2MB or 1GB.</summary>
    public FlavorSpec WithPageSize(string size) => WithExtraSpec("hw:mem_page_size", size);

    public FlavorSpec WithCpuTopology(int? sockets = null, int? cores = null, int? threads = null)
    {
        var spec = this;
        if (sockets is { } s) spec = spec.WithExtraSpec("hw:cpu_sockets", Text(s));
        if (cores is { } c) spec = spec.WithExtraSpec("hw:cpu_cores", Text(c));
        if (threads is { } t) spec = spec.WithExtraSpec("hw:cpu_threads", Text(t));
        return spec;
    }

    /// <summary>PCI devices by alias, with the NUMA affinity policy when given.</summary>
    /// <summary>The PCI NUMA affinity policy for every PCI request of the guest (aliases and SR-IOV ports alike).</summary>
    public FlavorSpec WithPciAffinity(string policy) => WithExtraSpec("hw:pci_numa_affinity_policy", policy);

    public FlavorSpec WithPci(string alias, int count, string? affinity = null)
    {
        var spec = WithExtraSpec("pci_passthrough:alias", $"{alias}:{Text(count)}");
        return affinity is null ? spec : spec.WithExtraSpec("hw:pci_numa_affinity_policy", affinity);
    }

    /// <summary>The engine's view of this flavor.</summary>
    public Flavor ToFlavor(string? name = null) => new(Vcpus, RamMiB, ExtraSpecs) { Name = name };

    /// <summary>The linter's findings for this flavor with <paramref name="image"/>, at the microversion the specs are set with.</summary>
    public ImmutableArray<LintFinding> Lint(ImageProperties? image, Microversion microversion) =>
        LintReport.Build(ToFlavor(), image ?? ImageProperties.None, microversion).Findings;

    /// <summary>One line for logs and reports: <c>2 vCPU, 256 MiB, hw:cpu_policy=dedicated</c>.</summary>
    public override string ToString() =>
        $"{Vcpus} vCPU, {RamMiB} MiB" + string.Concat(ExtraSpecs.Select(kv => $", {kv.Key}={kv.Value}"));

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
