using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Smog.OpenStack.Http;

/// <summary>Bounded retries: how many, how long between them, how long one attempt may take.</summary>
public sealed record RetryPolicy(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout)
{
    public static readonly RetryPolicy Default = new(3, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>Exponential backoff: base, 2×base, 4×base …, capped.</summary>
    public TimeSpan Backoff(int retry) => Min(BaseDelay * Math.Pow(2, retry), MaxDelay);

    public static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>
/// Retries what is safe to retry, and nothing else:
/// idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) on connection errors, attempt timeouts,
/// 502/503/504 and 429 (honouring Retry-After); POST and PATCH only when the connection could
/// not even be established, which proves the server never saw the request. Delays go through
/// <see cref="TimeProvider"/> so tests run without waiting.
/// </summary>
public sealed class ResilienceHandler(RetryPolicy policy, TimeProvider time, ILogger? logger = null) : DelegatingHandler
{
    private readonly ILogger log = logger ?? NullLogger.Instance;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            var last = retry >= policy.MaxRetries;
            TimeSpan delay;
            string why;
            using (var attemptTimeout = new CancellationTokenSource(policy.AttemptTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token))
            {
                try
                {
                    var response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
                    if (last || !IsRetryableStatus(request.Method, response.StatusCode)) return response;
                    delay = RetryAfter(response.Headers.RetryAfter) ?? policy.Backoff(retry);
                    why = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                    response.Dispose();
                }
                catch (HttpRequestException e) when (!last && IsRetryableError(request.Method, e))
                {
                    delay = policy.Backoff(retry);
                    why = $"{e.HttpRequestError}: {e.Message}";
                }
                catch (OperationCanceledException) when (attemptTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    if (last || !IsIdempotent(request.Method))
                    {
                        throw new TimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath} got no answer within {policy.AttemptTimeout.TotalSeconds:0.#} s");
                    }
                    delay = policy.Backoff(retry);
                    why = $"no answer within {policy.AttemptTimeout.TotalSeconds:0.#} s";
                }
            }
            log.LogInformation("{Method} {Path}: {Why}; retry {Retry}/{Max} in {Delay} ms",
                request.Method, request.RequestUri?.AbsolutePath, why, retry + 1, policy.MaxRetries, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put
        || method == HttpMethod.Delete || method == HttpMethod.Options;

    public static bool IsRetryableStatus(HttpMethod method, HttpStatusCode status) =>
        IsIdempotent(method) && (int)status is 429 or 502 or 503 or 504;

    /// <summary>
    /// A failure to connect (refused, unresolvable, TLS handshake) means no byte of the request
    /// reached the service, so even a POST is safe to resend. Anything later (reset, truncated
    /// response) may have been processed: only idempotent methods go again.
    /// </summary>
    public static bool IsRetryableError(HttpMethod method, HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || IsIdempotent(method);

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } d } => d,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return wait is { } w ? RetryPolicy.Min(w < TimeSpan.Zero ? TimeSpan.Zero : w, policy.MaxDelay) : null;
    }
}
