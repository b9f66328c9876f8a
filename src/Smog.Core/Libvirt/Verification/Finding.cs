using Smog.Libvirt.Facts;

namespace Smog.Libvirt.Verification;

public enum Severity { Error, Warning }

/// <summary>
/// One verdict of a rule: a stable <see cref="Rule"/> id (see <see cref="RuleIds"/>), what was
/// expected and found (canonical text forms: CPU lists, sizes), and where in the domain.
/// </summary>
public sealed record Finding(string Rule, Severity Severity, string Message, string Expected, string Actual, Evidence Evidence);

/// <summary>The stable rule ids; reports, JSON output and tests use these strings.</summary>
public static class RuleIds
{
    public const string VcpuCount = "vcpu.count";
    public const string MemoryTotal = "memory.total";
    public const string NumaNone = "numa.none";
    public const string CellCount = "numa.cells.count";
    public const string CellVcpus = "numa.cells.vcpus";
    public const string CellMemory = "numa.cells.memory";
    public const string NumaTuneMode = "numatune.mode";
    public const string NumaTuneNodeset = "numatune.nodeset";
    public const string MemNode = "numatune.memnode";
    public const string PinMissing = "pin.missing";
    public const string PinSingle = "pin.single";
    public const string PinCell = "pin.cell";
    public const string PinDedicatedSet = "pin.dedicated-set";
    public const string PinFloating = "pin.floating";
    public const string PinOverlap = "pin.overlap";
    public const string PinSharedWithFloating = "pin.floating-overlap";
    public const string ThreadRequire = "thread.require";
    public const string ThreadIsolate = "thread.isolate";
    public const string ThreadPrefer = "thread.prefer";
    public const string EmulatorIsolate = "emulator.isolate";
    public const string EmulatorShare = "emulator.share";
    public const string HugepagePage = "hugepages.page";
    public const string HugepageNone = "hugepages.none";
    public const string HugepageAvailable = "hugepages.available";
    public const string MemAccess = "hugepages.memaccess";
    public const string TopologyProduct = "topology.product";
    public const string TopologyChoice = "topology.choice";
    public const string TopologyLimits = "topology.limits";
    public const string Realtime = "realtime.sched";
    public const string MemoryLocked = "memory.locked";
    public const string PciLocality = "pci.locality";
    public const string TopologyApi = "api.topology";
    public const string Constraints = "nova.constraints";
}
