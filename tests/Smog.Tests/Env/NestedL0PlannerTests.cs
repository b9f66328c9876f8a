using CsCheck;
using Smog.Env;

namespace Smog.Tests.Env;

public sealed class NestedL0PlannerTests
{
    private const string IntelVmx = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx sse2\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme vmx sse2\n";
    private const string AmdNoSvm = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 hypervisor\n";
    private const string Wanted = "# written by smog env nested: nested virtualisation for KVM guests\noptions kvm_intel nested=1\n";

    [Fact]
    public void A_loaded_module_without_nesting_and_no_guest_gets_the_file_and_a_reload()
    {
        var plan = NestedL0Planner.Plan(new L0Facts("l0", IntelVmx, "N\n", null, []));
        Assert.Equal("kvm_intel", plan.Module!.Module);
        Assert.Equal([L0Step.WriteModprobe, L0Step.ReloadModule], plan.Steps);
        Assert.Empty(plan.Blockers);
        Assert.Equal(Wanted, plan.ModprobeContent);
    }

    [Fact]
    public void Running_guests_turn_the_reload_into_a_blocker_but_the_file_is_still_written()
    {
        var plan = NestedL0Planner.Plan(new L0Facts("l0", IntelVmx, "0", null, ["guest-a"]));
        Assert.Equal([L0Step.WriteModprobe], plan.Steps);
        Assert.Contains("guest-a", Assert.Single(plan.Blockers));
        Assert.Contains("reboot", plan.Blockers[0]);
    }

    [Fact]
    public void A_cpu_without_the_flag_changes_nothing_and_says_why()
    {
        var plan = NestedL0Planner.Plan(new L0Facts("l0", AmdNoSvm, null, null, []));
        Assert.Equal("kvm_amd", plan.Module!.Module);
        Assert.Empty(plan.Steps);
        Assert.Contains("no 'svm' flag", Assert.Single(plan.Blockers));
    }

    [Fact]
    public void An_unknown_vendor_is_a_blocker()
    {
        var plan = NestedL0Planner.Plan(new L0Facts("l0", "vendor_id\t: HygonGenuine\nflags\t: svm\n", null, null, []));
        Assert.Null(plan.Module);
        Assert.Contains("HygonGenuine", Assert.Single(plan.Blockers));
    }

    [Fact]
    public void Enabled_and_persistent_means_nothing_to_do()
    {
        var plan = NestedL0Planner.Plan(new L0Facts("l0", IntelVmx, "Y\n", Wanted, ["guest-a"]));
        Assert.False(plan.Changes);
        Assert.Empty(plan.Blockers);
    }

    [Fact]
    public void Counting_flags_counts_cpus_as_grep_c_does()
    {
        Assert.Equal(2, KvmModule.CpusWithFlag(IntelVmx, "vmx"));
        Assert.Equal(0, KvmModule.CpusWithFlag(AmdNoSvm, "svm"));
    }

    /// <summary>Idempotence: doing what a plan says (file written, module reloaded) leaves nothing to do.</summary>
    [Fact]
    public void After_its_steps_the_plan_is_empty()
    {
        var gen = Gen.Select(
            Gen.OneOf<string?>(null, "N", "0", "Y", "1"),
            Gen.OneOf<string?>(null, Wanted, "options kvm_intel nested=0\n"),
            Gen.Bool);
        Property.ForAll(gen, t =>
        {
            var (param, file, guests) = t;
            var facts = new L0Facts("l0", IntelVmx, param, file, guests ? ["g"] : []);
            var plan = NestedL0Planner.Plan(facts);
            var after = facts with
            {
                ModprobeFile = plan.Steps.Contains(L0Step.WriteModprobe) ? plan.ModprobeContent : file,
                NestedParameter = plan.Steps.Contains(L0Step.ReloadModule) ? "Y" : param,
            };
            var again = NestedL0Planner.Plan(after);
            // a loaded module that still needs a reload stays a blocker while guests run, never a step
            return again.Steps.IsEmpty && again.Blockers.Length == plan.Blockers.Length;
        });
    }
}
