namespace Smog.OpenStack.Http;

/// <summary>
/// How long to wait and how often to poll: first after <see cref="FirstInterval"/>, then after as long
/// as the wait has lasted (a doubling back-off) up to every <see cref="Interval"/>, slowing to
/// <see cref="SlowInterval"/> after <see cref="SlowAfter"/> (openstack-client.md §7 Smog defaults).
/// A fast cloud answers at the first short poll; a slow one is asked no more often than before
/// once the first <see cref="Interval"/> has passed (a handful of extra polls in all).
/// </summary>
public sealed record WaitOptions(TimeSpan Timeout, TimeSpan Interval, TimeSpan SlowInterval, TimeSpan SlowAfter)
{
    public static readonly WaitOptions Build = new(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
    public static readonly WaitOptions Delete = Build with { Timeout = TimeSpan.FromSeconds(120) };
    public static readonly WaitOptions ImageUpload = Build with { Timeout = TimeSpan.FromSeconds(600) };

    /// <summary>The first pause; later pauses double (they equal the time waited so far) until they reach <see cref="Interval"/>.</summary>
    public TimeSpan FirstInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The pause before the next poll, never past the deadline.</summary>
    public TimeSpan NextDelay(TimeSpan elapsed)
    {
        var ramp = elapsed < FirstInterval ? FirstInterval : elapsed;
        var step = elapsed < SlowAfter ? (ramp < Interval ? ramp : Interval) : SlowInterval;
        var left = Timeout - elapsed;
        return left < step ? (left < TimeSpan.Zero ? TimeSpan.Zero : left) : step;
    }
}

/// <summary>A wait ran out of time: names what was awaited, the state last seen and the time spent.</summary>
public sealed class WaitTimeoutException(string resource, string target, string current, TimeSpan elapsed)
    : OpenStackClientException($"{resource}: still {current} after {elapsed.TotalSeconds:0} s waiting for {target}")
{
    public string Resource { get; } = resource;
    public string Target { get; } = target;
    public string Current { get; } = current;
    public TimeSpan Elapsed { get; } = elapsed;
}

/// <summary>A wait ended in a state that cannot become the target (ERROR, killed, vanished).</summary>
public class WaitFailedException(string message) : OpenStackClientException(message);
