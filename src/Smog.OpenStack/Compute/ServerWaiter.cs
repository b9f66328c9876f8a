using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Compute;

/// <summary>
/// The server went to ERROR: carries the server and Nova's fault (e.g. "No valid host was
/// found"), and names the request of the answer that showed it.
/// </summary>
public sealed class ServerFaultedException(NovaServer server, string target)
    : WaitFailedException($"server {server.Id} ({server.Name}) went to {server.Status} while waiting for {target}: "
        + (server.Fault is { } f ? $"fault {f.Code}: {f.Message}" : "no fault recorded")
        + (server.RequestId is { } id ? $" (request {id})" : ""))
{
    public NovaServer Server { get; } = server;
    public NovaFault? Fault => Server.Fault;
}

/// <summary>
/// Polls a server until it reaches a status (Tempest's wait_for_server_status, openstack-client.md §7): logs
/// status/task_state transitions, fails at once on ERROR with the server's fault, counts 404
/// as done when waiting for deletion (and as "vanished" otherwise), keeps polling through
/// transient 5xx and connection errors, and times out naming target, current state and elapsed time.
/// </summary>
public sealed class ServerWaiter(ServersClient servers, TimeProvider time, ILogger? logger = null)
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public async Task<NovaServer> WaitForStatusAsync(string serverId, string target, WaitOptions? options, CancellationToken ct)
    {
        var result = await PollAsync(serverId, target, deleting: false, options ?? WaitOptions.Build, ct).ConfigureAwait(false);
        return result!;
    }

    /// <summary>Done on 404, or DELETED/SOFT_DELETED (deferred delete).</summary>
    public Task WaitForDeletionAsync(string serverId, WaitOptions? options, CancellationToken ct) =>
        PollAsync(serverId, "deletion", deleting: true, options ?? WaitOptions.Delete, ct);

    private async Task<NovaServer?> PollAsync(string serverId, string target, bool deleting, WaitOptions options, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var current = "unknown";
        while (true)
        {
            var server = await TryShowAsync(serverId, deleting, ct).ConfigureAwait(false);
            if (server is { } s)
            {
                var state = Describe(s);
                if (state != current) log.LogInformation("server {Id}: {From} → {To}", serverId, current, state);
                current = state;
                if (deleting ? IsDeleted(s) : s.Status == target) return s;
                if (s.Status == "ERROR" && (!deleting || FailedDelete(s, startedAt))) throw new ServerFaultedException(s, target);
            }
            else if (deleting && current != "transient error")
            {
                log.LogInformation("server {Id}: gone", serverId);
                return null;
            }

            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= options.Timeout) throw new WaitTimeoutException($"server {serverId}", target, current, elapsed);
            await Task.Delay(options.NextDelay(elapsed), time, ct).ConfigureAwait(false);
        }

        async Task<NovaServer?> TryShowAsync(string id, bool deletion, CancellationToken token)
        {
            try
            {
                return await servers.ShowAsync(id, token).ConfigureAwait(false);
            }
            catch (OpenStackNotFoundException e)
            {
                if (!deletion) throw new WaitFailedException($"server {id} vanished while waiting for {target} (request {e.RequestId})");
                current = "deleted";
                return null;
            }
            catch (Exception e) when (IsTransient(e))
            {
                log.LogInformation("server {Id}: transient error while polling: {Error}", id, e.Message);
                current = "transient error";
                return null;
            }
        }
    }

    private static bool IsTransient(Exception e) =>
        e is HttpRequestException or TimeoutException || (e is OpenStackApiException api && api.Status >= 500);

    private static bool IsDeleted(NovaServer s) => s.Status is "DELETED" or "SOFT_DELETED";

    /// <summary>ERROR with no task after our delete and a fault newer than the wait: the delete itself failed.</summary>
    private static bool FailedDelete(NovaServer s, DateTimeOffset waitStarted) =>
        s.TaskState is null && s.Fault?.Created is { } created && created >= waitStarted;

    private static string Describe(NovaServer s) => s.TaskState is { } task ? $"{s.Status}/{task}" : s.Status;
}
