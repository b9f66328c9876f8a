using System.Net;
using Microsoft.Extensions.Time.Testing;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Compute;

public class ServerWaiterTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly WaitOptions Fast = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    private const string Path = "/v2.1/servers/s1";

    private static Func<SeenRequest, HttpResponseMessage> State(string status, string? task, string extra = "") =>
        _ => FakeOpenStack.Json(HttpStatusCode.OK,
            "{\"server\": {\"id\": \"s1\", \"name\": \"vm\", \"status\": \"" + status + "\", \"OS-EXT-STS:task_state\": "
            + (task is null ? "null" : "\"" + task + "\"") + extra + "}}");

    private static Func<SeenRequest, HttpResponseMessage> Gone =>
        _ => FakeOpenStack.Json(HttpStatusCode.NotFound, """{"itemNotFound": {"code": 404, "message": "Instance s1 could not be found."}}""");

    private static async Task<(ServerWaiter Waiter, FakeOpenStack Server, FakeTimeProvider Time)> Build(params Func<SeenRequest, HttpResponseMessage>[] answers)
    {
        var time = Clock();
        var server = WithNova(time).On(HttpMethod.Get, Path, answers);
        var cloud = FakeCloud.Cloud(server, time, retry: new RetryPolicy(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(60)));
        var nova = await cloud.ComputeAsync(Ct);
        return (cloud.ServerWaiter(nova), server, time);
    }

    [Fact]
    public async Task Waits_through_the_build_task_states_to_ACTIVE()
    {
        var (waiter, server, time) = await Build(
            State("BUILD", "scheduling"), State("BUILD", "networking"), State("BUILD", "spawning"), State("ACTIVE", null));

        var result = await Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct));

        Assert.Equal("ACTIVE", result.Status);
        Assert.Equal(4, server.To(Path).Count());
    }

    [Fact]
    public async Task ERROR_fails_at_once_with_the_fault()
    {
        var (waiter, server, time) = await Build(State("BUILD", "scheduling"), State("ERROR", null,
            """, "fault": {"code": 500, "created": "2026-11-26T10:00:03Z", "message": "No valid host was found. There are not enough hosts available."}"""));

        var error = await Assert.ThrowsAsync<ServerFaultedException>(() => Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct)));

        Assert.Equal("server s1 (vm) went to ERROR while waiting for ACTIVE: fault 500: No valid host was found. There are not enough hosts available.", error.Message);
        Assert.Equal(500, error.Fault!.Code);
        Assert.Equal(2, server.To(Path).Count());
    }

    [Fact]
    public async Task The_fault_names_the_request_that_showed_it()
    {
        var (waiter, _, time) = await Build(_ => FakeOpenStack.Json(HttpStatusCode.OK,
            """{"server": {"id": "s1", "name": "vm", "status": "ERROR", "fault": {"code": 500, "message": "No valid host was found. "}}}""",
            ("x-openstack-request-id", "req-err")));

        var error = await Assert.ThrowsAsync<ServerFaultedException>(() => Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct)));

        Assert.EndsWith("fault 500: No valid host was found.  (request req-err)", error.Message, StringComparison.Ordinal);
        Assert.Equal("req-err", error.Server.RequestId);
    }

    [Fact]
    public async Task Timeout_names_target_current_state_and_elapsed_time()
    {
        var (waiter, _, time) = await Build(State("BUILD", "spawning"));

        var error = await Assert.ThrowsAsync<WaitTimeoutException>(() => Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct)));

        Assert.Equal("server s1: still BUILD/spawning after 20 s waiting for ACTIVE", error.Message);
        Assert.Equal("ACTIVE", error.Target);
        Assert.Equal("BUILD/spawning", error.Current);
        Assert.Equal(TimeSpan.FromSeconds(20), error.Elapsed);
    }

    [Fact]
    public async Task Polls_every_interval_then_slower()
    {
        var (waiter, server, time) = await Build(State("BUILD", "spawning"));

        // Without the short first polls (a first interval as long as the interval): the steady schedule.
        await Assert.ThrowsAsync<WaitTimeoutException>(() => Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast with { FirstInterval = Fast.Interval }, Ct)));

        var offsets = server.To(Path).Select(r => (r.At - server.To(Path).First().At).TotalSeconds).ToList();
        Assert.Equal([0.0, 2, 4, 6, 8, 10, 15, 20], offsets);
    }

    [Fact]
    public async Task Not_found_counts_as_deleted()
    {
        var (waiter, server, time) = await Build(State("ACTIVE", "deleting"), State("ACTIVE", "deleting"), Gone);

        await Clock.Run(time, waiter.WaitForDeletionAsync("s1", Fast, Ct));

        Assert.Equal(3, server.To(Path).Count());
    }

    [Fact]
    public async Task An_ERROR_server_being_deleted_is_not_a_failure()
    {
        var (waiter, server, time) = await Build(State("ERROR", "deleting",
            """, "fault": {"code": 500, "created": "2026-11-26T09:59:00Z", "message": "No valid host was found. "}"""), Gone);

        await Clock.Run(time, waiter.WaitForDeletionAsync("s1", Fast, Ct));

        // It kept polling past the ERROR until the 404, instead of failing on the fault.
        Assert.Equal(2, server.To(Path).Count());
    }

    [Fact]
    public async Task SOFT_DELETED_counts_as_deleted()
    {
        var (waiter, server, time) = await Build(State("SOFT_DELETED", null));

        await Clock.Run(time, waiter.WaitForDeletionAsync("s1", Fast, Ct));

        // Done at the first answer: no second poll, no timeout.
        Assert.Single(server.To(Path));
    }

    [Fact]
    public async Task Vanishing_while_waiting_for_ACTIVE_fails()
    {
        var (waiter, _, time) = await Build(State("BUILD", "spawning"), Gone);

        var error = await Assert.ThrowsAsync<WaitFailedException>(() => Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct)));

        Assert.StartsWith("server s1 vanished while waiting for ACTIVE", error.Message);
    }

    [Fact]
    public async Task Transient_server_errors_keep_polling()
    {
        var (waiter, _, time) = await Build(State("BUILD", "spawning"),
            _ => FakeOpenStack.Json(HttpStatusCode.InternalServerError, """{"computeFault": {"code": 500, "message": "Unexpected API Error."}}"""),
            State("ACTIVE", null));

        Assert.Equal("ACTIVE", (await Clock.Run(time, waiter.WaitForStatusAsync("s1", "ACTIVE", Fast, Ct))).Status);
    }

    [Fact]
    public void The_first_polls_come_fast_and_back_off_to_the_interval()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(50), WaitOptions.Build.NextDelay(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(400), WaitOptions.Build.NextDelay(TimeSpan.FromMilliseconds(400)));
        Assert.Equal(TimeSpan.FromSeconds(2), WaitOptions.Build.NextDelay(TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(5), WaitOptions.Build.NextDelay(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public void Poll_delay_never_passes_the_deadline() =>
        Assert.Equal(TimeSpan.FromSeconds(1), Fast.NextDelay(TimeSpan.FromSeconds(19)));
}
