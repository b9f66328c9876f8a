using System.Collections.Immutable;
using System.Globalization;
using Smog.Cloud.Api.Errors;

namespace Smog.Cloud.Api.Faults;

/// <summary>
/// One <c>error-rate</c> rule: answer <see cref="Status"/> to a share of the requests to a
/// route. <see cref="Path"/> is a template under the service's versioned base
/// (<c>/servers</c>, <c>/servers/{id}</c>; <c>*</c> matches any one segment, a lone <c>*</c>
/// every path).
/// </summary>
public sealed record ErrorRate(ApiService? Service, string? Method, string Path, double Rate, int Status)
{
    public bool Matches(ApiService service, string method, string path)
    {
        if (Service is { } s && s != service) return false;
        if (Method is { } m && !string.Equals(m, method, StringComparison.OrdinalIgnoreCase)) return false;
        if (Path == "*") return true;
        var want = Path.Trim('/').Split('/');
        var got = path.Split('?')[0].Trim('/').Split('/');
        if (want.Length != got.Length) return false;
        for (var i = 0; i < want.Length; i++)
        {
            if (want[i] == "*" || (want[i].StartsWith('{') && want[i].EndsWith('}'))) continue;
            if (want[i] != got[i]) return false;
        }
        return true;
    }
}

/// <summary>
/// The faults a cloud injects, parsed from <c>--fault</c> strings (<see cref="Parse"/>).
/// Random draws come from one generator seeded with <see cref="Seed"/>, so the same requests
/// in the same order meet the same faults.
/// </summary>
public sealed record FaultPlan
{
    public static readonly FaultPlan None = new();

    public ImmutableArray<ErrorRate> ErrorRates { get; init; } = [];
    /// <summary>Added to every request (before it is served).</summary>
    public TimeSpan Latency { get; init; }
    /// <summary>Per-service latency, added to <see cref="Latency"/>.</summary>
    public ImmutableDictionary<ApiService, TimeSpan> ServiceLatency { get; init; } = ImmutableDictionary<ApiService, TimeSpan>.Empty;
    /// <summary>The Retry-After of injected 429 and 503 answers.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Share of builds that fail on the chosen host (the server goes ERROR with a build fault).</summary>
    public double BuildFailureRate { get; init; }
    /// <summary>Hosts whose nova-compute service is down (state down, not scheduled to).</summary>
    public ImmutableArray<string> ServicesDown { get; init; } = [];
    /// <summary>Tokens stop working this long after issue, although they announce a later expiry.</summary>
    public TimeSpan? TokenExpiry { get; init; }
    public int Seed { get; init; }

    public bool IsEmpty => this == None || (ErrorRates.IsEmpty && Latency == TimeSpan.Zero && ServiceLatency.IsEmpty && BuildFailureRate == 0
        && ServicesDown.IsEmpty && TokenExpiry is null);

    public const string Syntax =
        "error-rate=SERVICE:METHOD PATH:RATE[:STATUS] | latency=[SERVICE:]DURATION | retry-after=DURATION | build-failure=RATE | "
        + "service-down=HOST | token-expiry=DURATION | seed=N";

    /// <summary>
    /// Parses <c>--fault</c> values, e.g. <c>error-rate=compute:POST /servers:0.1:503</c>,
    /// <c>latency=50ms</c>, <c>latency=placement:20ms</c>, <c>retry-after=2s</c>,
    /// <c>build-failure=0.2</c>, <c>service-down=compute-1</c>, <c>token-expiry=30s</c>,
    /// <c>seed=7</c>. SERVICE is compute, placement, image, network or identity (or nova,
    /// glance, neutron, keystone, or <c>*</c>); METHOD an HTTP method or <c>*</c>; STATUS 500,
    /// 503 (default) or 429. Throws <see cref="FormatException"/> naming the bad value.
    /// </summary>
    public static FaultPlan Parse(IEnumerable<string> specs)
    {
        var plan = new FaultPlan();
        foreach (var spec in specs)
        {
            var eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException($"--fault '{spec}': expected KIND=VALUE ({Syntax})");
            var (kind, value) = (spec[..eq].Trim(), spec[(eq + 1)..].Trim());
            plan = kind switch
            {
                "error-rate" => plan with { ErrorRates = plan.ErrorRates.Add(ParseErrorRate(spec, value)) },
                "latency" => ParseLatency(plan, spec, value),
                "retry-after" => plan with { RetryAfter = Duration(spec, value) },
                "build-failure" => plan with { BuildFailureRate = Rate(spec, value) },
                "service-down" => plan with { ServicesDown = plan.ServicesDown.Add(value.Length > 0 ? value : throw new FormatException($"--fault '{spec}': name a host")) },
                "token-expiry" => plan with { TokenExpiry = Duration(spec, value) },
                "seed" => plan with { Seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--fault '{spec}': seed must be a whole number") },
                _ => throw new FormatException($"--fault '{spec}': unknown kind '{kind}' ({Syntax})"),
            };
        }
        return plan;
    }

    private static ErrorRate ParseErrorRate(string spec, string value)
    {
        var parts = value.Split(':');
        if (parts.Length is < 3 or > 4) throw new FormatException($"--fault '{spec}': expected error-rate=SERVICE:METHOD PATH:RATE[:STATUS]");
        var service = Service(spec, parts[0]);
        var route = parts[1].Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (route.Length != 2 || !route[1].StartsWith('/') && route[1] != "*") throw new FormatException($"--fault '{spec}': the route is 'METHOD /path' (or '* *')");
        var status = parts.Length == 4
            ? int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s is 500 or 503 or 429 ? s
                : throw new FormatException($"--fault '{spec}': status must be 500, 503 or 429")
            : 503;
        return new ErrorRate(service, route[0] == "*" ? null : route[0].ToUpperInvariant(), route[1], Rate(spec, parts[2]), status);
    }

    private static FaultPlan ParseLatency(FaultPlan plan, string spec, string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return plan with { Latency = Duration(spec, value) };
        var service = Service(spec, value[..colon]) ?? throw new FormatException($"--fault '{spec}': name a service, or give latency=DURATION for all");
        return plan with { ServiceLatency = plan.ServiceLatency.SetItem(service, Duration(spec, value[(colon + 1)..])) };
    }

    private static ApiService? Service(string spec, string name) => name.Trim() == "*" ? null
        : ServicePaths.FromName(name.Trim().ToLowerInvariant()) ?? throw new FormatException($"--fault '{spec}': unknown service '{name}' (compute, placement, image, network, identity or *)");

    private static double Rate(string spec, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1 ? r
            : throw new FormatException($"--fault '{spec}': rate must be a number from 0 to 1, found '{text}'");

    /// <summary>A duration with a unit: <c>50ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>.</summary>
    public static TimeSpan Duration(string spec, string text)
    {
        text = text.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 1.0),
            _ when text.EndsWith('s') => (text[..^1], 1000.0),
            _ when text.EndsWith('m') => (text[..^1], 60_000.0),
            _ when text.EndsWith('h') => (text[..^1], 3_600_000.0),
            _ => (null, 0),
        };
        return number is not null && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && n * scale < int.MaxValue
            ? TimeSpan.FromMilliseconds(n * scale)
            : throw new FormatException($"--fault '{spec}': expected a duration like 50ms, 2s or 1m, found '{text}'");
    }
}
