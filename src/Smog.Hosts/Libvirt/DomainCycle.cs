namespace Smog.Hosts.Libvirt;

/// <summary>How long to wait for a guest to power off after an ACPI shutdown, and whether to destroy it then.</summary>
public sealed record ShutdownPolicy(TimeSpan Timeout, bool Force)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);
}

/// <summary>
/// Stops and starts a domain the careful way: <c>virsh shutdown</c> (ACPI), poll until it is shut
/// off; when the guest does not stop in time, a clear error — a forced <c>virsh destroy</c> only
/// with <see cref="ShutdownPolicy.Force"/>.
/// </summary>
public sealed class DomainCycle(Virsh virsh, TimeProvider? clock = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Returns true when the domain was running (so it should be started again).</summary>
    public async Task<bool> StopAsync(string domain, ShutdownPolicy policy, Action<string> say, CancellationToken ct)
    {
        var state = await virsh.StateAsync(domain, ct);
        if (state == "shut off") return false;
        say($"shutting {domain} down (ACPI; up to {policy.Timeout.TotalSeconds:0} s)");
        await virsh.ShutdownAsync(domain, ct);
        var start = _clock.GetTimestamp();
        while (_clock.GetElapsedTime(start) < policy.Timeout)
        {
            await Task.Delay(Poll, _clock, ct);
            if (await virsh.StateAsync(domain, ct) == "shut off") return true;
        }
        if (!policy.Force)
            throw new ShutdownTimeoutException($"{virsh.Host.HostName}: domain '{domain}' did not shut down within {policy.Timeout.TotalSeconds:0} s (the guest ignored ACPI shutdown); nothing was changed — give --force to destroy it, or a longer --shutdown-timeout");
        say($"{domain} ignored the shutdown for {policy.Timeout.TotalSeconds:0} s: destroying it (--force)");
        await virsh.DestroyAsync(domain, ct);
        return true;
    }
}

/// <summary>A guest ignored the graceful shutdown for the whole timeout; nothing was changed.</summary>
public sealed class ShutdownTimeoutException(string message) : Exception(message);
