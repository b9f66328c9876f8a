using System.Collections.Immutable;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;

namespace Smog.Env;

/// <summary>The requested CPU mode of one L1 domain, as <c>smog env nested</c> decided it.</summary>
public sealed record NestedDomainPlan(string Domain, Domain? Desired, string Summary, string? Blocker)
{
    /// <summary>True when the domain must be redefined.</summary>
    public bool Changes => Desired is not null;
}

/// <summary>
/// Gives an L1 domain the CPU that exposes virtualisation to it: host-passthrough, or for
/// host-model a custom CPU with the L0's model from <c>virsh capabilities</c> and the vendor's
/// flag required (what the original tool did). Every other part of &lt;cpu&gt; (topology, NUMA
/// cells) is kept. A domain that already has it is left alone.
/// </summary>
public static class NestedDomainPlanner
{
    public static NestedDomainPlan Plan(Domain current, string mode, HostCpuModel? l0Model, KvmModule? module)
    {
        var name = current.Name ?? "?";
        if (mode == "none") return new NestedDomainPlan(name, null, "CPU mode kept (passthrough: none)", null);
        if (current.Type != "kvm")
            return new NestedDomainPlan(name, null, "unchanged", $"domain type is '{current.Type}', not kvm: a TCG guest cannot be offered vmx/svm (redefine it with type kvm)");
        var cpu = current.Cpu ?? new DomainCpu();
        DomainCpu desired;
        if (mode == "host-passthrough")
        {
            if (cpu.Mode == "host-passthrough") return new NestedDomainPlan(name, null, "already host-passthrough", null);
            desired = cpu with { Mode = "host-passthrough", Match = null, Check = null, Model = null, Features = [] };
        }
        else
        {
            if (module is null) return new NestedDomainPlan(name, null, "unchanged", "the L0's CPU vendor is unknown: no vmx/svm feature to require");
            if (l0Model is null) return new NestedDomainPlan(name, null, "unchanged", "the L0's virsh capabilities name no CPU model");
            var features = cpu.Mode == "custom" ? cpu.Features.Where(f => f.Name != module.Flag) : [];
            var requireFlag = new DomainCpuFeature("require", module.Flag);
            if (cpu.Mode == "custom" && cpu.Model?.Value == l0Model.Model && cpu.Features.Any(f => f.Policy == "require" && f.Name == module.Flag))
                return new NestedDomainPlan(name, null, $"already custom {l0Model.Model} with {module.Flag} required", null);
            desired = cpu with
            {
                Mode = "custom",
                Match = "exact",
                Check = null,
                Model = new DomainCpuModel(l0Model.Model) { Fallback = "allow" },
                Features = [.. features, requireFlag],
            };
        }
        var summary = $"CPU {Describe(cpu)} → {Describe(desired)}";
        return new NestedDomainPlan(name, current with { Cpu = desired }, summary, null);
    }

    private static string Describe(DomainCpu cpu) => cpu.Mode switch
    {
        null => "default",
        "custom" => $"custom {cpu.Model?.Value}" + string.Concat(cpu.Features.Where(f => f.Policy == "require").Select(f => $" +{f.Name}")),
        var m => m,
    };

    /// <summary>The inventory's mode names: host-passthrough, host-model or none.</summary>
    public static readonly ImmutableArray<string> Modes = ["host-passthrough", "host-model", "none"];
}
