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
/// Boots of this run between prediction and inspection, by candidate host. Predictions are made
/// one at a time and each boot enters right after its own, so a prediction sees every boot that
/// may land before it (a host with one is busy: the prediction is not determinate). A boot that
/// enters a host where another is in flight disturbs it too: that one's determinate prediction was
/// made on a state the newcomer may change first, so it is no longer judged.
/// </summary>
public sealed class InFlightBoots
{
    private readonly Lock gate = new();
    private readonly SemaphoreSlim predicting = new(1, 1);
    private readonly List<Flight> flights = [];

    public bool Busy(string host)
    {
        lock (gate) return flights.Any(f => f.Hosts.Contains(host));
    }

    /// <summary>Predicts (alone), then enters the boot on the prediction's candidate hosts when it claims NUMA resources.</summary>
    public async Task<(T Prediction, Flight Flight)> PredictAsync<T>(Func<Func<string, bool>, Task<T>> predict, Func<T, (IEnumerable<string> Hosts, bool ClaimsNuma)> hosts, CancellationToken ct)
    {
        await predicting.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var prediction = await predict(Busy).ConfigureAwait(false);
            var (candidates, claims) = hosts(prediction);
            return (prediction, Enter(candidates, claims));
        }
        finally
        {
            predicting.Release();
        }
    }

    public Flight Enter(IEnumerable<string> hosts, bool claimsNuma)
    {
        var flight = new Flight(this, claimsNuma ? [.. hosts] : []);
        lock (gate)
        {
            foreach (var other in flights.Where(f => f.Hosts.Overlaps(flight.Hosts)))
            {
                other.Disturbed = true;
                flight.Disturbed = true;
            }
            flights.Add(flight);
        }
        return flight;
    }

    private void Leave(Flight flight)
    {
        lock (gate) flights.Remove(flight);
    }

    /// <summary>One boot in flight; <see cref="Disturbed"/> once another boot of the run entered one of its hosts.</summary>
    public sealed class Flight : IDisposable
    {
        private readonly InFlightBoots owner;
        private int done;

        internal Flight(InFlightBoots owner, HashSet<string> hosts) => (this.owner, Hosts) = (owner, hosts);

        internal HashSet<string> Hosts { get; }

        public bool Disturbed { get; internal set; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) owner.Leave(this);
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
