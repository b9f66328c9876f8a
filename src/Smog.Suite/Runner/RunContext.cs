using Smog.Suite.Ledger;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>What every scenario of one run shares: clouds, discovered state, ledger-backed resources, engine and inspector.</summary>
internal sealed record RunContext(
    RunId Run,
    SuiteClients Clients,
    CloudState Cloud,
    SuiteOptions Options,
    string ImageId,
    ResourceTracker Resources,
    Predictor Predictor,
    GuestInspector Inspector,
    InFlightBoots InFlight,
    HostAccessPool Access,
    IRunProgress Progress);

/// <summary>
/// Boots of this run between prediction and inspection, by candidate host: a prediction is
/// determinate only when no other NUMA-claiming boot of the run may land on the same host.
/// </summary>
public sealed class InFlightBoots
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> numa = new(StringComparer.Ordinal);

    public bool Busy(string host)
    {
        lock (gate) return numa.GetValueOrDefault(host) > 0;
    }

    public IDisposable Enter(IEnumerable<string> hosts, bool claimsNuma)
    {
        var list = claimsNuma ? hosts.ToList() : [];
        lock (gate)
        {
            foreach (var h in list) numa[h] = numa.GetValueOrDefault(h) + 1;
        }
        return new Exit(() =>
        {
            lock (gate)
            {
                foreach (var h in list) numa[h]--;
            }
        });
    }

    private sealed class Exit(Action leave) : IDisposable
    {
        private int done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) leave();
        }
    }
}

/// <summary>
/// Starts scenarios only while the dedicated CPUs and huge-page memory they may hold fit in
/// what is free; an exclusive scenario waits for the cloud to itself. A scenario asking more
/// than there is runs alone (it is sized to find the limit).
/// </summary>
public sealed class CapacityGate(long pcpus, long hugeMiB)
{
    private readonly Lock gate = new();
    private readonly List<TaskCompletionSource> waiters = [];
    private long usedPcpus;
    private long usedHuge;
    private int running;
    private bool exclusive;

    public async Task<IDisposable> AcquireAsync(int wantPcpus, long wantHuge, bool wantExclusive, CancellationToken ct)
    {
        while (true)
        {
            TaskCompletionSource wait;
            lock (gate)
            {
                var alone = wantExclusive || wantPcpus > pcpus || wantHuge > hugeMiB;
                var fits = !exclusive && (alone ? running == 0 : usedPcpus + wantPcpus <= pcpus && usedHuge + wantHuge <= hugeMiB);
                if (fits)
                {
                    running++;
                    exclusive = alone;
                    usedPcpus += wantPcpus;
                    usedHuge += wantHuge;
                    return new Release(this, wantPcpus, wantHuge);
                }
                wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add(wait);
            }
            await wait.Task.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private void Leave(int p, long h)
    {
        List<TaskCompletionSource> wake;
        lock (gate)
        {
            running--;
            exclusive = false;
            usedPcpus -= p;
            usedHuge -= h;
            wake = [.. waiters];
            waiters.Clear();
        }
        foreach (var w in wake) w.TrySetResult();
    }

    private sealed class Release(CapacityGate owner, int p, long h) : IDisposable
    {
        private int done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) owner.Leave(p, h);
        }
    }
}
