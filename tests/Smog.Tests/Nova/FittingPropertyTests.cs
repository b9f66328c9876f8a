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
    // Over half the random requests do not fit, and a law checks only what fits, so each law
    // states the fitted samples it must check (typical counts, measured: any fit ~470 of 1,000,
    // a second fit ~260 of 1,000, isolate ~100 and require ~240 of 2,500).
    private const int Samples = 1000, PolicySamples = 2500;
    private const int MinimumFitted = 300, MinimumSecondFit = 150, MinimumIsolate = 50, MinimumRequire = 120;

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
        Property.Check(Scenarios, s =>
        {
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return null;
            var used = fitted.Cells.SelectMany(c => c.CpuPinning.Values.Concat(c.CpusetReserved)).ToList();
            Assert.Equal(used.Count, used.Distinct().Count());
            Assert.Equal(fitted.Cells.Length, fitted.Cells.Select(c => c.HostCell).Distinct().Count());
            return true;
        }, minimum: MinimumFitted, iter: Samples);

    [Fact]
    public void Every_pinned_vcpu_lands_on_a_free_pcpu_of_its_host_cell() =>
        Property.Check(Scenarios, s =>
        {
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return null;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                Assert.Equal(guest.Pcpus, CpuSet.Of(guest.CpuPinning.Keys));
                Assert.True((guest.PinnedHostCpus | guest.CpusetReserved).IsSubsetOf(host.FreePcpus), $"{guest.HostCell}: {guest.PinnedHostCpus}");
            }
            return true;
        }, minimum: MinimumFitted, iter: Samples);

    [Fact]
    public void Isolate_uses_one_thread_of_otherwise_free_cores() =>
        Property.Check(Scenarios, s =>
        {
            if (s.Request.Cells[0].ThreadPolicy != CpuThreadPolicy.Isolate) return null;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return null;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                var cores = guest.CpuPinning.Values.Select(p => host.CoreOf(p)).ToList();
                Assert.All(cores, core => Assert.True(core.All(host.FreePcpus.Contains), $"core {string.Join(",", core)} was not free"));
                Assert.Equal(cores.Count, cores.Select(c => c.Min()).Distinct().Count());
            }
            return true;
        }, minimum: MinimumIsolate, iter: PolicySamples);

    [Fact]
    public void Require_places_vcpus_on_cores_with_siblings() =>
        Property.Check(Scenarios, s =>
        {
            if (s.Request.Cells[0].ThreadPolicy != CpuThreadPolicy.Require) return null;
            var fitted = NumaFitter.Fit(s.Host, s.Request).Topology;
            if (!s.Host.HasThreads)
            {
                Assert.Null(fitted);
                return true;
            }
            if (fitted is null) return null;
            foreach (var (guest, host) in Placements(s, fitted))
            {
                var perCore = guest.CpuPinning.Values.GroupBy(p => host.CoreOf(p).Min()).Select(g => g.Count()).ToList();
                Assert.True(perCore.Count(n => n == 1) <= 1, "require pins sibling pairs; only an odd vCPU may sit alone");
            }
            return true;
        }, minimum: MinimumRequire, iter: PolicySamples);

    /// <remarks>
    /// Not a law for isolate + emulator isolate: the reserved pCPU may come from a partly used
    /// core and the claim then pins its whole core (see FittingAccountingTests).
    /// </remarks>
    [Fact]
    public void A_fitted_instance_can_be_claimed_and_released() =>
        Property.Check(Scenarios, s =>
        {
            if (s.Request.Cells[0].ThreadPolicy == CpuThreadPolicy.Isolate && s.Request.EmulatorThreads == EmulatorThreadsPolicy.Isolate) return null;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } fitted) return null;
            var claimed = HostUsage.Claim(s.Host, fitted);
            Assert.True(claimed.Succeeded, claimed.Error?.ToString());
            Assert.Equal(s.Host, HostUsage.Release(claimed.Host!, fitted).Host);
            return true;
        }, minimum: MinimumFitted, iter: Samples);

    [Fact]
    public void A_second_instance_avoids_the_pcpus_the_first_one_claimed() =>
        Property.Check(Scenarios, s =>
        {
            if (s.Request.Cells[0].ThreadPolicy == CpuThreadPolicy.Isolate && s.Request.EmulatorThreads == EmulatorThreadsPolicy.Isolate) return null;
            if (NumaFitter.Fit(s.Host, s.Request).Topology is not { } first) return null;
            var host = HostUsage.Claim(s.Host, first).Host!;
            if (NumaFitter.Fit(host, s.Request).Topology is not { } second) return null;
            var taken = first.Cells.Aggregate(CpuSet.Empty, (acc, c) => acc | c.PinnedHostCpus | c.CpusetReserved);
            foreach (var cell in second.Cells)
                Assert.False((cell.PinnedHostCpus | cell.CpusetReserved).Overlaps(taken), $"reused {(cell.PinnedHostCpus | cell.CpusetReserved) & taken}");
            return true;
        }, minimum: MinimumSecondFit, iter: Samples);
}
