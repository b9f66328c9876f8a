using Smog.Nova;
using Smog.Nova.Cases;

namespace Smog.Cli.Commands.Plan;

/// <summary>The resolver <c>plan</c> uses when no recorded oracle output is given.</summary>
internal static class RequestResolvers
{
    // TODO(nova-specs): switch to NumaConstraints.Get + CpuTopologyChooser.Best once that branch lands.
    public static IRequestResolver Default { get; } = new Unavailable();

    private sealed class Unavailable : IRequestResolver
    {
        public RequestResolution Resolve(Flavor flavor, ImageProperties image) =>
            throw new InputException("computing constraints from a flavor is not available in this build; pass --recorded with the oracle output");
    }
}
