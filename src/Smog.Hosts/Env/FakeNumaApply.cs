using System.Collections.Immutable;
using Smog.Env;
using Smog.Hosts.Libvirt;
using Smog.Libvirt.FakeNuma;
using Smog.Libvirt.Syntax;
using Smog.Topology;
using Smog.Units;

namespace Smog.Hosts.Env;

/// <summary>Options of one fake-NUMA apply or restore beyond the layout itself.</summary>
public sealed record FakeNumaOptions(string BackupDirectory, ShutdownPolicy Shutdown, TimeSpan BootTimeout, bool DryRun, bool Resize);

/// <summary>What happened, for the command's output and exit code.</summary>
public sealed record FakeNumaOutcome(bool Changed, ImmutableArray<string> Problems)
{
    public bool Confirmed => Problems.IsEmpty;
}

/// <summary>
/// <c>smog env fake-numa</c> on a real L1: check the request against the domain and the parent,
/// back the domain XML up on the parent, shut the L1 down gracefully, define the edited domain,
/// start it, and confirm from inside the L1 that it sees the cells. <see cref="RestoreAsync"/>
/// puts the backup back the same way. Every step is said through <c>say</c> as it happens.
/// </summary>
public sealed class FakeNumaApply(Virsh parent, InventoryHost l1, string domain, FakeNumaOptions options, Action<string> say)
{
    private readonly DomainBackups _backups = new(parent.Host, options.BackupDirectory);

    public async Task<FakeNumaOutcome> ApplyAsync(FakeNumaRequest request, CancellationToken ct)
    {
        var source = $"{parent.Host.HostName}:{domain}";
        var current = DomainReader.Parse(await parent.DumpInactiveXmlAsync(domain, ct), source);
        if (!current.Success) throw new FakeNumaRefused(current.Errors[0].ToString());
        var memoryKiB = await parent.NodeMemoryKiBAsync(ct);
        var plan = FakeNumaPlanner.Plan(current.Value, request, options.Resize, memoryKiB is { } k ? ByteSize.FromKiB(k) : null, source);
        if (!plan.Success) throw new FakeNumaRefused(plan.Errors[0].ToString());
        var p = plan.Value;
        var layout = string.Join(" ", p.Cells.Select((c, i) => $"[cell {i}: CPUs {c.Cpus}, {c.Memory}]"));
        if (p.AlreadyApplied)
        {
            say($"{domain} already has this layout: {layout}; nothing changed");
            return new FakeNumaOutcome(false, []);
        }
        var extra = p.Changes.IsEmpty ? "" : $" (also: {string.Join(", ", p.Changes.Describe())})";
        var steps = new[]
        {
            $"back up the domain XML to {parent.Host.HostName}:{_backups.PathFor(domain)} (unless a backup is there)",
            $"shut {domain} down gracefully (up to {options.Shutdown.Timeout.TotalSeconds:0} s{(options.Shutdown.Force ? ", then destroy" : "")})",
            $"define it with {p.Cells.Length} NUMA cell(s): {layout}{extra}",
            $"start it and confirm the cells from inside ({Via()}, up to {options.BootTimeout.TotalSeconds:0} s)",
        };
        if (options.DryRun)
        {
            say($"plan for {domain} on {parent.Host.HostName} (dry run; nothing changed):");
            foreach (var s in steps) say("  - " + s);
            return new FakeNumaOutcome(false, []);
        }
        var original = await parent.DumpInactiveXmlAsync(domain, ct);
        say(await _backups.SaveIfAbsentAsync(domain, original, ct)
            ? $"backed up {domain} to {parent.Host.HostName}:{_backups.PathFor(domain)}"
            : $"kept the earlier backup {parent.Host.HostName}:{_backups.PathFor(domain)} (the original before smog's first change)");
        return await CycleAsync(DomainWriter.ToText(p.Desired), p.Cells, $"defined {domain} with {p.Cells.Length} cell(s){extra}", ct);
    }

    public async Task<FakeNumaOutcome> RestoreAsync(CancellationToken ct)
    {
        var path = _backups.PathFor(domain);
        var backup = await _backups.ReadAsync(domain, ct)
            ?? throw new FakeNumaRefused($"{parent.Host.HostName}:{path}: no backup of '{domain}' (smog env fake-numa keeps one from its first change)");
        var parsed = DomainReader.Parse(backup, $"{parent.Host.HostName}:{path}");
        if (!parsed.Success) throw new FakeNumaRefused(parsed.Errors[0].ToString());
        var cells = ExpectedCells(parsed.Value);
        if (options.DryRun)
        {
            say($"plan for {domain} on {parent.Host.HostName} (dry run; nothing changed):");
            say($"  - shut it down gracefully, define the backup {path}, start it, confirm {cells.Length} node(s), remove the backup");
            return new FakeNumaOutcome(false, []);
        }
        var outcome = await CycleAsync(backup, cells, $"defined {domain} from the backup {path}", ct);
        if (outcome.Confirmed)
        {
            await _backups.RemoveAsync(domain, ct);
            say($"removed the backup {path}");
        }
        return outcome;
    }

    private async Task<FakeNumaOutcome> CycleAsync(string xml, ImmutableArray<FakeNumaCell> cells, string defined, CancellationToken ct)
    {
        await new DomainCycle(parent).StopAsync(domain, options.Shutdown, say, ct);
        await _backups.EnsureDirectoryAsync(ct);
        await parent.DefineAsync(xml, _backups.ScratchFor(domain), ct);
        say(defined);
        var confirmation = new L1Confirmation(parent, l1);
        var mark = await confirmation.MarkConsoleAsync(domain, ct);
        await parent.StartAsync(domain, ct);
        say($"started {domain}; waiting for its NUMA report ({Via()})");
        var (report, from) = await confirmation.WaitAsync(domain, mark, options.BootTimeout, ct);
        var seen = L1NumaReport.Parse(report, from);
        if (!seen.Success) return new FakeNumaOutcome(true, [$"{from}: {seen.Errors[0]}"]);
        var problems = L1NumaReport.Compare(cells, seen.Value);
        if (problems.IsEmpty)
            say($"confirmed from {from}: {seen.Value.Cells.Length} node(s) " +
                string.Join(" ", seen.Value.Cells.Select(c => $"[node {c.Id}: CPUs {c.Cpus}, {c.MemoryMiB} MiB]")));
        return new FakeNumaOutcome(true, problems);
    }

    private string Via() => l1.Access == HostAccess.None ? "serial console log on the parent" : $"numactl -H over {l1.Access.ToString().ToLowerInvariant()}";

    /// <summary>The cells a domain's definition promises; one node with everything when it has none.</summary>
    public static ImmutableArray<FakeNumaCell> ExpectedCells(Domain d)
    {
        if (d.Cpu?.Numa is { Cells.Length: > 0 } numa)
            return [.. numa.Cells.Select(c => new FakeNumaCell(CpuSet.Parse(c.Cpus ?? ""),
                ByteSize.TryParse(c.Memory, c.Unit, ByteSize.KiBytes, out _, out var size) ? size : default))];
        var facts = Smog.Libvirt.Facts.DomainFactsReader.From(d);
        if (!facts.Success) throw new FakeNumaRefused(facts.Errors[0].ToString());
        return [new FakeNumaCell(CpuSet.Range(0, facts.Value.Vcpu.Count - 1), facts.Value.Memory ?? default)];
    }
}

/// <summary>The request does not fit the domain or its parent; nothing was touched.</summary>
public sealed class FakeNumaRefused(string message) : Exception(message);
