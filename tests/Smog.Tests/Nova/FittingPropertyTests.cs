using CsCheck;
using Smog.Nova;
using Smog.Nova.Accounting;
using Smog.Nova.Fitting;
using Smog.Nova.Host;
using Smog.Topology;

namespace Smog.Tests.Nova;

/// <summary>Laws every placement must obey, over random hosts (partly pinned) and random pinned requests.</summary>
public sealed class FittingPropertyTests
{
    private sealed record Scenario(NovaHost Host, RequestedTopology Request)
    {
        public override string ToString() =>
            $"{Host.Cells.Length} cells × {Host.Cells[0].Siblings.Length} cores, pinned [{string.Join(" | ", Host.Cells.Select(c => c.PinnedCpus))}]; "
            + $"{Request.Cells.Length} guest cells of {Request.Cells[0].Pcpus.Count} pCPUs, {Request.Cells[0].CpuPolicy}/{Request.Cells[0].ThreadPolicy}, emulator {Request.EmulatorThreads}";
    }

    private static readonly Gen<Scenario> Scenarios =
        from nodes in Gen.Int[1, 4]
        from cores in Gen.Int[1, 6]
        from threads in Gen.Int[1, 2]
        from pinnedMasks in Gen.Long[0, (1L << 12) - 1].Array[nodes]
        from guestCells in Gen.Int[1, nodes]
        from perCell in Gen.Int[1, 4]
        from mixed in Gen.Bool
        from threadPolicy in Gen.Int[0, 3].Select(i => i == 0 ? null : (CpuThreadPolicy?)(i - 1))
        from isolateEmulator in Gen.Bool
        select Build(nodes, cores, threads, pinnedMasks, guestCells, perCell, mixed, threadPolicy, isolateEmulator);

    private static Scenario Build(int nodes, int cores, int threads, long[] pinnedMasks, int guestCells, int perCell,
        bool mixed, CpuThreadPolicy? threadPolicy, bool isolateEmulator)
    {
        var specs = FittingTestHosts.Cells(nodes, cores, threads).Select(c => c with
        {
            PinnedCpus = CpuSet.Of(c.Cpus.Where((cpu, i) => (pinnedMasks[c.Id] >> i & 1) == 1)),
        });
        var host = NovaHostBuilder.Build(specs);
        // mixed: one floating vCPU per guest cell in front of the pinned ones
        var width = perCell + (mixed ? 1 : 0);
        var cells = Enumerable.Range(0, guestCells).Select(i => new RequestedCell
        {
            Id = i,
            Cpus = mixed ? CpuSet.Of(i * width) : CpuSet.Empty,
            Pcpus = CpuSet.Range(i * width + (mixed ? 1 : 0), (i + 1) * width - 1),
            MemoryMiB = 512,
            CpuPolicy = mixed ? CpuPolicy.Mixed : CpuPolicy.Dedicated,
            ThreadPolicy = mixed ? null : threadPolicy,
        });
        return new Scenario(host, new RequestedTopology([.. cells], isolateEmulator && !mixed ? EmulatorThreadsPolicy.Isolate : null));
    }

    private static IEnumerable<(FittedCell Guest, NovaHostCell Host)> Placements(Scenario s, FittedTopology fitted) =>
        fitted.Cells.Select(g => (g, s.Host.Cell(g.HostCell)!));

    [Fact]
    public void No_pcpu_is_used_twice() =>
        Scenarios.Sample(s =>
        {
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return;
            var used = fitted.Cells.SelectMany(c => c.CpuPinning.Values.Concat(c.CpusetReserved)).ToList();
            Assert.Equal(used.Count, used.Distinct().Count());
            Assert.Equal(fitted.Cells.Length, fitted.Cells.Select(c => c.HostCell).Distinct().Count());
        });

    [Fact]
    public void Every_pinned_vcpu_lands_on_a_free_pcpu_of_its_host_cell() =>
        Scenarios.Sample(s =>
        {
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                Assert.Equal(guest.Pcpus, CpuSet.Of(guest.CpuPinning.Keys));
                Assert.True((guest.PinnedHostCpus | guest.CpusetReserved).IsSubsetOf(host.FreePcpus), $"{guest.HostCell}: {guest.PinnedHostCpus}");
            }
        });

    [Fact]
    public void Isolate_uses_one_thread_of_otherwise_free_cores() =>
        Scenarios.Sample(s =>
        {
            if (s.Request.Cells[0].ThreadPolicy != CpuThreadPolicy.Isolate) return;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                var cores = guest.CpuPinning.Values.Select(p => host.CoreOf(p)).ToList();
                Assert.All(cores, core => Assert.True(core.All(host.FreePcpus.Contains), $"core {string.Join(",", core)} was not free"));
                Assert.Equal(cores.Count, cores.Select(c => c.Min()).Distinct().Count());
            }
        });

    [Fact]
    public void Require_places_vcpus_on_cores_with_siblings() =>
        Scenarios.Sample(s =>
        {
            if (s.Request.Cells[0].ThreadPolicy != CpuThreadPolicy.Require) return;
            var fitted = NumaFitter.Fit(s.Host, s.Request).Topology;
            if (!s.Host.HasThreads) Assert.Null(fitted);
            if (fitted is null) return;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                var perCore = guest.CpuPinning.Values.GroupBy(p => host.CoreOf(p).Min()).Select(g => g.Count()).ToList();
                Assert.True(perCore.Count(n => n == 1) <= 1, "require pins sibling pairs; only an odd vCPU may sit alone");
            }
        });

    /// <remarks>
    /// Not a law for isolate + emulator isolate: the reserved pCPU may come from a partly used
    /// core and the claim then pins its whole core (see FittingAccountingTests).
    /// </remarks>
    [Fact]
    public void A_fitted_instance_can_be_claimed_and_released() =>
        Scenarios.Sample(s =>
        {
            if (s.Request.Cells[0].ThreadPolicy == CpuThreadPolicy.Isolate && s.Request.EmulatorThreads == EmulatorThreadsPolicy.Isolate) return;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return;
            var claimed = HostUsage.Claim(s.Host, fitted);
            Assert.True(claimed.Succeeded, claimed.Error?.ToString());
            Assert.Equal(s.Host, HostUsage.Release(claimed.Host!, fitted).Host);
        });

    [Fact]
    public void A_second_instance_avoids_the_pcpus_the_first_one_claimed() =>
        Scenarios.Sample(s =>
        {
            if (s.Request.Cells[0].ThreadPolicy == CpuThreadPolicy.Isolate && s.Request.EmulatorThreads == EmulatorThreadsPolicy.Isolate) return;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } first) return;
            var host = HostUsage.Claim(s.Host, first).Host!;
            if (NumaFitter.Fit(host, s.Request).Topology is not { } second) return;
            var taken = first.Cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.PinnedHostCpus | c.CpusetReserved);
            foreach (var cell in second.Cells)
                Assert.False((cell.PinnedHostCpus | cell.CpusetReserved).Overlaps(taken), $"reused {(cell.PinnedHostCpus | cell.CpusetReserved) & taken}");
        });
}
