using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation.Defects;
using Smog.Cloud.Simulation.Domains;
using Smog.Cloud.Simulation.HostAccess;
using Smog.Nova.Pci;
using Smog.Cloud.Simulation.Scheduling;
using Smog.Cloud.Simulation.State;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Constraints;
using Smog.Nova.Scheduling;
using Smog.Topology;

namespace Smog.Cloud.Simulation;

/// <summary>
/// The embedded cloud's compute state and behaviour: hosts from a lab, flavors, aggregates,
/// servers with their lifecycle, Nova 26 scheduling through the engine in Smog.Core, placement's
/// view, hypervisors, server topology and each instance's domain XML. Thread-safe: every call
/// takes one lock and returns immutable snapshots; <see cref="ServerChanged"/> is raised outside it.
/// The HTTP layer keeps identity, images and networks and passes what a boot needs (<see cref="BootRequest"/>).
/// </summary>
public sealed class CloudSimulation : ISchedulerView, IDisposable
{
    private const string HyperthreadingTrait = "HW_CPU_HYPERTHREADING";

    /// <summary><c>[scheduler] max_attempts</c>: the chosen host and two alternates.</summary>
    private const int MaxAttempts = Scheduler.Alternates;

    private readonly object _gate = new();
    private readonly List<SimHost> _hosts;
    private readonly Dictionary<string, SimHost> _hostByName = new(StringComparer.Ordinal);
    private readonly List<FlavorRecord> _flavors = [];
    private readonly SortedDictionary<int, AggregateRecord> _aggregates = [];
    private readonly Dictionary<string, ServerState> _servers = new(StringComparer.Ordinal);
    private readonly List<ServerRecord> _changed = [];
    private readonly Scheduler _scheduler;
    /// <summary>Transitions that are due, finished in batches by one pump under one lock each (a work item per
    /// transition would make every completion fight the API calls for the lock).</summary>
    private readonly Channel<(string Id, long Transition)> _due = Channel.CreateUnbounded<(string, long)>();
    private int _nextAggregateId = 1;
    private int _nextInstanceId = 1;

    public CloudSimulation(LabDefinition lab, SimulationOptions? options = null)
    {
        Lab = lab;
        Options = options ?? SimulationOptions.Default;
        Defect = Options.Defect is null ? null
            : DefectCatalog.Find(Options.Defect) ?? throw new ArgumentException($"unknown defect '{Options.Defect}' (known: {string.Join(", ", DefectCatalog.All.Select(d => d.Name))})", nameof(options));
        var now = Now;
        // Hosts of one kind share their initial engine model (immutable): built once, not once per host.
        var nodes = new Dictionary<(ImmutableArray<NumaCell>, ImmutableArray<CpuInfo>, NovaConf), ComputeNode>();
        _hosts = [.. lab.Hosts.Select((h, i) =>
        {
            var key = (h.Topology.Cells, h.Topology.Cpus, h.Conf);
            if (!nodes.TryGetValue(key, out var node)) nodes[key] = node = ComputeNode.FromTopology(h.Topology, h.Conf);
            return new SimHost(h, i, node with { Discovered = h.Topology }, NewUuid, now);
        })];
        foreach (var host in _hosts) _hostByName[host.Name] = host;
        foreach (var aggregate in lab.Aggregates)
        {
            var created = CreateAggregateLocked(aggregate.Name, aggregate.AvailabilityZone);
            var metadata = created.Metadata.SetItems(aggregate.Metadata);
            _aggregates[created.Id] = created with
            {
                Metadata = metadata,
                Hosts = [.. lab.Hosts.Where(h => h.Aggregates.Contains(aggregate.Name)).Select(h => h.Name)],
            };
        }
        _scheduler = new Scheduler(lab.Controller, this, Defect?.Name == DefectCatalog.IgnoreAggregate);
        _ = Task.Run(PumpAsync);
    }

    /// <summary>Stops finishing transitions (pending ones stay pending).</summary>
    public void Dispose() => _due.Writer.TryComplete();

    /// <summary>Finishes due transitions when no call is under way; every call also finishes them before it leaves
    /// the lock, so under load the pump rarely competes for it.</summary>
    private async Task PumpAsync()
    {
        var reader = _due.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.Delay(1).ConfigureAwait(false);
            if (reader.Count > 0) Write(() => { });
        }
    }

    private void FinishDueLocked()
    {
        while (_due.Reader.TryRead(out var item)) FinishLocked(item.Id, item.Transition);
    }

    public LabDefinition Lab { get; }
    public SimulationOptions Options { get; }
    public Defect? Defect { get; }

    /// <summary>Raised after every change of a server (outside the lock), with its new snapshot.</summary>
    public event Action<ServerRecord>? ServerChanged;

    private DateTimeOffset Now => Options.Time.GetUtcNow();

    private static string NewUuid() => Guid.NewGuid().ToString();

    // ---- hosts, services, hypervisors -------------------------------------------------------

    public ImmutableArray<string> HostNames => [.. _hosts.Select(h => h.Name)];

    public ImmutableArray<HypervisorRecord> Hypervisors() => Read(() => _hosts.Select(Hypervisor).ToImmutableArray());

    /// <summary>By hypervisor id (UUID) or hostname; null when unknown.</summary>
    public HypervisorRecord? Hypervisor(string idOrHostname) =>
        Read(() => _hosts.FirstOrDefault(h => h.HypervisorId == idOrHostname || h.Name == idOrHostname) is { } host ? Hypervisor(host) : null);

    public HypervisorStatistics Statistics() => Read(() =>
    {
        var all = _hosts.Select(Hypervisor).ToList();
        return new HypervisorStatistics(all.Count, all.Sum(h => h.Vcpus), all.Sum(h => h.VcpusUsed), all.Sum(h => h.MemoryMiB),
            all.Sum(h => h.MemoryMiBUsed), all.Sum(h => h.FreeRamMiB), all.Sum(h => h.LocalGiB), all.Sum(h => h.LocalGiBUsed),
            all.Sum(h => h.FreeDiskGiB), all.Sum(h => h.DiskAvailableLeast), all.Sum(h => h.RunningVms), all.Sum(h => h.CurrentWorkload));
    });

    public ImmutableArray<ComputeServiceRecord> Services() => Read(() => _hosts.Select(h => h.Service).ToImmutableArray());

    /// <summary>Enables/disables (with a reason) or forces down a compute service, by service id or host name.</summary>
    public ComputeServiceRecord UpdateService(string idOrHost, bool? enabled = null, string? disabledReason = null, bool? forcedDown = null) => Write(() =>
    {
        var host = _hosts.FirstOrDefault(h => h.Service.Id == idOrHost || h.Name == idOrHost)
            ?? throw new SimulationException(SimulationFault.NotFound, $"Service {idOrHost} could not be found.");
        var service = host.Service;
        if (enabled is { } e) service = service with { Enabled = e, DisabledReason = e ? null : disabledReason ?? service.DisabledReason };
        else if (disabledReason is not null) service = service with { DisabledReason = disabledReason };
        if (forcedDown is { } down) service = service with { ForcedDown = down };
        host.Service = service with { UpdatedAt = Now };
        host.Touch(provider: enabled is not null);
        return host.Service;
    });

    /// <summary>virsh, numactl, lstopo and sysfs of one simulated host.</summary>
    public SimulatedHostRunner HostAccess(string host) =>
        _hostByName.TryGetValue(host, out var h) ? new SimulatedHostRunner(this, h.Lab)
            : throw new SimulationException(SimulationFault.NotFound, $"Compute host {host} could not be found.");

    internal string HostUuid(string host) => _hostByName[host].HypervisorId;

    internal long HostVersion(string host) => Read(() => _hostByName[host].Version);

    /// <summary>The host's hardware with the memory and huge pages its guests hold, for host access.</summary>
    internal HostFacts Facts(string host) => Read(() =>
    {
        var h = _hostByName[host];
        var pages = ImmutableDictionary.CreateBuilder<(int, long), long>();
        var small = ImmutableDictionary.CreateBuilder<int, long>();
        foreach (var cell in h.Node.Host.Cells)
        {
            foreach (var p in cell.Mempages) pages[(cell.Id, p.SizeKiB)] = p.Total - p.Used;
            // Nova's memory_usage counts every guest cell; those on huge pages hold pool pages instead.
            small[cell.Id] = Math.Max(0, cell.MemoryUsageMiB * 1024 - cell.Mempages.Where(p => p.SizeKiB != 4).Sum(p => p.Used * p.SizeKiB));
        }
        return new HostFacts(h.Name, h.Topology, pages.ToImmutable(), small.ToImmutable());
    });

    /// <summary>The domains a host holds: instance name, uuid, XML and whether it runs.</summary>
    internal ImmutableArray<(string Name, string Uuid, string Xml, bool Running)> Domains(string host) => Read(() =>
        _servers.Values
            .SelectMany(s => new[] { s.Claim, s.Incoming }.OfType<HostClaim>().Where(c => c.Host.Name == host).Select(c => (s, c)))
            .Select(x => (x.s.Record.InstanceName, x.s.Record.Id, x.c.Domain.Xml,
                x.s.Record.PowerState == PowerStates.Running && x.c == x.s.Claim))
            .OrderBy(x => x.InstanceName, StringComparer.Ordinal)
            .ToImmutableArray());

    private HypervisorRecord Hypervisor(SimHost h)
    {
        var t = h.Topology;
        var cpuInfo = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["arch"] = "x86_64",
            ["model"] = "Skylake-Server-IBRS",
            ["vendor"] = "Intel",
            ["topology"] = new Dictionary<string, int>
            {
                ["cells"] = t.Cells.Length,
                ["sockets"] = Math.Max(1, t.SocketCount),
                ["cores"] = t.Cpus.Length / Math.Max(1, t.ThreadsPerCore) / Math.Max(1, t.SocketCount),
                ["threads"] = Math.Max(1, t.ThreadsPerCore),
            },
            ["features"] = new[] { "sse", "sse2", "sse4.1", "sse4.2", "avx", "avx2", "vmx" },
        });
        return new HypervisorRecord
        {
            Id = h.HypervisorId,
            HypervisorHostname = h.Name,
            Service = h.Service,
            HostIp = h.HostIp,
            Vcpus = h.SharedVcpus,
            VcpusUsed = h.VcpusUsed,
            MemoryMiB = h.MemoryMiB,
            MemoryMiBUsed = h.MemoryMiBUsed,
            LocalGiB = h.Lab.DiskGiB,
            LocalGiBUsed = h.LocalGiBUsed,
            RunningVms = h.Instances.Count,
            CurrentWorkload = IoOps(h),
            CpuInfo = cpuInfo,
            Servers = [.. h.Instances.Select(id => _servers[id].Record).OrderBy(r => r.Created).Select(r => (r.Id, r.InstanceName))],
            Topology = t,
            Conf = h.Conf,
        };
    }

    IEnumerable<IReadOnlyDictionary<string, string>> ISchedulerView.AggregateMetadata(SimHost host) =>
        _aggregates.Values.Where(a => a.Hosts.Contains(host.Name)).Select(a => (IReadOnlyDictionary<string, string>)a.Metadata);

    int ISchedulerView.IoOps(SimHost host) => IoOps(host);

    /// <summary>Servers building, resizing or migrating: Nova's io_workload counts them on their hosts.</summary>
    private readonly HashSet<ServerState> _busy = [];

    private int IoOps(SimHost host) => _busy.Count(s => s.Claim?.Host == host || s.Incoming?.Host == host);

    IReadOnlyDictionary<SimHost, int> ISchedulerView.IoOpsByHost()
    {
        var counts = new Dictionary<SimHost, int>();
        foreach (var s in _busy)
            foreach (var host in new[] { s.Claim?.Host, s.Incoming?.Host }.OfType<SimHost>().Distinct())
                counts[host] = counts.GetValueOrDefault(host) + 1;
        return counts;
    }

    private static bool IsBusy(ServerRecord r) =>
        r.VmState == VmStates.Building || r.TaskState is TaskStates.ResizeMigrating or TaskStates.ResizePrep;

    // ---- flavors --------------------------------------------------------------------------------

    public ImmutableArray<FlavorRecord> Flavors() => Read(() => _flavors.ToImmutableArray());

    public FlavorRecord? Flavor(string id) => Read(() => _flavors.FirstOrDefault(f => f.Id == id));

    public FlavorRecord CreateFlavor(FlavorSpec spec) => Write(() =>
    {
        var id = spec.Id is null or "auto" ? NewUuid() : spec.Id;
        if (_flavors.Any(f => f.Id == id))
            throw new SimulationException(SimulationFault.Conflict, $"Flavor with ID {id} already exists.");
        if (_flavors.Any(f => f.Name == spec.Name))
            throw new SimulationException(SimulationFault.Conflict, $"Flavor with name {spec.Name} already exists.");
        if (spec.Vcpus < 1 || spec.RamMiB < 1 || spec.DiskGiB < 0)
            throw new SimulationException(SimulationFault.BadRequest, "Invalid input: vcpus and ram must be at least 1, disk at least 0.");
        var flavor = new FlavorRecord
        {
            Id = id,
            Name = spec.Name,
            Vcpus = spec.Vcpus,
            RamMiB = spec.RamMiB,
            DiskGiB = spec.DiskGiB,
            EphemeralGiB = spec.EphemeralGiB,
            SwapMiB = spec.SwapMiB,
            RxtxFactor = spec.RxtxFactor,
            IsPublic = spec.IsPublic,
            Description = spec.Description,
        };
        _flavors.Add(flavor);
        return flavor;
    });

    public FlavorRecord UpdateFlavor(string id, string? description) =>
        ChangeFlavor(id, f => f with { Description = description });

    public void DeleteFlavor(string id) => Write(() =>
    {
        var flavor = FlavorLocked(id);
        _flavors.Remove(flavor);
        return flavor;
    });

    /// <summary>Adds or overwrites the given keys, keeps the others.</summary>
    public FlavorRecord SetExtraSpecs(string id, IReadOnlyDictionary<string, string> specs) =>
        ChangeFlavor(id, f => f with { ExtraSpecs = f.ExtraSpecs.SetItems(specs) });

    public FlavorRecord DeleteExtraSpec(string id, string key) => ChangeFlavor(id, f => f.ExtraSpecs.ContainsKey(key)
        ? f with { ExtraSpecs = f.ExtraSpecs.Remove(key) }
        : throw new SimulationException(SimulationFault.NotFound, $"Flavor {id} has no extra specs with key {key}."));

    private FlavorRecord ChangeFlavor(string id, Func<FlavorRecord, FlavorRecord> change) => Write(() =>
    {
        var flavor = FlavorLocked(id);
        var changed = change(flavor);
        _flavors[_flavors.IndexOf(flavor)] = changed;
        return changed;
    });

    private FlavorRecord FlavorLocked(string id) =>
        _flavors.FirstOrDefault(f => f.Id == id) ?? throw new SimulationException(SimulationFault.NotFound, $"Flavor {id} could not be found.");

    // ---- aggregates -------------------------------------------------------------------------------

    public ImmutableArray<AggregateRecord> Aggregates() => Read(() => _aggregates.Values.ToImmutableArray());

    public AggregateRecord? Aggregate(int id) => Read(() => _aggregates.GetValueOrDefault(id));

    public AggregateRecord CreateAggregate(string name, string? availabilityZone = null) => Write(() =>
    {
        if (_aggregates.Values.Any(a => a.Name == name))
            throw new SimulationException(SimulationFault.Conflict, $"Aggregate {name} already exists.");
        return CreateAggregateLocked(name, availabilityZone);
    });

    private AggregateRecord CreateAggregateLocked(string name, string? availabilityZone)
    {
        var aggregate = new AggregateRecord
        {
            Id = _nextAggregateId++,
            Uuid = NewUuid(),
            Name = name,
            CreatedAt = Now,
            Metadata = availabilityZone is null ? ImmutableSortedDictionary<string, string>.Empty
                : ImmutableSortedDictionary<string, string>.Empty.Add(AggregateRecord.AvailabilityZoneKey, availabilityZone),
        };
        _aggregates[aggregate.Id] = aggregate;
        return aggregate;
    }

    public AggregateRecord UpdateAggregate(int id, string? name, string? availabilityZone) => ChangeAggregate(id, a =>
    {
        if (name is not null && name != a.Name && _aggregates.Values.Any(o => o.Name == name))
            throw new SimulationException(SimulationFault.Conflict, $"Aggregate {name} already exists.");
        var metadata = availabilityZone is null ? a.Metadata : a.Metadata.SetItem(AggregateRecord.AvailabilityZoneKey, availabilityZone);
        return a with { Name = name ?? a.Name, Metadata = metadata };
    });

    /// <summary>Refused (400) while hosts remain.</summary>
    public void DeleteAggregate(int id) => Write(() =>
    {
        var aggregate = AggregateLocked(id);
        if (!aggregate.Hosts.IsEmpty)
            throw new SimulationException(SimulationFault.BadRequest, $"Cannot remove host from aggregate {id}. Reason: Host aggregate is not empty.");
        _aggregates.Remove(id);
        return aggregate;
    });

    public AggregateRecord AddHost(int id, string host) => ChangeAggregate(id, a =>
    {
        var h = _hostByName.GetValueOrDefault(host) ?? throw new SimulationException(SimulationFault.NotFound, $"Compute host {host} could not be found.");
        if (a.Hosts.Contains(host))
            throw new SimulationException(SimulationFault.Conflict, $"Aggregate {id} already has host {host}.");
        h.Touch(provider: true);
        return a with { Hosts = a.Hosts.Add(host) };
    });

    public AggregateRecord RemoveHost(int id, string host) => ChangeAggregate(id, a =>
    {
        if (!a.Hosts.Contains(host))
            throw new SimulationException(SimulationFault.NotFound, $"Cannot remove host {host} in aggregate {id}");
        _hostByName[host].Touch(provider: true);
        return a with { Hosts = a.Hosts.Remove(host) };
    });

    /// <summary>Sets keys; a null value deletes the key.</summary>
    public AggregateRecord SetAggregateMetadata(int id, IReadOnlyDictionary<string, string?> metadata) => ChangeAggregate(id, a =>
    {
        var builder = a.Metadata.ToBuilder();
        foreach (var (key, value) in metadata)
        {
            if (value is null) builder.Remove(key);
            else builder[key] = value;
        }
        return a with { Metadata = builder.ToImmutable() };
    });

    private AggregateRecord ChangeAggregate(int id, Func<AggregateRecord, AggregateRecord> change) => Write(() =>
    {
        var changed = change(AggregateLocked(id)) with { UpdatedAt = Now };
        _aggregates[id] = changed;
        return changed;
    });

    private AggregateRecord AggregateLocked(int id) =>
        _aggregates.GetValueOrDefault(id) ?? throw new SimulationException(SimulationFault.NotFound, $"Aggregate {id} could not be found.");

    // ---- servers ----------------------------------------------------------------------------------

    /// <summary>Schedules at once and returns the server in BUILD; after <see cref="SimulationOptions.BuildTime"/>
    /// it is ACTIVE or ERROR (see <see cref="WhenSettled"/>). Refuses (400) what Nova's API refuses.</summary>
    public ServerRecord Boot(BootRequest request) => Write(() =>
    {
        var flavor = _flavors.FirstOrDefault(f => f.Id == request.FlavorId)
            ?? throw new SimulationException(SimulationFault.BadRequest, $"Flavor {request.FlavorId} could not be found.");
        var forced = request.ForcedHost;
        var requested = request.Host ?? request.HypervisorHostname;
        foreach (var name in new[] { forced, requested }.OfType<string>())
            if (!_hostByName.ContainsKey(name))
                throw new SimulationException(SimulationFault.BadRequest, $"Compute host {name} could not be found.");
        var schedule = Prepare(flavor, request.ImageProperties, request.Ports, request.AvailabilityZone) with
        {
            RequestedHost = requested,
            ForcedHost = forced,
        };
        var now = Now;
        var state = new ServerState(new ServerRecord
        {
            Id = NewUuid(),
            Name = request.Name,
            ProjectId = request.ProjectId,
            UserId = request.UserId,
            Flavor = flavor,
            ImageId = request.ImageId,
            ImageProperties = request.ImageProperties,
            Metadata = request.Metadata,
            Tags = request.Tags,
            Ports = request.Ports,
            Description = request.Description,
            AvailabilityZone = request.AvailabilityZone,
            VmState = VmStates.Building,
            TaskState = TaskStates.Spawning,
            PowerState = PowerStates.NoState,
            InstanceName = string.Create(CultureInfo.InvariantCulture, $"instance-{_nextInstanceId++:x8}"),
            Created = now,
            Updated = now,
        });
        _servers[state.Record.Id] = state;
        var (claim, fault) = PlaceAndClaim(state, schedule, flavor, request.FailBuild);
        state.Claim = claim;
        Update(state, r => r with { Host = claim?.Host.Name, Placement = claim?.Placement, Domain = claim?.Domain });
        StartTransition(state, () => Update(state, r => fault is null
            ? r with { VmState = VmStates.Active, TaskState = null, PowerState = PowerStates.Running, LaunchedAt = Now }
            : r with { VmState = VmStates.Error, TaskState = null, Fault = fault }));
        return state.Record;
    });

    /// <summary>Completes with the server's snapshot once no transition is pending (immediately when none is).</summary>
    public Task<ServerRecord> WhenSettled(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var state = ServerLocked(id);
            if (state.Completion is null) return Task.FromResult(state.Record);
            state.Settled ??= new TaskCompletionSource<ServerRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            return state.Settled.Task.WaitAsync(cancellationToken);
        }
    }

    public ServerRecord? Server(string id) => Read(() => _servers.GetValueOrDefault(id)?.Record);

    public ImmutableArray<ServerRecord> Servers() => Read(() => _servers.Values.Select(s => s.Record).OrderBy(r => r.Created).ToImmutableArray());

    /// <summary>Releases every resource and forgets the server.</summary>
    public void Delete(string id) => Write(() =>
    {
        var state = ServerLocked(id);
        CancelTransition(state);
        if (state.Incoming is { } incoming) Release(incoming, state);
        if (state.Claim is { } claim) Release(claim, state);
        state.Claim = state.Incoming = null;
        _servers.Remove(id);
        _busy.Remove(state);
        Update(state, r => r with { VmState = VmStates.Deleted, TaskState = null, PowerState = PowerStates.NoState, Host = null });
        state.Settled?.TrySetResult(state.Record);
        return state.Record;
    });

    public ServerRecord Reboot(string id, bool hard) => Act(id, hard ? "reboot" : "reboot",
        s => s.VmState == VmStates.Active || hard && s.VmState == VmStates.Stopped,
        state =>
        {
            Update(state, r => r with { TaskState = hard ? TaskStates.RebootingHard : TaskStates.Rebooting });
            StartTransition(state, () => Update(state, r => r with { VmState = VmStates.Active, TaskState = null, PowerState = PowerStates.Running }));
        });

    public ServerRecord Stop(string id) => Act(id, "stop", s => s.VmState == VmStates.Active, state =>
    {
        Update(state, r => r with { TaskState = TaskStates.PoweringOff });
        StartTransition(state, () => Update(state, r => r with { VmState = VmStates.Stopped, TaskState = null, PowerState = PowerStates.Shutdown }));
    });

    public ServerRecord Start(string id) => Act(id, "start", s => s.VmState == VmStates.Stopped, state =>
    {
        Update(state, r => r with { TaskState = TaskStates.PoweringOn });
        StartTransition(state, () => Update(state, r => r with { VmState = VmStates.Active, TaskState = null, PowerState = PowerStates.Running }));
    });

    /// <summary>Schedules the new flavor on another host (allow_resize_to_same_host is false) and claims there; VERIFY_RESIZE after the transition.</summary>
    public ServerRecord Resize(string id, string flavorId) => Write(() =>
    {
        var flavor = _flavors.FirstOrDefault(f => f.Id == flavorId)
            ?? throw new SimulationException(SimulationFault.BadRequest, $"Flavor {flavorId} could not be found.");
        var state = ServerLocked(id);
        if (state.Record.Flavor.Id == flavor.Id)
            throw new SimulationException(SimulationFault.BadRequest, "When resizing, instances must change flavor!");
        return ColdMove(state, flavor, null, "resize");
    });

    public ServerRecord ConfirmResize(string id) => Write(() =>
    {
        var state = ServerLocked(id);
        if (state.Record.VmState != VmStates.Resized || state.Completion is not null)
            throw Conflict(state, "confirmResize");
        if (state.Claim is { } source) Release(source, state);
        state.Claim = state.Incoming;
        state.Incoming = null;
        Update(state, r => r with { VmState = state.ResumeVmState, TaskState = null, OldFlavor = null });
        return state.Record;
    });

    public ServerRecord RevertResize(string id) => Write(() =>
    {
        var state = ServerLocked(id);
        if (state.Record.VmState != VmStates.Resized || state.Completion is not null)
            throw Conflict(state, "revertResize");
        Update(state, r => r with { TaskState = TaskStates.ResizeReverting });
        StartTransition(state, () =>
        {
            if (state.Incoming is { } incoming) Release(incoming, state);
            state.Incoming = null;
            var source = state.Claim!;
            MoveAllocation(source, state.Record.Id);
            state.Claim = source with { Consumer = state.Record.Id };
            Update(state, r => r with
            {
                VmState = state.ResumeVmState,
                TaskState = null,
                Flavor = r.OldFlavor ?? r.Flavor,
                OldFlavor = null,
                Host = source.Host.Name,
                Placement = source.Placement,
                Domain = source.Domain,
                PowerState = state.ResumeVmState == VmStates.Active ? PowerStates.Running : PowerStates.Shutdown,
            });
        });
        return state.Record;
    });

    /// <summary>Cold migration: a resize to the same flavor, to <paramref name="host"/> or a scheduled one; confirm with <see cref="ConfirmResize"/>.</summary>
    public ServerRecord Migrate(string id, string? host = null) => Write(() =>
    {
        var state = ServerLocked(id);
        if (host is not null && !_hostByName.ContainsKey(host))
            throw new SimulationException(SimulationFault.BadRequest, $"Compute host {host} could not be found.");
        return ColdMove(state, state.Record.Flavor, host, "migrate");
    });

    /// <summary>Live migration to <paramref name="host"/> or a scheduled one; the pinning is recomputed there.
    /// No valid destination: the server stays ACTIVE on its host and the fault is recorded.</summary>
    public ServerRecord LiveMigrate(string id, string? host = null) => Write(() =>
    {
        var state = ServerLocked(id);
        if (state.Record.VmState != VmStates.Active || state.Completion is not null) throw Conflict(state, "os-migrateLive");
        if (host is not null && !_hostByName.ContainsKey(host))
            throw new SimulationException(SimulationFault.BadRequest, $"Compute host {host} could not be found.");
        var schedule = Reschedule(state, state.Record.Flavor, host);
        var (claim, fault) = PlaceAndClaim(state, schedule, state.Record.Flavor, false);
        if (claim is null)
        {
            Update(state, r => r with { Fault = fault });
            return state.Record;
        }
        state.Incoming = claim;
        Update(state, r => r with { TaskState = TaskStates.Migrating });
        StartTransition(state, () =>
        {
            if (state.Claim is { } source) Release(source, state);
            state.Claim = state.Incoming;
            state.Incoming = null;
            Update(state, r => r with { TaskState = null, Host = claim.Host.Name, Placement = claim.Placement, Domain = claim.Domain });
        });
        return state.Record;
    });

    /// <summary>Null when the server is unknown; no nodes and a null page size without an instance NUMA topology.</summary>
    public ServerTopologyView? Topology(string id) => Read(() =>
    {
        if (_servers.GetValueOrDefault(id) is not { } state) return null;
        if (state.Record.Placement?.Fitted is not { } fitted) return new ServerTopologyView([], null);
        var host = state.Record.Placement.Host;
        var nova = _hostByName[host].Node.Host;
        var nodes = fitted.Cells.Select(c => new ServerTopologyNodeView(c.AllCpus, GuestSiblings(c, nova), c.MemoryMiB, c.HostCell, c.CpuPinning));
        return new ServerTopologyView([.. nodes], fitted.Cells.Select(c => c.PageSizeKiB).LastOrDefault(p => p is not null));
    });

    /// <summary>Nova's <c>InstanceNUMACell.siblings</c>: the cell's vCPUs in groups of the fit's threads per core
    /// (how many of the cell's pCPUs share a host core), none when that is 1.</summary>
    private static ImmutableArray<CpuSet> GuestSiblings(FittedCell cell, Smog.Nova.Host.NovaHost host)
    {
        if (cell.CpuPinning.IsEmpty || host.Cell(cell.HostCell) is not { } hostCell) return [];
        var threads = cell.CpuPinning.Values.GroupBy(p => hostCell.CoreOf(p)[0]).Select(g => g.Count()).DefaultIfEmpty(1).Max();
        if (threads <= 1) return [];
        return [.. cell.AllCpus.Chunk(threads).Select(g => CpuSet.Of(g))];
    }

    // ---- placement --------------------------------------------------------------------------------

    public ImmutableArray<ResourceProviderRecord> ResourceProviders() => Read(() => _hosts.Select(Provider).ToImmutableArray());

    public ResourceProviderRecord? ResourceProvider(string uuid) =>
        Read(() => _hosts.FirstOrDefault(h => h.ProviderUuid == uuid) is { } host ? Provider(host) : null);

    public ConsumerAllocations Allocations(string consumerId) => Read(() =>
    {
        var byProvider = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, long>>(StringComparer.Ordinal);
        var generations = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var host in _hosts)
            if (host.Allocations.TryGetValue(consumerId, out var resources))
            {
                byProvider[host.ProviderUuid] = resources;
                generations[host.ProviderUuid] = host.ProviderGeneration;
            }
        var server = _servers.GetValueOrDefault(consumerId)?.Record;
        return new ConsumerAllocations(byProvider.ToImmutable(), generations.ToImmutable(), byProvider.Count == 0 ? 0 : 1, server?.ProjectId, server?.UserId);
    });

    private ResourceProviderRecord Provider(SimHost h) => new()
    {
        Uuid = h.ProviderUuid,
        Name = h.Name,
        Generation = h.ProviderGeneration,
        Inventories = h.Inventories,
        Usages = h.Inventories.Keys.ToImmutableSortedDictionary(rc => rc, h.UsageOf, StringComparer.Ordinal),
        Allocations = h.Allocations.ToImmutableSortedDictionary(StringComparer.Ordinal),
        Traits = h.Service.Enabled ? h.StaticTraits : h.StaticTraits.Add(SimHost.CompuStatusDisabled),
        AggregateUuids = [.. _aggregates.Values.Where(a => a.Hosts.Contains(h.Name)).Select(a => a.Uuid)],
    };

    // ---- scheduling and claims -----------------------------------------------------------------

    /// <summary>Resolved requests by flavor snapshot and image properties (both immutable), for boots without ports.</summary>
    private readonly Dictionary<(FlavorRecord, ImmutableSortedDictionary<string, string>), ScheduleRequest> _prepared = [];

    /// <summary>Resolves the request once and builds placement's query; the API's refusals are 400s.</summary>
    private ScheduleRequest Prepare(FlavorRecord flavor, ImmutableSortedDictionary<string, string> imageProperties,
        ImmutableArray<PortRequest> ports, string? availabilityZone)
    {
        var zone = ZoneHosts(availabilityZone);
        if (!ports.IsDefaultOrEmpty) return Resolve(flavor, imageProperties, ports) with { ZoneHosts = zone };
        var key = (flavor, imageProperties);
        if (!_prepared.TryGetValue(key, out var prepared))
        {
            if (_prepared.Count > 1024) _prepared.Clear();
            _prepared[key] = prepared = Resolve(flavor, imageProperties, ports);
        }
        return zone is null ? prepared : prepared with { ZoneHosts = zone };
    }

    private ScheduleRequest Resolve(FlavorRecord flavor, ImmutableSortedDictionary<string, string> imageProperties, ImmutableArray<PortRequest> ports)
    {
        var engineFlavor = DefectiveFlavor(flavor.ToEngine());
        var image = new ImageProperties(imageProperties);
        var resolution = NovaPlanner.Resolve(engineFlavor, image);
        if (resolution.ConstraintsError is { } error) throw new SimulationException(SimulationFault.BadRequest, error.Message);
        // Only an impossible topology is found on the compute node (the build fails there); the API refuses the rest.
        if (resolution.CpuTopology.Error is { ExceptionClass: not "ImageVCPULimitsRangeImpossible" } topologyError)
            throw new SimulationException(SimulationFault.BadRequest, topologyError.Message);
        var (pci, pciError) = PciModel.Requests(engineFlavor, image, ports.Select(p => p.ToPci()), Lab.Controller);
        if (pciError is not null) throw new SimulationException(SimulationFault.BadRequest, pciError);

        var translated = PlacementTranslation.Translate(engineFlavor, image, resolution.Resolved!);
        var disk = flavor.DiskRequestGiB;
        var resources = Amounts(("VCPU", translated.Vcpu), ("PCPU", translated.Pcpu), ("MEMORY_MB", translated.MemoryMiB), ("DISK_GB", disk));
        var dedicated = (engineFlavor.Spec("hw:cpu_policy") ?? image.Get("hw_cpu_policy")) == "dedicated";
        var explicitTraits = engineFlavor.ExtraSpecs.Keys.Where(k => k.StartsWith("trait", StringComparison.Ordinal)).Select(k => k[(k.IndexOf(':') + 1)..]).ToHashSet();
        return new ScheduleRequest
        {
            Flavor = flavor with { ExtraSpecs = engineFlavor.ExtraSpecs },
            Request = new NovaRequest(engineFlavor, image) { PciRequests = pci.IsEmpty ? null : [.. pci.Select(r => r.ToEngine())] },
            Resolution = resolution,
            Resources = resources,
            Traits = translated.Traits,
            // Nova asks placement a second time without the pinning translation (disable_fallback_pcpu_query=False).
            FallbackResources = dedicated ? Amounts(("VCPU", engineFlavor.Vcpus), ("MEMORY_MB", translated.MemoryMiB), ("DISK_GB", disk)) : null,
            FallbackTraits = translated.Traits.RemoveRange(translated.Traits.Keys.Where(t => t == HyperthreadingTrait && !explicitTraits.Contains(t))),
            PciRequests = pci,
        };
    }

    private static ImmutableSortedDictionary<string, long> Amounts(params (string Rc, long Amount)[] amounts) =>
        amounts.Where(a => a.Amount > 0).ToImmutableSortedDictionary(a => a.Rc, a => a.Amount, StringComparer.Ordinal);

    /// <summary>The defects that live in the scheduler's reading of the flavor.</summary>
    private Flavor DefectiveFlavor(Flavor flavor) => Defect?.Name switch
    {
        DefectCatalog.IgnoreNumaNodes => flavor with
        {
            ExtraSpecs = flavor.ExtraSpecs.RemoveRange(flavor.ExtraSpecs.Keys.Where(k => k == "hw:numa_nodes" || k.StartsWith("hw:numa_cpus.", StringComparison.Ordinal) || k.StartsWith("hw:numa_mem.", StringComparison.Ordinal))),
        },
        DefectCatalog.IgnoreThreadPolicy => flavor with
        {
            ExtraSpecs = flavor.ExtraSpecs.RemoveRange(flavor.ExtraSpecs.Keys.Where(k => k == "hw:cpu_thread_policy" || k.EndsWith(":" + HyperthreadingTrait, StringComparison.Ordinal))),
        },
        _ => flavor,
    };

    /// <summary>Hosts of the zone's aggregates; null (no restriction) without a zone or for the default zone "nova".</summary>
    private ImmutableHashSet<string>? ZoneHosts(string? zone)
    {
        if (zone is null) return null;
        var aggregates = _aggregates.Values.Where(a => a.AvailabilityZone == zone).ToList();
        if (aggregates.Count == 0)
            return zone == "nova" ? null : throw new SimulationException(SimulationFault.BadRequest, "The requested availability zone is not available");
        return [.. aggregates.SelectMany(a => a.Hosts)];
    }

    private ScheduleRequest Reschedule(ServerState state, FlavorRecord flavor, string? host)
    {
        var r = state.Record;
        return Prepare(flavor, r.ImageProperties, r.Ports, r.AvailabilityZone) with
        {
            RequestedHost = host,
            IgnoreHosts = r.Host is { } current ? [current] : [],
        };
    }

    /// <summary>Scheduler, then the claim on the chosen host, then on alternates (max_attempts 3); a failed build
    /// counts against the host (BuildFailureWeigher) and is retried like Nova's reschedule.</summary>
    private (HostClaim? Claim, ServerFault? Fault) PlaceAndClaim(ServerState state, ScheduleRequest request, FlavorRecord flavor, bool failBuild)
    {
        var outcome = _scheduler.Select(_hosts, request);
        if (!outcome.Found) return (null, new ServerFault(500, outcome.NoValidHostMessage!, Now));
        foreach (var (host, allocation) in outcome.Hosts.Take(MaxAttempts))
        {
            if (failBuild)
            {
                host.FailedBuilds++;
                host.Touch();
                continue;
            }
            if (TryClaim(host, request, allocation, state, flavor) is { } claim) return (claim, null);
        }
        return (null, new ServerFault(500,
            $"Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance {state.Record.Id}.", Now));
    }

    /// <summary>The compute node's claim: the fit again on the host's current state (as the resource tracker does),
    /// the engine's accounting, the PCI devices, placement's allocation and the domain XML.</summary>
    private HostClaim? TryClaim(SimHost host, ScheduleRequest request, ImmutableSortedDictionary<string, long> allocation, ServerState state, FlavorRecord flavor)
    {
        if (request.Resolution.CpuTopology.Chosen is not { } cpuTopology) return null; // ImageVCPULimitsRangeImpossible: the build fails
        var node = request.PciRequests.IsEmpty ? host.Node : host.Node with { PciPools = PciModel.Pools(host.FreePci, request.PciRequests) };
        FittedTopology? fitted = null;
        if (request.Resolution.Topology is { } topology)
        {
            var fit = node.Fit(topology, request.Request.PciRequests);
            if (!fit.Fits) return null;
            fitted = fit.Topology;
        }
        // The defect "reuses a pinned pCPU": the resource tracker forgets the pins it hands out.
        var accounted = fitted is not null && Defect?.Name == DefectCatalog.ReusePinnedPcpu
            ? fitted with { Cells = [.. fitted.Cells.Select(c => c with { CpuPolicy = null })] }
            : fitted;
        var claimed = host.Node;
        if (accounted is not null)
        {
            var (after, _) = host.Node.Claim(accounted);
            if (after is null) return null;
            claimed = after;
        }
        var cells = fitted is null ? null : (ISet<int>)fitted.Cells.Select(c => c.HostCell).ToHashSet();
        if (PciModel.Assign(host.FreePci, request.PciRequests, cells, host.Topology, Defect?.Name == DefectCatalog.PciFarNode) is not { } pci) return null;

        var record = state.Record;
        // The instance consumer holds the new claim; during a move the source's allocation moves to a migration consumer.
        var consumer = record.Id;
        var plan = new PlanResult(record.Name, request.Request, request.Resolution, true, true, fitted, node, null);
        var identity = new DomainIdentity(record.InstanceName, record.Id, record.Name, flavor, record.UserId, record.ProjectId, record.ImageId, record.Created);
        var topologyOfHost = host.Topology;
        var defect = Defect;
        var ports = record.Ports;
        var xml = new DeferredDomain(() => InstanceDomain.Build(plan, identity, pci, ports, topologyOfHost, defect));
        var placement = new InstancePlacement
        {
            Host = host.Name,
            Resolution = request.Resolution,
            Fitted = fitted,
            CpuTopology = cpuTopology,
            Allocations = allocation,
            PciDevices = pci,
        };

        if (state.Claim is { } source && source.Consumer == record.Id) state.Claim = MoveAllocation(source, NewUuid());
        host.Node = claimed;
        foreach (var d in pci) host.PciInUse[d.Address] = record.Id;
        host.VcpusUsed += flavor.Vcpus;
        host.MemoryMiBUsed += flavor.RamMiB;
        host.LocalGiBUsed += flavor.DiskGiB + flavor.EphemeralGiB;
        host.Instances.Add(record.Id);
        host.Allocate(consumer, allocation);
        return new HostClaim(host, consumer, flavor, accounted, placement, xml);
    }

    /// <summary>Moves a claim's placement allocation to another consumer (the migration record during a move).</summary>
    private static HostClaim MoveAllocation(HostClaim claim, string consumer)
    {
        var resources = claim.Host.Allocations[claim.Consumer];
        claim.Host.Deallocate(claim.Consumer);
        claim.Host.Allocate(consumer, resources);
        return claim with { Consumer = consumer };
    }

    private void Release(HostClaim claim, ServerState state)
    {
        var host = claim.Host;
        if (claim.Accounted is { } accounted)
        {
            var (after, error) = host.Node.Release(accounted);
            host.Node = after ?? throw new InvalidOperationException($"releasing {state.Record.Id} on {host.Name}: {error}");
        }
        foreach (var d in claim.Placement.PciDevices) host.PciInUse.Remove(d.Address);
        var flavor = claim.Flavor;
        host.VcpusUsed -= flavor.Vcpus;
        host.MemoryMiBUsed -= flavor.RamMiB;
        host.LocalGiBUsed -= flavor.DiskGiB + flavor.EphemeralGiB;
        host.Instances.Remove(state.Record.Id);
        host.Deallocate(claim.Consumer);
        host.Touch();
    }

    /// <summary>Resize and cold migration: schedule elsewhere, claim the destination, VERIFY_RESIZE after the transition.
    /// No valid host: the server keeps running where it is, with the fault recorded (Nova's conductor does the same).</summary>
    private ServerRecord ColdMove(ServerState state, FlavorRecord flavor, string? host, string action)
    {
        if (state.Record.VmState is not (VmStates.Active or VmStates.Stopped) || state.Completion is not null) throw Conflict(state, action);
        var schedule = Reschedule(state, flavor, host);
        var (claim, fault) = PlaceAndClaim(state, schedule, flavor, false);
        if (claim is null)
        {
            Update(state, r => r with { Fault = fault });
            return state.Record;
        }
        state.Incoming = claim;
        state.ResumeVmState = state.Record.VmState;
        Update(state, r => r with { TaskState = TaskStates.ResizePrep });
        StartTransition(state, () => Update(state, r => r with
        {
            VmState = VmStates.Resized,
            TaskState = null,
            OldFlavor = r.Flavor,
            Flavor = flavor,
            Host = claim.Host.Name,
            Placement = claim.Placement,
            Domain = claim.Domain,
        }));
        return state.Record;
    }

    private ServerRecord Act(string id, string action, Func<ServerRecord, bool> allowed, Action<ServerState> start) => Write(() =>
    {
        var state = ServerLocked(id);
        if (!allowed(state.Record) || state.Completion is not null) throw Conflict(state, action);
        start(state);
        return state.Record;
    });

    private static SimulationException Conflict(ServerState state, string action) =>
        new(SimulationFault.Conflict,
            $"Cannot '{action}' instance {state.Record.Id} while it is in {(state.Record.TaskState is { } t ? $"task_state {t}" : $"vm_state {state.Record.VmState}")}");

    private ServerState ServerLocked(string id) =>
        _servers.GetValueOrDefault(id) ?? throw new SimulationException(SimulationFault.NotFound, $"Instance {id} could not be found.");

    // ---- transitions, snapshots, events ---------------------------------------------------------

    private void Update(ServerState state, Func<ServerRecord, ServerRecord> change)
    {
        state.Record = change(state.Record) with { Updated = Now };
        if (IsBusy(state.Record) && state.Record.VmState != VmStates.Deleted) _busy.Add(state);
        else _busy.Remove(state);
        _changed.Add(state.Record);
    }

    /// <summary>Runs <paramref name="complete"/> after the build time, unless another transition or a delete came first.</summary>
    private void StartTransition(ServerState state, Action complete)
    {
        CancelTransition(state);
        var transition = ++state.TransitionId;
        state.Completion = complete;
        var id = state.Record.Id;
        if (Options.BuildTime <= TimeSpan.Zero)
            _due.Writer.TryWrite((id, transition));
        else
            state.Timer = Options.Time.CreateTimer(_ => _due.Writer.TryWrite((id, transition)), null, Options.BuildTime, Timeout.InfiniteTimeSpan);
    }

    private static void CancelTransition(ServerState state)
    {
        state.Timer?.Dispose();
        state.Timer = null;
        state.Completion = null;
    }

    private void FinishLocked(string id, long transition)
    {
        if (!_servers.TryGetValue(id, out var state) || state.TransitionId != transition || state.Completion is not { } complete) return;
        CancelTransition(state);
        complete();
        if (state.Completion is null)
        {
            var settled = state.Settled;
            state.Settled = null;
            settled?.TrySetResult(state.Record);
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate) return read();
    }

    private T Write<T>(Func<T> write)
    {
        T result;
        ServerRecord[] changed;
        lock (_gate)
        {
            try
            {
                result = write();
                FinishDueLocked();
            }
            finally
            {
                changed = [.. _changed];
                _changed.Clear();
            }
        }
        if (ServerChanged is { } handler)
            foreach (var record in changed) handler(record);
        return result;
    }

    private void Write(Action write) => Write(() =>
    {
        write();
        return 0;
    });
}
