using System.Net;
using Microsoft.Extensions.Time.Testing;
using Smog.OpenStack.Http;

namespace Smog.Tests.OpenStack.Http;

public class ResilienceHandlerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly RetryPolicy Policy = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
    private const string Url = "http://svc/thing";

    private static (HttpClient Client, FakeOpenStack Server, FakeTimeProvider Time) Build(HttpMethod method, params Func<SeenRequest, HttpResponseMessage>[] answers)
    {
        var time = new FakeTimeProvider(FakeCloud.Now);
        var server = new FakeOpenStack(time).On(method, "/thing", answers);
        return (new HttpClient(new ResilienceHandler(Policy, time) { InnerHandler = server }), server, time);
    }

    private static Func<SeenRequest, HttpResponseMessage> Answer(HttpStatusCode status, params (string, string)[] headers) =>
        _ => FakeOpenStack.Status(status, headers);

    private static async Task<HttpResponseMessage> Send(HttpClient client, FakeTimeProvider time, HttpMethod method) =>
        await Clock.Run(time, client.SendAsync(new HttpRequestMessage(method, Url) { Content = method == HttpMethod.Post ? new StringContent("{}") : null }, Ct),
            TimeSpan.FromMilliseconds(500));

    public static TheoryData<string, string, int, int> StatusRows => new()
    {
        // description, method, first status, expected attempts (second answer is 200)
        { "GET 503 retried", "GET", 503, 2 },
        { "GET 502 retried", "GET", 502, 2 },
        { "GET 504 retried", "GET", 504, 2 },
        { "DELETE 503 retried", "DELETE", 503, 2 },
        { "PUT 429 retried", "PUT", 429, 2 },
        { "GET 500 not retried", "GET", 500, 1 },
        { "GET 404 not retried", "GET", 404, 1 },
        { "POST 503 not retried: it may have been processed", "POST", 503, 1 },
        { "POST 429 not retried", "POST", 429, 1 },
    };

    [Theory]
    [MemberData(nameof(StatusRows))]
    public async Task Retries_only_idempotent_requests_on_gateway_and_throttle_answers(string description, string method, int first, int attempts)
    {
        _ = description;
        var m = new HttpMethod(method);
        var (client, server, time) = Build(m, Answer((HttpStatusCode)first), Answer(HttpStatusCode.OK));

        using var response = await Send(client, time, m);

        Assert.Equal(attempts, server.Seen.Count);
        Assert.Equal(attempts == 2 ? HttpStatusCode.OK : (HttpStatusCode)first, response.StatusCode);
    }

    public static TheoryData<string, string, HttpRequestError, int> ErrorRows => new()
    {
        // description, method, error, expected attempts
        { "GET after a reset", "GET", HttpRequestError.ResponseEnded, 2 },
        { "GET after refused connection", "GET", HttpRequestError.ConnectionError, 2 },
        { "POST after refused connection: never reached the server", "POST", HttpRequestError.ConnectionError, 2 },
        { "POST after name resolution failure", "POST", HttpRequestError.NameResolutionError, 2 },
    };

    [Theory]
    [MemberData(nameof(ErrorRows))]
    public async Task Retries_connection_errors_when_safe(string description, string method, HttpRequestError error, int attempts)
    {
        _ = description;
        var m = new HttpMethod(method);
        var (client, server, time) = Build(m, FakeOpenStack.Throw(error), Answer(HttpStatusCode.OK));

        using var response = await Send(client, time, m);

        Assert.Equal(attempts, server.Seen.Count);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_POST_whose_response_was_cut_off_is_not_resent()
    {
        var (client, server, time) = Build(HttpMethod.Post, FakeOpenStack.Throw(HttpRequestError.ResponseEnded), Answer(HttpStatusCode.OK));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Send(client, time, HttpMethod.Post));

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Single(server.Seen);
    }

    [Fact]
    public async Task Retries_are_bounded_and_the_last_answer_is_returned()
    {
        var (client, server, time) = Build(HttpMethod.Get, Answer(HttpStatusCode.ServiceUnavailable));

        using var response = await Send(client, time, HttpMethod.Get);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1 + Policy.MaxRetries, server.Seen.Count);
    }

    [Fact]
    public async Task Backoff_doubles_between_attempts()
    {
        var (client, server, time) = Build(HttpMethod.Get, Answer(HttpStatusCode.ServiceUnavailable));

        using var _ = await Send(client, time, HttpMethod.Get);

        var gaps = Gaps(server);
        Assert.Equal([1.0, 2.0, 4.0], gaps);
    }

    [Fact]
    public async Task Retry_after_seconds_is_honoured()
    {
        var (client, server, time) = Build(HttpMethod.Get, Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "7")), Answer(HttpStatusCode.OK));

        using var _ = await Send(client, time, HttpMethod.Get);

        Assert.Equal([7.0], Gaps(server));
    }

    [Fact]
    public async Task Retry_after_is_capped()
    {
        var (client, server, time) = Build(HttpMethod.Get, Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", "3600")), Answer(HttpStatusCode.OK));

        using var _ = await Clock.Run(time, client.GetAsync(Url, Ct), TimeSpan.FromSeconds(5));

        Assert.Equal([30.0], Gaps(server));
    }

    /// <summary>Seconds between consecutive attempts, rounded to the clock step.</summary>
    private static double[] Gaps(FakeOpenStack server)
    {
        var times = server.Seen.Select(s => s.At).ToList();
        return [.. times.Zip(times.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds))];
    }

    [Fact]
    public void Backoff_is_exponential_and_capped() =>
        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(0, 8).Select(i => RetryPolicy.Default.Backoff(i).TotalSeconds));
}
