using System.Collections.Immutable;
using Smog.Nova;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Tests.Nova;

/// <summary>The named hosts and requests of nova-26-numa-semantics.md §6.2, built the way the oracle builds them.</summary>
internal static class FittingTestHosts
{
    /// <summary>Oracle shorthand numbering: cpu = thread·(N·C) + node·C + core.</summary>
    public static NovaHost Shorthand(int nodes, int cores, int threads, long memoryMiB = 32768,
        long hugePages2M = 0, long hugePages1G = 0, bool dbRoundTrip = true) =>
        NovaHostBuilder.Build(Cells(nodes, cores, threads, memoryMiB, hugePages2M, hugePages1G), dbRoundTrip);

    public static IEnumerable<HostCellSpec> Cells(int nodes, int cores, int threads, long memoryMiB = 32768,
        long hugePages2M = 0, long hugePages1G = 0) =>
        Enumerable.Range(0, nodes).Select(node =>
        {
            var siblings = Enumerable.Range(0, cores)
                .Select(core => Enumerable.Range(0, threads).Select(t => t * nodes * cores + node * cores + core).ToImmutableArray())
                .ToImmutableArray();
            var huge = new List<(long, long)>();
            if (hugePages2M > 0) huge.Add((2048, hugePages2M));
            if (hugePages1G > 0) huge.Add((1048576, hugePages1G));
            return new HostCellSpec
            {
                Id = node,
                Cpus = CpuSet.Of(siblings.SelectMany(s => s)),
                Siblings = siblings,
                MemoryMiB = memoryMiB,
                HugePages = [.. huge],
            };
        });

    /// <summary>H4: 4 nodes × 8 cores, no SMT, 32 GiB per node, legacy configuration.</summary>
    public static NovaHost H4 => Shorthand(4, 8, 1);

    /// <summary>H2T: 2 nodes × 8 cores × 2 threads, siblings c and c+16.</summary>
    public static NovaHost H2T => Shorthand(2, 8, 2);

    /// <summary>HP: 2 nodes × 8 cores, 16 GiB per node, 2048 × 2 MiB pages and a 1 GiB size with no pages.</summary>
    public static NovaHost HP => NovaHostBuilder.Build(Cells(2, 8, 1, 16384).Select(c => c with
    {
        Pages = [new MemPages(4, (16384L * 1024 - 2048 * 2048) / 4), new MemPages(2048, 2048), new MemPages(1048576, 0)],
    }));

    /// <summary>numa_get_constraints' automatic split: guest cell i gets vCPUs [i·v/n, (i+1)·v/n) and RAM/n.</summary>
    public static RequestedTopology Request(int vcpus, long memoryMiB, int nodes = 1, CpuPolicy? policy = null,
        CpuThreadPolicy? threads = null, PageSizeRequest? pageSize = null, EmulatorThreadsPolicy? emulator = null,
        CpuSet? pinnedVcpus = null)
    {
        var pinned = pinnedVcpus ?? (policy == CpuPolicy.Dedicated ? CpuSet.Range(0, vcpus - 1) : CpuSet.Empty);
        return new RequestedTopology(
            [.. Enumerable.Range(0, nodes).Select(i =>
            {
                var all = CpuSet.Range(i * vcpus / nodes, (i + 1) * vcpus / nodes - 1);
                return new RequestedCell
                {
                    Id = i,
                    Cpus = all - pinned,
                    Pcpus = all & pinned,
                    MemoryMiB = memoryMiB / nodes,
                    PageSize = pageSize,
                    CpuPolicy = policy,
                    ThreadPolicy = threads,
                };
            })],
            emulator);
    }

    public static ImmutableSortedDictionary<int, int> Pins(params int[] pcpuPerVcpu) =>
        pcpuPerVcpu.Select((p, v) => (v, p)).ToImmutableSortedDictionary(x => x.v, x => x.p);

    public static ImmutableSortedDictionary<int, int> PinsFrom(int firstVcpu, params int[] pcpuPerVcpu) =>
        pcpuPerVcpu.Select((p, v) => (v: v + firstVcpu, p)).ToImmutableSortedDictionary(x => x.v, x => x.p);
}
