using Microsoft.AspNetCore.Http;
using Smog.Cloud.Api.Errors;

namespace Smog.Cloud.Api.Faults;

/// <summary>
/// Applies a <see cref="FaultPlan"/>'s request faults: latency first, then the error-rate
/// rules, each drawn from one seeded generator (under a lock, so the sequence is the
/// plan's). Injected 429 and 503 answers carry Retry-After. Build failures, services down and
/// token expiry are applied where those things happen (simulation, identity).
/// </summary>
public sealed class FaultInjector(FaultPlan plan, TimeProvider time)
{
    private readonly Random random = new(plan.Seed);
    private readonly Lock gate = new();

    private int injected;

    public FaultPlan Plan => plan;

    /// <summary>How many error answers the plan has injected so far.</summary>
    public int Injected => Volatile.Read(ref injected);

    /// <summary>Draws the next number in [0, 1) from the plan's generator.</summary>
    public double Draw()
    {
        lock (gate) return random.NextDouble();
    }

    public async Task BeforeAsync(HttpContext context, ApiService service, CancellationToken ct)
    {
        if (plan.IsEmpty) return;
        var delay = plan.Latency + plan.ServiceLatency.GetValueOrDefault(service);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct);
        var path = UnderBase(service, context.Request.Path.Value ?? "");
        foreach (var rule in plan.ErrorRates)
        {
            if (!rule.Matches(service, context.Request.Method, path)) continue;
            if (Draw() >= rule.Rate) continue;
            Interlocked.Increment(ref injected);
            throw new ApiException(rule.Status, rule.Status switch
            {
                429 => "This request was rate-limited.",
                503 => "The service is temporarily unavailable (injected fault).",
                _ => "Unexpected API Error (injected fault).",
            })
            {
                RetryAfter = rule.Status is 429 or 503 ? plan.RetryAfter : null,
            };
        }
    }

    /// <summary>The path under the service's versioned base, as fault rules name routes (<c>/servers</c>).</summary>
    public static string UnderBase(ApiService service, string path)
    {
        var mount = service switch
        {
            ApiService.Compute => ServicePaths.ComputeApi,
            ApiService.Identity => ServicePaths.IdentityApi,
            ApiService.Image => ServicePaths.ImageApi,
            ApiService.Network => ServicePaths.NetworkApi,
            _ => ServicePaths.MountOf(service),
        };
        return path.StartsWith(mount, StringComparison.Ordinal) ? path[mount.Length..] is { Length: > 0 } rest ? rest : "/" : path;
    }
}
