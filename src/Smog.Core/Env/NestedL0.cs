using System.Collections.Immutable;

namespace Smog.Env;

/// <summary>The CPU vendor's KVM module and the CPU flag that nested guests need.</summary>
public sealed record KvmModule(string Vendor, string Module, string Flag)
{
    public static readonly KvmModule Intel = new("GenuineIntel", "kvm_intel", "vmx");
    public static readonly KvmModule Amd = new("AuthenticAMD", "kvm_amd", "svm");

    /// <summary>The module for the first <c>vendor_id</c> of /proc/cpuinfo; null for another vendor.</summary>
    public static KvmModule? FromCpuInfo(string cpuinfo) =>
        CpuInfoField(cpuinfo, "vendor_id") switch
        {
            "GenuineIntel" => Intel,
            "AuthenticAMD" => Amd,
            _ => null,
        };

    /// <summary>True when the first CPU's <c>flags</c> line names <paramref name="flag"/>.</summary>
    public static bool HasFlag(string cpuinfo, string flag) =>
        (CpuInfoField(cpuinfo, "flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag);

    /// <summary>Counts the CPUs whose <c>flags</c> line names <paramref name="flag"/> (what <c>grep -c vmx /proc/cpuinfo</c> means).</summary>
    public static int CpusWithFlag(string cpuinfo, string flag) =>
        cpuinfo.Split('\n').Count(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag));

    public static string? CpuInfoField(string cpuinfo, string field)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == field) return line[(colon + 1)..].Trim();
        }
        return null;
    }
}

/// <summary>
/// What smog read on an L0: /proc/cpuinfo, the module's <c>nested</c> parameter (null when the
/// module is not loaded), Smog's modprobe.d file (null when absent) and the running domains.
/// </summary>
public sealed record L0Facts(string Host, string CpuInfo, string? NestedParameter, string? ModprobeFile, ImmutableArray<string> RunningDomains);

public enum L0Step
{
    /// <summary>Write <see cref="NestedL0Plan.ModprobePath"/> with <see cref="NestedL0Plan.ModprobeContent"/> (journaled).</summary>
    WriteModprobe,
    /// <summary><c>modprobe -r</c> then <c>modprobe</c> the module: no guest runs.</summary>
    ReloadModule,
}

/// <summary>
/// The L0 half of <c>smog env nested</c>: the steps to take, what needs an operator (a reboot,
/// a CPU without vmx/svm), and a line per fact for the report. No steps means nothing to change.
/// </summary>
public sealed record NestedL0Plan(string Host, KvmModule? Module, ImmutableArray<L0Step> Steps, ImmutableArray<string> Blockers, ImmutableArray<string> Notes)
{
    public const string ModprobePath = "/etc/modprobe.d/smog-nested.conf";

    public string ModprobeContent => Module is null ? "" : $"# written by smog env nested: nested virtualisation for KVM guests\noptions {Module.Module} nested=1\n";

    public bool Changes => !Steps.IsEmpty;
}

public static class NestedL0Planner
{
    /// <summary>Decides from the facts alone; the same facts give the same plan.</summary>
    public static NestedL0Plan Plan(L0Facts facts)
    {
        var module = KvmModule.FromCpuInfo(facts.CpuInfo);
        var notes = ImmutableArray.CreateBuilder<string>();
        var blockers = ImmutableArray.CreateBuilder<string>();
        var steps = ImmutableArray.CreateBuilder<L0Step>();
        if (module is null)
        {
            var vendor = KvmModule.CpuInfoField(facts.CpuInfo, "vendor_id") ?? "none";
            return new NestedL0Plan(facts.Host, null, [], [$"CPU vendor '{vendor}' is neither GenuineIntel nor AuthenticAMD: no KVM nesting to enable"], []);
        }
        notes.Add($"CPU {module.Vendor} → module {module.Module}");
        notes.Add(facts.NestedParameter is null ? $"{module.Module} is not loaded" : $"{module.Module} nested={facts.NestedParameter.Trim()}");
        // Without the flag no module option helps: change nothing on this L0.
        if (!KvmModule.HasFlag(facts.CpuInfo, module.Flag))
            return new NestedL0Plan(facts.Host, module, [],
                [$"the CPU has no '{module.Flag}' flag: hardware virtualisation is not offered to this machine (enable it in the firmware, or in the outer hypervisor if this L0 is itself a guest); nothing changed here"],
                notes.ToImmutable());
        var enabled = facts.NestedParameter?.Trim() is "1" or "Y" or "y";

        var wanted = new NestedL0Plan(facts.Host, module, [], [], []).ModprobeContent;
        var persistent = facts.ModprobeFile == wanted;
        if (!persistent) steps.Add(L0Step.WriteModprobe);
        else notes.Add($"{NestedL0Plan.ModprobePath} already enables it");

        // A loaded module without nesting needs a reload; one that is not loaded picks the option up when it loads.
        if (facts.NestedParameter is not null && !enabled)
        {
            if (facts.RunningDomains.IsEmpty) steps.Add(L0Step.ReloadModule);
            else blockers.Add($"{module.Module} is loaded without nesting and guests run ({string.Join(", ", facts.RunningDomains)}): reload the module when they are stopped, or reboot");
        }
        return new NestedL0Plan(facts.Host, module, steps.ToImmutable(), blockers.ToImmutable(), notes.ToImmutable());
    }
}
