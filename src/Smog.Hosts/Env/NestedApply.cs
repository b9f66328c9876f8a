using System.Collections.Immutable;
using Smog.Env;
using Smog.Hosts.Editing;
using Smog.Hosts.Libvirt;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;

namespace Smog.Hosts.Env;

/// <summary>One L0 of the inventory with its L1 guests, and what smog read and decided for each.</summary>
public sealed record NestedTarget(InventoryHost L0, ImmutableArray<InventoryHost> L1s);

/// <summary>
/// <c>smog env nested</c>: per L0, read the facts and plan (<see cref="NestedL0Planner"/>); per L1
/// domain plan its CPU (<see cref="NestedDomainPlanner"/>); then, unless a dry run, write the
/// modprobe.d file through the journal, reload the module when no guest runs, back up, shut down,
/// redefine and restart each L1 that changes, and confirm vmx/svm inside every reachable L1.
/// Returns the number of problems (blockers and failed confirmations). <c>connect</c> gives a
/// runner named as the inventory names the host, so the journal's entries match <c>smog env restore</c>.
/// </summary>
public sealed class NestedApply(JournaledEditor journal, Func<InventoryHost, CancellationToken, Task<ICommandRunner>> connect,
    string backupDirectory, ShutdownPolicy shutdown, bool dryRun, Action<string> say)
{
    public static ImmutableArray<NestedTarget> Targets(HostInventory inventory) =>
        [.. inventory.Hosts.Where(h => h.Guest is not null).GroupBy(h => h.Guest!.Parent)
            .Select(g => new NestedTarget(inventory.Find(g.Key), [.. g]))];

    public async Task<int> RunAsync(NestedTarget target, CancellationToken ct)
    {
        var runner = await connect(target.L0, ct);
        try
        {
            return await RunAsync(runner, target, ct);
        }
        finally
        {
            (runner as IDisposable)?.Dispose();
        }
    }

    private async Task<int> RunAsync(ICommandRunner l0, NestedTarget target, CancellationToken ct)
    {
        var virsh = new Virsh(l0, target.L0.LibvirtUri);
        var cpuinfo = await l0.ReadFileAsync("/proc/cpuinfo", ct) ?? "";
        var module = KvmModule.FromCpuInfo(cpuinfo);
        var facts = new L0Facts(target.L0.Name, cpuinfo,
            module is null ? null : await l0.ReadFileAsync($"/sys/module/{module.Module}/parameters/nested", ct),
            await l0.ReadFileAsync(NestedL0Plan.ModprobePath, ct),
            [.. await virsh.RunningAsync(ct)]);
        var plan = NestedL0Planner.Plan(facts);
        say($"{target.L0.Name} (L0): {string.Join("; ", plan.Notes)}");
        foreach (var b in plan.Blockers) say($"  ! {b}");
        foreach (var step in plan.Steps)
            say("  - " + (step == L0Step.WriteModprobe
                ? $"write {NestedL0Plan.ModprobePath}: options {plan.Module!.Module} nested=1 (journaled)"
                : $"reload {plan.Module!.Module} (no guest runs)"));
        if (!plan.Changes && plan.Blockers.IsEmpty) say("  = nested virtualisation already enabled and persistent: nothing to change");
        var problems = plan.Blockers.Length;

        var hostModel = await HostModelAsync(virsh, target, ct);
        var domains = new List<(InventoryHost L1, NestedDomainPlan Plan)>();
        foreach (var l1 in target.L1s)
        {
            var name = l1.Guest!.Domain;
            var current = DomainReader.Parse(await virsh.DumpInactiveXmlAsync(name, ct), $"{target.L0.Name}:{name}");
            if (!current.Success) throw new FakeNumaRefused(current.Errors[0].ToString());
            var mode = l1.Guest.CpuMode switch
            {
                NestedCpuMode.HostPassthrough => "host-passthrough",
                NestedCpuMode.HostModel => "host-model",
                _ => "none",
            };
            var p = NestedDomainPlanner.Plan(current.Value, mode, hostModel, module);
            say($"{l1.Name} (L1 domain '{name}' on {target.L0.Name}): {p.Summary}");
            if (p.Blocker is { } blocker) { say($"  ! {blocker}"); problems++; }
            else if (p.Changes) say($"  - back up, shut down gracefully, define, start again if it was running");
            else say("  = nothing to change");
            domains.Add((l1, p));
        }
        if (dryRun) return problems;

        if (plan.Steps.Contains(L0Step.WriteModprobe))
        {
            await journal.EditAsync(l0, NestedL0Plan.ModprobePath, plan.ModprobeContent, ct);
            say($"{target.L0.Name}: wrote {NestedL0Plan.ModprobePath}");
        }
        if (plan.Steps.Contains(L0Step.ReloadModule))
        {
            foreach (string[] args in (string[][])[["-r", plan.Module!.Module], [plan.Module.Module]])
            {
                var result = await l0.RunAsync("modprobe", args, ct) ?? throw new HostAccessException($"{l0.HostName}: modprobe is not installed");
                if (!result.Succeeded) throw new HostAccessException($"{l0.HostName}: modprobe {string.Join(' ', args)} failed: {result.FirstErrorLine}");
            }
            say($"{target.L0.Name}: reloaded {plan.Module.Module}");
        }
        var backups = new DomainBackups(l0, backupDirectory);
        foreach (var (l1, p) in domains)
        {
            var name = l1.Guest!.Domain;
            var running = await virsh.StateAsync(name, ct) is "running" or "paused";
            if (p.Changes)
            {
                var original = await virsh.DumpInactiveXmlAsync(name, ct);
                if (await backups.SaveIfAbsentAsync(name, original, ct)) say($"{l1.Name}: backed up to {l0.HostName}:{backups.PathFor(name)}");
                await new DomainCycle(virsh).StopAsync(name, shutdown, say, ct);
                await backups.EnsureDirectoryAsync(ct);
                await virsh.DefineAsync(DomainWriter.ToText(p.Desired!), backups.ScratchFor(name), ct);
                say($"{l1.Name}: defined ({p.Summary})");
                if (running)
                {
                    await virsh.StartAsync(name, ct);
                    say($"{l1.Name}: started again");
                }
            }
            problems += await ConfirmAsync(l1, running, module, ct);
        }
        return problems;
    }

    // What `grep -c vmx /proc/cpuinfo` tells inside the L1; only where smog can reach it.
    private async Task<int> ConfirmAsync(InventoryHost l1, bool running, KvmModule? module, CancellationToken ct)
    {
        if (module is null) return 0;
        if (l1.Access == HostAccess.None) { say($"{l1.Name}: not confirmed inside (no access of its own in the inventory)"); return 0; }
        if (!running) { say($"{l1.Name}: shut off; start it and run smog env nested again to confirm {module.Flag} inside"); return 0; }
        var runner = await connect(l1, ct);
        try
        {
            var cpuinfo = await runner.ReadFileAsync("/proc/cpuinfo", ct) ?? "";
            var count = KvmModule.CpusWithFlag(cpuinfo, module.Flag);
            say($"{l1.Name}: {count} CPU(s) show {module.Flag}");
            return count > 0 ? 0 : 1;
        }
        finally
        {
            (runner as IDisposable)?.Dispose();
        }
    }

    private static async Task<HostCpuModel?> HostModelAsync(Virsh virsh, NestedTarget target, CancellationToken ct)
    {
        if (!target.L1s.Any(h => h.Guest!.CpuMode == NestedCpuMode.HostModel)) return null;
        var model = HostCpuModel.FromCapabilities(await virsh.CapabilitiesAsync(ct), $"{target.L0.Name}: virsh capabilities");
        return model.Success ? model.Value : null;
    }
}
