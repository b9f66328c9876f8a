namespace Smog.Tests.Integration;

/// <summary>
/// Every test class that boots servers on the real lab joins this collection: the lab's QEMU host
/// has one dedicated pCPU, so two pinned boots at once end one of them in NoValidHost (CI saw it).
/// </summary>
[CollectionDefinition(Name)]
public sealed class RealLabCollection
{
    public const string Name = "real OpenStack lab";
}
