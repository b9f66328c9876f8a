using System.Collections.Immutable;
using System.Diagnostics;
using Smog.Nova;
using Smog.Nova.Pci;
using Smog.Nova.Specs;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.Suite.Builders;
using Smog.Suite.Results;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>What a boot is meant to end in.</summary>
public enum Expect
{
    Active,
    /// <summary>ERROR with Nova's "No valid host was found" fault.</summary>
    NoValidHost,
    /// <summary>The API refuses with 400 (extra specs or server create).</summary>
    ApiRefusal,
}

/// <summary>A guest a scenario booted (or tried to): its index in the result's guest list and server id.</summary>
public sealed record Guest(int Index, string Role, string? ServerId, FlavorSpec Spec, ImageProperties Image, PredictionOutcome? Prediction)
{
    public bool Active { get; init; }
    public string? Host { get; init; }
    /// <summary>The ports it booted with (none: the run's network option).</summary>
    public ImmutableArray<ScenarioPort> Ports { get; init; } = [];
}

/// <summary>A port a scenario created for its guest: on a network of <paramref name="Physnet"/>, with its vnic type.</summary>
public sealed record ScenarioPort(string PortId, string NetworkId, string Physnet, string VnicType)
{
    public SriovPort ToPci() => new(PortId, VnicType, Physnet);
}

/// <summary>The scenario failed fast: a finding already says why; nothing after it makes sense.</summary>
public sealed class ScenarioStopped(string message) : Exception(message);

/// <summary>The scenario could not do its job for a reason unrelated to NUMA (lint error, unexpected API answer).</summary>
public sealed class ScenarioError(string message) : Exception(message);

/// <summary>
/// A scenario's handle on the run: boot a flavor (linted, predicted, booted, inspected and
/// verified in one call), act on a guest and re-verify, create aggregate groups, and record
/// findings. Everything it creates goes through the run's ledger and is released when the
/// scenario ends.
/// </summary>
public sealed class ScenarioContext
{
    private readonly RunContext run;
    private readonly Lock gate = new();
    private readonly List<GuestEvidence> guests = [];
    private readonly List<ScenarioFinding> findings = [];
    private readonly List<string> notChecked = [];
    private readonly List<StepRecord> steps = [];

    internal ScenarioContext(RunContext run, string id) => (this.run, Id) = (run, id);

    public string Id { get; }
    public CloudState Cloud => run.Cloud;

    public ImmutableArray<GuestEvidence> Guests { get { lock (gate) return [.. guests]; } }
    public ImmutableArray<ScenarioFinding> Findings { get { lock (gate) return [.. findings]; } }
    public ImmutableArray<string> NotChecked { get { lock (gate) return [.. notChecked.Distinct()]; } }
    public ImmutableArray<StepRecord> Steps { get { lock (gate) return [.. steps]; } }

    /// <summary>A host as it is now (fresh placement usage), for sizing from free capacity.</summary>
    public Task<DiscoveredHost> FreshAsync(DiscoveredHost host, CancellationToken ct) => CloudDiscovery.WithPlacementAsync(host, run.Clients.Placement, ct);

    /// <summary>
    /// Lints the flavor (an error stops the scenario naming the spec, unless a refusal is what
    /// is expected), creates it, predicts the boot with the engine, boots it, waits, and on
    /// ACTIVE inspects and verifies. Outcomes against <paramref name="expect"/> and a determinate
    /// prediction become findings; an unexpected outcome stops the scenario.
    /// </summary>
    /// <remarks>With <paramref name="image"/> properties the guest boots from an image of its own that carries them (<see cref="UploadImageAsync"/>).</remarks>
    /// <remarks>With <paramref name="ports"/> the server boots with exactly those ports (<c>networks: [{port: id}]</c>) and the prediction counts their PCI requests.</remarks>
    public async Task<Guest> BootAsync(string role, FlavorSpec spec, Expect expect, CancellationToken ct, ImageProperties? image = null,
        IReadOnlyList<ScenarioPort>? ports = null)
    {
        ImmutableArray<ScenarioPort> own = ports is null ? [] : [.. ports];
        image ??= ImageProperties.None;
        var imageId = image.Values.IsEmpty ? run.ImageId : await UploadImageAsync(role, image, ct).ConfigureAwait(false);
        var name = run.Run.Name(Id, role);
        var flavor = spec.ToFlavor(name);
        var lint = spec.Lint(image, run.Clients.AdminNova.Microversion);
        var lintErrors = lint.Where(f => f.Severity == LintSeverity.Error).ToList();
        if (lintErrors.Count > 0 && expect != Expect.ApiRefusal)
            throw new ScenarioError($"flavor {name}: {lintErrors[0].Key}: {lintErrors[0].Message}");
        var index = AddGuest(new GuestEvidence { Role = role, Flavor = Summary(name, spec), ImageProperties = image.Values, ServerName = name });

        NovaFlavor created;
        try
        {
            created = await StepAsync($"create flavor {role}", () => run.Resources.CreateFlavorAsync(Id, name, spec, ct)).ConfigureAwait(false);
        }
        catch (OpenStackBadRequestException e) when (expect == Expect.ApiRefusal)
        {
            Note(index, g => g with { Status = "refused", Fault = $"extra specs refused: {e.ServiceMessage}", Predicted = RefusalPrediction(lint) });
            return new Guest(index, role, null, spec, image, null) { Ports = own };
        }

        var (prediction, flight) = await run.InFlight.PredictAsync(busy => run.Predictor.PredictAsync(flavor, image, busy, ct, [.. own.Select(p => p.ToPci())]),
            p => (p.Prediction.CandidateHosts, p.Resolution.Topology is not null), ct).ConfigureAwait(false);
        using var inFlight = flight;
        Note(index, g => g with { Predicted = prediction.Prediction });

        string serverId;
        try
        {
            var networks = own.IsEmpty ? run.Options.Networks : ServerNetworks.Ports([.. own.Select(p => p.PortId)]);
            serverId = await StepAsync($"boot {role}", () => run.Resources.CreateServerAsync(Id, name, created.Id, imageId, networks, ct)).ConfigureAwait(false);
        }
        catch (OpenStackBadRequestException e)
        {
            Note(index, g => g with { Status = "refused", Fault = $"server create refused (400): {e.ServiceMessage}" });
            Judge(index, expect, prediction, "refused", e.ServiceMessage, null, flight);
            return new Guest(index, role, null, spec, image, prediction) { Ports = own };
        }
        Note(index, g => g with { ServerId = serverId });

        NovaServer? server = null;
        string? fault = null;
        try
        {
            server = await StepAsync($"wait {role} ACTIVE", () => run.Clients.BootWaiter.WaitForStatusAsync(serverId, "ACTIVE", run.Options.Timeouts.BootWait, ct)).ConfigureAwait(false);
        }
        catch (ServerFaultedException e)
        {
            fault = e.Fault?.Message ?? "no fault recorded";
        }
        // Settled: the claim is made, later boots no longer change where this one landed.
        flight.Dispose();
        var status = server is null ? "ERROR" : "ACTIVE";
        Note(index, g => g with { Status = status, Fault = fault });
        var guest = new Guest(index, role, serverId, spec, image, prediction) { Ports = own };
        if (server is not null)
        {
            var inspection = await InspectAsync(guest, ct).ConfigureAwait(false);
            guest = guest with { Active = true, Host = inspection.Actual?.Host };
            Judge(index, expect, prediction, status, fault, inspection.Actual, flight);
        }
        else
        {
            Judge(index, expect, prediction, status, fault, null, flight);
        }
        return guest;
    }

    /// <summary>
    /// A port for an SR-IOV guest, as a user makes one: a shared provider network on
    /// <paramref name="physnet"/> and a subnet (admin), then the port with
    /// <c>binding:vnic_type</c> <paramref name="vnicType"/> as the boot cloud; all in the ledger.
    /// </summary>
    public async Task<ScenarioPort> CreatePortAsync(string role, string physnet, string vnicType, CancellationToken ct)
    {
        var network = await StepAsync($"create network on {physnet}", () => run.Resources.CreateNetworkAsync(Id, run.Run.Name(Id, $"{role}-net"), physnet, ct)).ConfigureAwait(false);
        // A documentation range: the guest never sends traffic; the port only needs an address as users' ports have.
        await StepAsync("create subnet", () => run.Resources.CreateSubnetAsync(Id, run.Run.Name(Id, $"{role}-subnet"), network.Id, "192.0.2.0/24", ct)).ConfigureAwait(false);
        var port = await StepAsync($"create {vnicType} port", () => run.Resources.CreatePortAsync(Id, run.Run.Name(Id, $"{role}-port"), network.Id, vnicType, ct)).ConfigureAwait(false);
        return new ScenarioPort(port.Id, network.Id, physnet, vnicType);
    }

    /// <summary>A port as admin sees it now (binding host, profile with the VF's PCI slot).</summary>
    public async Task<OpenStack.Network.NeutronPort> ShowPortAsync(ScenarioPort port, CancellationToken ct)
    {
        var network = await run.Clients.AdminNetworkAsync(ct).ConfigureAwait(false);
        return await StepAsync("read port binding", () => network.ShowPortAsync(port.PortId, ct)).ConfigureAwait(false);
    }

    /// <summary>An image of this scenario's own carrying <paramref name="image"/>'s properties, tracked in the ledger.</summary>
    public Task<string> UploadImageAsync(string role, ImageProperties image, CancellationToken ct) =>
        StepAsync($"upload image {role}", () => run.Resources.CreateImageAsync(Id, run.Run.Name(Id, $"{role}-image"), image.Values, ct));

    /// <summary>An action on a guest (hard reboot, stop, start), a wait for its status, then a fresh inspection and verification.</summary>
    public async Task<Guest> ActAsync(Guest guest, string step, ServerAction action, string status, CancellationToken ct, bool inspect = true)
    {
        if (guest.ServerId is not { } id) throw new ScenarioError($"{step}: {guest.Role} has no server");
        await SettleAsync(step, id, action, status, ct).ConfigureAwait(false);
        if (!inspect || status != "ACTIVE") return guest;
        var before = Guests[guest.Index].Actual;
        var inspection = await InspectAsync(guest, ct).ConfigureAwait(false);
        if (before is not null && inspection.Actual is { } after && !SamePlacement(before, after))
        {
            Add(new ScenarioFinding
            {
                Rule = "lifecycle.placement",
                Severity = FindingSeverity.Error,
                Message = $"after {step} the guest's cells or pins changed on the same host",
                Expected = Describe(before),
                Actual = Describe(after),
                Guest = guest.Index,
            });
        }
        return guest with { Host = inspection.Actual?.Host };
    }

    /// <summary>Resizes a guest to a new flavor (created, linted), confirms, then inspects and verifies it against the new flavor.</summary>
    public async Task<Guest> ResizeAsync(Guest guest, string role, FlavorSpec spec, CancellationToken ct)
    {
        if (guest.ServerId is not { } id) throw new ScenarioError($"resize: {guest.Role} has no server");
        var name = run.Run.Name(Id, role);
        var lint = spec.Lint(guest.Image, run.Clients.AdminNova.Microversion).FirstOrDefault(f => f.Severity == LintSeverity.Error);
        if (lint is not null) throw new ScenarioError($"flavor {name}: {lint.Key}: {lint.Message}");
        var flavor = await StepAsync($"create flavor {role}", () => run.Resources.CreateFlavorAsync(Id, name, spec, ct)).ConfigureAwait(false);
        await SettleAsync($"resize to {role}", id, ServerAction.Resize(flavor.Id), "VERIFY_RESIZE", ct).ConfigureAwait(false);
        await SettleAsync("confirm resize", id, ServerAction.ConfirmResize, "ACTIVE", ct).ConfigureAwait(false);
        var resized = guest with { Spec = spec };
        Note(guest.Index, g => g with { Flavor = Summary(name, spec) });
        var inspection = await InspectAsync(resized, ct).ConfigureAwait(false);
        return resized with { Host = inspection.Actual?.Host };
    }

    /// <summary>Cold (confirmed) or live migration; the guest must end on another host, re-verified there.</summary>
    public async Task<Guest> MigrateAsync(Guest guest, bool live, CancellationToken ct)
    {
        if (guest.ServerId is not { } id) throw new ScenarioError($"migrate: {guest.Role} has no server");
        // Migration is admin-only by default policy; confirming it is the owner's (or admin's).
        if (live) await SettleAsync("live migrate", id, ServerAction.LiveMigrate, "ACTIVE", ct, asAdmin: true).ConfigureAwait(false);
        else
        {
            await SettleAsync("cold migrate", id, ServerAction.Migrate, "VERIFY_RESIZE", ct, asAdmin: true).ConfigureAwait(false);
            await SettleAsync("confirm migration", id, ServerAction.ConfirmResize, "ACTIVE", ct, asAdmin: true).ConfigureAwait(false);
        }
        var inspection = await InspectAsync(guest, ct).ConfigureAwait(false);
        var host = inspection.Actual?.Host;
        Check(host is not null && host != guest.Host, "migration.host", $"after {(live ? "live" : "cold")} migration the guest is still on its host", $"a host other than {guest.Host}", host ?? "unknown", guest);
        return guest with { Host = host };
    }

    private Task<NovaServer> SettleAsync(string step, string id, ServerAction action, string status, CancellationToken ct, bool asAdmin = false) =>
        StepAsync(step, async () =>
        {
            var nova = asAdmin ? run.Clients.AdminNova : run.Clients.BootNova;
            // Nova's API records the action's task state before it answers 202, so the status
            // seen from here on is the transition's (REBOOT, RESIZE, MIGRATING...), never the old one.
            await nova.Servers.ActionAsync(id, action, ct).ConfigureAwait(false);
            var waiter = asAdmin ? run.Clients.AdminWaiter : run.Clients.BootWaiter;
            return await waiter.WaitForStatusAsync(id, status, run.Options.Timeouts.ActionWait, ct).ConfigureAwait(false);
        });

    /// <summary>A file on a host through the inventory (sysfs, nova.conf); null without host access or when unreadable.</summary>
    public async Task<string?> HostFileAsync(DiscoveredHost host, string path, CancellationToken ct)
    {
        if (host.Access is not { } entry) return null;
        var runner = await run.Access.RunnerAsync(entry, ct).ConfigureAwait(false);
        return await runner.ReadFileAsync(path, ct).ConfigureAwait(false);
    }

    /// <summary>The engine's model of each up host right now (guests claimed), for sizing from free capacity.</summary>
    public async Task<ImmutableArray<HostState>> HostStatesAsync(CancellationToken ct)
    {
        var states = ImmutableArray.CreateBuilder<HostState>();
        foreach (var host in Cloud.UpHosts) states.Add(await HostState.ReadAsync(run.Clients, host, ct).ConfigureAwait(false));
        return states.ToImmutable();
    }

    /// <summary>Deletes a guest now (and waits until placement frees it), for scenarios that refill capacity.</summary>
    public Task DeleteAsync(Guest guest, CancellationToken ct) =>
        guest.ServerId is { } id ? StepAsync($"delete {guest.Role}", async () => { await run.Resources.DeleteServerAsync(Id, id, ct).ConfigureAwait(false); return 0; }) : Task.CompletedTask;

    /// <summary><c>create_aggregate_groups(key)</c>: the opposing pair of aggregates with their hosts.</summary>
    public async Task<AggregateGroups> CreateAggregateGroupsAsync(string key, IEnumerable<string> chosen, CancellationToken ct)
    {
        var groups = AggregateGroups.Create(key, chosen, Cloud.UpHosts.Select(h => h.Name));
        await StepAsync($"create aggregates {key}=true/false", async () =>
        {
            foreach (var (suffix, value, hosts) in groups.Aggregates)
            {
                var aggregate = await run.Resources.CreateAggregateAsync(Id, run.Run.Name(Id, suffix), new Dictionary<string, string?> { [key] = value }, ct).ConfigureAwait(false);
                foreach (var host in hosts) await run.Resources.AddHostAsync(Id, aggregate, host, ct).ConfigureAwait(false);
            }
            return groups;
        }).ConfigureAwait(false);
        return groups;
    }

    public void Add(ScenarioFinding finding)
    {
        lock (gate) findings.Add(finding);
    }

    /// <summary>A check the scenario makes itself: an error finding when <paramref name="ok"/> is false.</summary>
    public void Check(bool ok, string rule, string message, string expected, string actual, Guest? guest = null)
    {
        if (!ok) Add(new ScenarioFinding { Rule = rule, Severity = FindingSeverity.Error, Message = message, Expected = expected, Actual = actual, Guest = guest?.Index });
    }

    public void NotCheckable(string what)
    {
        lock (gate) notChecked.Add(what);
    }

    public GuestEvidence Evidence(Guest guest) => Guests[guest.Index];

    private async Task<Inspection> InspectAsync(Guest guest, CancellationToken ct)
    {
        var flavor = guest.Spec.ToFlavor(run.Run.Name(Id, guest.Role));
        var resolution = Smog.Nova.Scheduling.NovaPlanner.Resolve(flavor, guest.Image);
        var inspection = await StepAsync($"inspect {guest.Role}", () => run.Inspector.InspectAsync(guest.ServerId!, flavor, guest.Image,
            resolution, ResourceDemand.Of(flavor, guest.Image, resolution), guest.Index, ct)).ConfigureAwait(false);
        Note(guest.Index, g => g with { Actual = inspection.Actual, DomainXml = inspection.DomainXml ?? g.DomainXml });
        lock (gate)
        {
            findings.AddRange(inspection.Findings);
            notChecked.AddRange(inspection.NotChecked);
        }
        return inspection;
    }

    /// <summary>Expectation first (the scenario's promise), then a determinate prediction against what happened.</summary>
    private void Judge(int index, Expect expect, PredictionOutcome prediction, string status, string? fault, Placement? actual, InFlightBoots.Flight flight)
    {
        var outcome = status switch
        {
            "ACTIVE" => PredictionOutcome.Active,
            "refused" => PredictionOutcome.ApiError,
            _ when fault?.StartsWith("No valid host was found", StringComparison.Ordinal) == true => PredictionOutcome.NoValidHost,
            _ => "error",
        };
        var wanted = expect switch
        {
            Expect.Active => PredictionOutcome.Active,
            Expect.NoValidHost => PredictionOutcome.NoValidHost,
            _ => PredictionOutcome.ApiError,
        };
        var p = prediction.Prediction;
        if (p.Determinate && flight.Disturbed)
        {
            NotCheckable($"prediction of guest {index}: another boot of this run entered the host after it was made");
        }
        else if (p.Determinate && p.Outcome != outcome)
        {
            Add(new ScenarioFinding
            {
                Rule = "prediction.outcome",
                Severity = FindingSeverity.Error,
                Message = $"the engine predicted {p.Outcome} ({p.Reason ?? "one candidate host"}), the cloud answered {outcome}" + (fault is null ? "" : $": {fault}"),
                Expected = p.Outcome,
                Actual = outcome,
                Guest = index,
            });
        }
        else if (p.Determinate && actual is not null && p.Placement is { } predicted)
        {
            if (predicted.Host != actual.Host)
                Add(new ScenarioFinding { Rule = "prediction.host", Severity = FindingSeverity.Error, Message = "the guest landed on another host than the one candidate", Expected = predicted.Host, Actual = actual.Host, Guest = index });
            else if (!actual.Cells.IsEmpty && !SamePlacement(predicted, actual))
                Add(new ScenarioFinding { Rule = "prediction.placement", Severity = FindingSeverity.Error, Message = "the guest's cells, pins or page size differ from the engine's fit on the known host state", Expected = Describe(predicted), Actual = Describe(actual), Guest = index });
        }
        if (outcome != wanted)
        {
            Add(new ScenarioFinding
            {
                Rule = $"expect.{wanted}",
                Severity = FindingSeverity.Error,
                Message = $"expected {wanted}, the cloud answered {outcome}" + (fault is null ? "" : $": {fault}"),
                Expected = wanted,
                Actual = fault is null ? outcome : $"{outcome}: {fault}",
                Guest = index,
            });
            throw new ScenarioStopped($"expected {wanted}, got {outcome}" + (fault is null ? "" : $": {fault}"));
        }
    }

    private static Prediction RefusalPrediction(IEnumerable<LintFinding> lint) => new()
    {
        Outcome = PredictionOutcome.ApiError,
        Determinate = true,
        Reason = lint.FirstOrDefault(f => f.Severity == LintSeverity.Error)?.ToString(),
    };

    private static bool SamePlacement(Placement a, Placement b) =>
        a.Host == b.Host && a.Cells.Length == b.Cells.Length && a.Cells.Zip(b.Cells).All(p =>
            p.First.HostCell == p.Second.HostCell && p.First.Pins.SequenceEqual(p.Second.Pins)
            && (p.First.PageSizeKiB ?? 4) == (p.Second.PageSizeKiB ?? 4) && p.First.MemoryMiB == p.Second.MemoryMiB);

    public static string Describe(Placement p) => $"{p.Host}: " + string.Join("; ", p.Cells.Select(c =>
        $"cell {c.GuestCell}→{c.HostCell} {c.MemoryMiB} MiB" + (c.PageSizeKiB is { } s ? $" pages {s} KiB" : "")
        + (c.Pins.IsEmpty ? "" : " pins " + string.Join(",", c.Pins.Select(kv => $"{kv.Key}:{kv.Value}")))));

    private static FlavorSummary Summary(string name, FlavorSpec spec) => new(name, spec.Vcpus, spec.RamMiB, spec.DiskGb, spec.ExtraSpecs);

    private int AddGuest(GuestEvidence evidence)
    {
        lock (gate)
        {
            guests.Add(evidence);
            return guests.Count - 1;
        }
    }

    private void Note(int index, Func<GuestEvidence, GuestEvidence> change)
    {
        lock (gate) guests[index] = change(guests[index]);
    }

    private async Task<T> StepAsync<T>(string name, Func<Task<T>> action)
    {
        run.Progress.Step(Id, name);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await action().ConfigureAwait(false);
            lock (gate) steps.Add(new StepRecord(name, true, watch.Elapsed));
            return result;
        }
        catch (Exception e)
        {
            lock (gate) steps.Add(new StepRecord(name, false, watch.Elapsed, e.Message.ReplaceLineEndings(" ")));
            throw;
        }
    }
}
