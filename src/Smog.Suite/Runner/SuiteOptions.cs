using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;

namespace Smog.Suite.Runner;

/// <summary>How long each kind of wait may take before the step errors.</summary>
public sealed record SuiteTimeouts(TimeSpan Boot, TimeSpan Action, TimeSpan Delete)
{
    public static readonly SuiteTimeouts Default = new(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(120));

    public WaitOptions BootWait => WaitOptions.Build with { Timeout = Boot };
    public WaitOptions ActionWait => WaitOptions.Build with { Timeout = Action };
    public WaitOptions DeleteWait => WaitOptions.Delete with { Timeout = Delete };
}

/// <summary>Everything the runner needs besides the clouds: parallelism, timeouts, image and network for the guests.</summary>
public sealed record SuiteOptions
{
    /// <summary>Scenarios at once; null = from capacity (two per compute host, at most eight).</summary>
    public int? Parallel { get; init; }
    public SuiteTimeouts Timeouts { get; init; } = SuiteTimeouts.Default;
    /// <summary>Image name or id to boot; null = the smallest active public image.</summary>
    public string? Image { get; init; }
    /// <summary><c>none</c>, <c>auto</c> or a network id.</summary>
    public string Network { get; init; } = "none";
    /// <summary>nova.conf <c>[libvirt] virt_type</c> every reachable host must have, when given.</summary>
    public string? ExpectedVirtType { get; init; }

    public ServerNetworks Networks => Network switch
    {
        "none" => ServerNetworks.None,
        "auto" => ServerNetworks.Auto,
        var id => ServerNetworks.Of(new NetworkRef { NetworkId = id }),
    };
}
