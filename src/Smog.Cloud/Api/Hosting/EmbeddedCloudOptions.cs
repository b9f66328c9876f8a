using Microsoft.Extensions.Logging;
using Smog.Cloud.Api.Faults;

namespace Smog.Cloud.Api.Hosting;

/// <summary>How an embedded cloud runs; every value has a default fit for tests and <c>smog run</c>.</summary>
public sealed record EmbeddedCloudOptions
{
    /// <summary>Port on 127.0.0.1; 0 lets the system pick a free one.</summary>
    public int Port { get; init; }
    public FaultPlan Faults { get; init; } = FaultPlan.None;
    /// <summary>A defect name from the simulation's catalogue; null plays a faithful Nova.</summary>
    public string? Defect { get; init; }
    /// <summary>How long a build (and any other server transition) takes.</summary>
    public TimeSpan BuildTime { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>The expiry tokens announce (Keystone's default is an hour).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Where request failures are logged; null logs nothing. Secrets never reach these logs.</summary>
    public ILoggerFactory? Loggers { get; init; }
}
