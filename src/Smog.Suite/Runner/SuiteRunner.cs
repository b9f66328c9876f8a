using System.Collections.Immutable;
using System.Diagnostics;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using Smog.Suite.Ledger;
using Smog.Suite.Results;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>The run cannot start or go on for a reason about the target (no image, wrong virt type); exit 1 with this line.</summary>
public sealed class RunAbortedException(string message) : Exception(message);

/// <summary>
/// Runs the selected scenarios against a cloud: discovers it, decides run or skip per
/// scenario, runs the rest with bounded parallelism inside a capacity gate (exclusive
/// scenarios alone), releases each scenario's resources when it ends, and sweeps whatever the
/// ledger still names at the end, also after Ctrl-C.
/// </summary>
public sealed class SuiteRunner(SuiteClients clients, HostAccessPool access, RunLedger ledger, SuiteOptions options, IRunProgress? progress = null, TimeProvider? time = null)
{
    private readonly IRunProgress progress = progress ?? NoProgress.Instance;
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<RunReport> RunAsync(IReadOnlyList<Scenario> scenarios, RunTarget target, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var cloud = await CloudDiscovery.DiscoverAsync(clients.AdminNova, clients.Placement, access, ct).ConfigureAwait(false);
        progress.Discovered(cloud);
        CheckVirtType(cloud);
        var imageId = await ImageAsync(ct).ConfigureAwait(false);
        var resources = new ResourceTracker(clients, ledger, options.Timeouts);
        var run = new RunContext(ledger.Run, clients, cloud, options, imageId, resources, new Predictor(clients, cloud, access),
            new GuestInspector(clients, cloud, access), new InFlightBoots(), access, progress);

        var results = new ScenarioResult?[scenarios.Count];
        var gate = new CapacityGate(
            cloud.UpHosts.Sum(h => h.Capacity("PCPU")?.Free ?? 0),
            cloud.UpHosts.Sum(h => h.Topology?.Cells.Sum(c => c.Pages.Where(p => p.SizeKiB > 4).Sum(p => (p.Free ?? p.Total) * p.SizeKiB / 1024)) ?? 0));
        using var slots = new SemaphoreSlim(Parallelism(cloud));
        var running = new List<Task>();
        for (var i = 0; i < scenarios.Count; i++)
        {
            var scenario = scenarios[i];
            if (ScenarioSelector.Decide(scenario.Needs, cloud) is { } skip)
            {
                results[i] = Skipped(scenario, skip);
                progress.Finished(results[i]!);
                continue;
            }
            try
            {
                await slots.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var index = i;
            running.Add(Task.Run(async () =>
            {
                try
                {
                    results[index] = await RunOneAsync(run, scenario, gate, ct).ConfigureAwait(false);
                    progress.Finished(results[index]!);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running).ConfigureAwait(false);

        var interrupted = ct.IsCancellationRequested;
        for (var i = 0; i < results.Length; i++)
        {
            results[i] ??= Skipped(scenarios[i], new SkipReason("interrupted", "the run was interrupted before this scenario started"));
        }
        progress.CleaningUp();
        using var sweepTime = new CancellationTokenSource(options.Timeouts.Delete * 3);
        var sweep = await resources.ReleaseAllAsync(sweepTime.Token).ConfigureAwait(false);
        return new RunReport
        {
            RunId = ledger.Run.Value,
            StartedAt = started,
            FinishedAt = clock.GetUtcNow(),
            Target = target with { ComputeMicroversion = clients.AdminNova.Microversion.ToString() },
            Scenarios = [.. results.Select(r => r!)],
            Hosts = [.. cloud.Hosts.Select(h => h.ToSnapshot())],
            Cleanup = new CleanupSummary(resources.Created, resources.Deleted, [.. resources.Live.Select(l => l.ToString()).Concat(sweep.Failures).Distinct()]),
            Interrupted = interrupted,
        };
    }

    private int Parallelism(CloudState cloud) => options.Parallel ?? Math.Clamp(2 * cloud.UpHosts.Length, 1, 8);

    private async Task<ScenarioResult> RunOneAsync(RunContext run, Scenario scenario, CapacityGate gate, CancellationToken ct)
    {
        var context = new ScenarioContext(run, scenario.Id);
        var watch = Stopwatch.StartNew();
        string? error = null;
        var verdict = Verdict.Passed;
        IDisposable lease;
        try
        {
            lease = await gate.AcquireAsync(scenario.Pcpus, scenario.HugeMiB, scenario.Exclusive, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Skipped(scenario, new SkipReason("interrupted", "the run was interrupted before this scenario started"));
        }
        // The lease holds the capacity until the scenario's resources are deleted, not just until its body ends.
        using var held = lease;
        try
        {
            watch.Restart();
            progress.Started(scenario.Id);
            await scenario.Body(context, ct).ConfigureAwait(false);
        }
        catch (ScenarioStopped)
        {
            verdict = Verdict.Failed;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            (verdict, error) = (Verdict.Errored, "interrupted");
        }
        catch (Exception e) when (e is ScenarioError or OpenStackClientException or OpenStackApiException or OpenStackResponseException or HttpRequestException
            or Smog.Hosts.HostAccessException or IOException or TimeoutException)
        {
            (verdict, error) = (Verdict.Errored, e.Message.ReplaceLineEndings(" "));
        }
        finally
        {
            using var release = new CancellationTokenSource(options.Timeouts.Delete * 2);
            try
            {
                var outcome = await run.Resources.ReleaseOwnerAsync(scenario.Id, release.Token).ConfigureAwait(false);
                foreach (var failure in outcome.Failures) context.NotCheckable($"cleanup: {failure}");
            }
            catch (OperationCanceledException)
            {
                context.NotCheckable("cleanup: timed out; the end-of-run sweep retries");
            }
        }
        var findings = context.Findings;
        if (verdict == Verdict.Passed && findings.Any(f => f.Severity == FindingSeverity.Error)) verdict = Verdict.Failed;
        return new ScenarioResult
        {
            Id = scenario.Id,
            Purpose = scenario.Purpose,
            Verdict = verdict,
            Needs = scenario.Needs,
            Duration = watch.Elapsed,
            Guests = context.Guests,
            Findings = findings,
            NotChecked = context.NotChecked,
            Steps = context.Steps,
            Error = error,
        };
    }

    private static ScenarioResult Skipped(Scenario scenario, SkipReason skip) => new()
    {
        Id = scenario.Id,
        Purpose = scenario.Purpose,
        Verdict = Verdict.Skipped,
        Skip = skip,
        Needs = scenario.Needs,
    };

    private void CheckVirtType(CloudState cloud)
    {
        if (options.ExpectedVirtType is not { } expected) return;
        foreach (var host in cloud.Hosts.Where(h => h.Conf is not null))
        {
            if (!string.Equals(host.Conf!.VirtType, expected, StringComparison.OrdinalIgnoreCase))
                throw new RunAbortedException($"{host.Name}: nova.conf [libvirt] virt_type is {host.Conf.VirtType}, the run config expects {expected}");
        }
    }

    /// <summary>The configured image (name or id), else the smallest active public image, as the boot cloud sees them.</summary>
    private async Task<string> ImageAsync(CancellationToken ct)
    {
        var images = await clients.Boot.ImagesAsync(ct).ConfigureAwait(false);
        if (options.Image is { } wanted)
        {
            var named = await images.FindByNameAsync(wanted, ct).ConfigureAwait(false);
            if (named is not null) return named.Id;
            try
            {
                return (await images.ShowAsync(wanted, ct).ConfigureAwait(false)).Id;
            }
            catch (OpenStackApiException)
            {
                throw new RunAbortedException($"image '{wanted}' not found as {clients.Boot.Config.Name}");
            }
        }
        var all = await images.ListActiveAsync(ct).ConfigureAwait(false);
        return all.Where(i => i.Status == "active").OrderBy(i => i.Size ?? long.MaxValue).ThenBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault()?.Id
            ?? throw new RunAbortedException("the cloud has no active image to boot; give one with image: in --config");
    }
}
