using Smog.Nova.Cases;

namespace Smog.Cli.Commands.Plan;

/// <summary>The resolver <c>plan</c> uses when no recorded oracle output is given: the engine's own constraints.</summary>
internal static class RequestResolvers
{
    public static IRequestResolver Default => NovaRequestResolver.Instance;
}
