using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.Libvirt.Verification;
using Smog.OpenStack.Http;
using Smog.Topology;

namespace Smog.OpenStack.Compute;

// Nova wire shapes at the negotiated microversion (≥ 2.53 assumed for UUID ids). Wire names
// live only in these attributes; every key the API may omit is nullable (2.69 down-cell records).

public sealed record NovaFlavor : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("ram")] public required int RamMiB { get; init; }
    [JsonPropertyName("vcpus")] public required int Vcpus { get; init; }
    [JsonPropertyName("disk")] public required int DiskGiB { get; init; }
    /// <summary>"" before 2.75 for no swap, 0 after.</summary>
    [JsonPropertyName("swap"), JsonConverter(typeof(EmptyStringAsZero))] public int? SwapMiB { get; init; }
    [JsonPropertyName("OS-FLV-EXT-DATA:ephemeral")] public int? EphemeralGiB { get; init; }
    [JsonPropertyName("OS-FLV-DISABLED:disabled")] public bool? Disabled { get; init; }
    [JsonPropertyName("os-flavor-access:is_public")] public bool? IsPublic { get; init; }
    [JsonPropertyName("rxtx_factor")] public double? RxtxFactor { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    /// <summary>Present from 2.61 when policy allows.</summary>
    [JsonPropertyName("extra_specs")] public Dictionary<string, string>? ExtraSpecs { get; init; }
    [JsonPropertyName("links")] public List<Link>? Links { get; init; }
}

public sealed record Link([property: JsonPropertyName("rel")] string Rel, [property: JsonPropertyName("href")] string Href);

/// <summary>POST /flavors body; only name, ram, vcpus, disk are required.</summary>
public sealed record FlavorCreate
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("ram")] public required int RamMiB { get; init; }
    [JsonPropertyName("vcpus")] public required int Vcpus { get; init; }
    [JsonPropertyName("disk")] public required int DiskGiB { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("swap")] public int? SwapMiB { get; init; }
    [JsonPropertyName("OS-FLV-EXT-DATA:ephemeral")] public int? EphemeralGiB { get; init; }
    [JsonPropertyName("os-flavor-access:is_public")] public bool? IsPublic { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
}

public sealed record FlavorEnvelope<T>([property: JsonPropertyName("flavor")] T Flavor);
public sealed record FlavorsEnvelope([property: JsonPropertyName("flavors")] List<NovaFlavor> Flavors);
/// <summary>One extra spec, as GET os-extra_specs/{key} answers it.</summary>
public sealed record ExtraSpec(string Key, string Value) : ApiRecord;

public sealed record ExtraSpecsEnvelope([property: JsonPropertyName("extra_specs")] Dictionary<string, string> ExtraSpecs);

public sealed record FlavorAccess(
    [property: JsonPropertyName("flavor_id")] string FlavorId,
    [property: JsonPropertyName("tenant_id")] string TenantId);

public sealed record FlavorAccessEnvelope([property: JsonPropertyName("flavor_access")] List<FlavorAccess> FlavorAccess);

public sealed record TenantRef([property: JsonPropertyName("tenant")] string Tenant);

public sealed record FlavorAccessAction
{
    [JsonPropertyName("addTenantAccess")] public TenantRef? Add { get; init; }
    [JsonPropertyName("removeTenantAccess")] public TenantRef? Remove { get; init; }
}

// ---- aggregates -------------------------------------------------------------------------------

public sealed record NovaAggregate : ApiRecord
{
    /// <summary>The integer id the paths use (the UUID is refused there).</summary>
    [JsonPropertyName("id")] public required int Id { get; init; }
    [JsonPropertyName("uuid")] public string? Uuid { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("availability_zone")] public string? AvailabilityZone { get; init; }
    [JsonPropertyName("hosts")] public List<string>? Hosts { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("created_at")] public DateTime? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTime? UpdatedAt { get; init; }
    [JsonPropertyName("deleted")] public bool? Deleted { get; init; }
    [JsonPropertyName("deleted_at")] public DateTime? DeletedAt { get; init; }
}

public sealed record AggregateCreate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("availability_zone")] string? AvailabilityZone);

public sealed record AggregateEnvelope<T>([property: JsonPropertyName("aggregate")] T Aggregate);
public sealed record AggregatesEnvelope([property: JsonPropertyName("aggregates")] List<NovaAggregate> Aggregates);
public sealed record HostRef([property: JsonPropertyName("host")] string Host);
public sealed record MetadataRef([property: JsonPropertyName("metadata")] Dictionary<string, string?> Metadata);

public sealed record AggregateAction
{
    [JsonPropertyName("add_host")] public HostRef? AddHost { get; init; }
    [JsonPropertyName("remove_host")] public HostRef? RemoveHost { get; init; }
    /// <summary>A null value deletes that key.</summary>
    [JsonPropertyName("set_metadata")] public MetadataRef? SetMetadata { get; init; }
}

// ---- servers ------------------------------------------------------------------------------

public sealed record NovaServer : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("updated")] public DateTimeOffset? Updated { get; init; }
    [JsonPropertyName("hostId")] public string? HostId { get; init; }
    [JsonPropertyName("addresses")] public JsonElement? Addresses { get; init; }
    /// <summary>An object with id and links, or "" when booted from volume.</summary>
    [JsonPropertyName("image")] public JsonElement? Image { get; init; }
    [JsonPropertyName("flavor")] public NovaServerFlavor? Flavor { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("OS-EXT-STS:vm_state")] public string? VmState { get; init; }
    [JsonPropertyName("OS-EXT-STS:task_state")] public string? TaskState { get; init; }
    [JsonPropertyName("OS-EXT-STS:power_state")] public int? PowerState { get; init; }
    [JsonPropertyName("OS-EXT-AZ:availability_zone")] public string? AvailabilityZone { get; init; }
    [JsonPropertyName("OS-SRV-USG:launched_at")] public DateTime? LaunchedAt { get; init; }
    [JsonPropertyName("OS-SRV-USG:terminated_at")] public DateTime? TerminatedAt { get; init; }
    [JsonPropertyName("locked")] public bool? Locked { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    /// <summary>Only when status is ERROR or DELETED.</summary>
    [JsonPropertyName("fault")] public NovaFault? Fault { get; init; }
    // Admin only; non-admins just lack the keys.
    [JsonPropertyName("OS-EXT-SRV-ATTR:host")] public string? Host { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:hypervisor_hostname")] public string? HypervisorHostname { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:instance_name")] public string? InstanceName { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("host_status")] public string? HostStatus { get; init; }
    // 2.3 admin extras, and the rest of a Zed server body: modelled so recordings prove no drift.
    [JsonPropertyName("OS-EXT-SRV-ATTR:reservation_id")] public string? ReservationId { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:launch_index")] public int? LaunchIndex { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:kernel_id")] public string? KernelId { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:ramdisk_id")] public string? RamdiskId { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:root_device_name")] public string? RootDeviceName { get; init; }
    [JsonPropertyName("OS-EXT-SRV-ATTR:user_data")] public string? UserData { get; init; }
    [JsonPropertyName("OS-DCF:diskConfig")] public string? DiskConfig { get; init; }
    [JsonPropertyName("accessIPv4")] public string? AccessIPv4 { get; init; }
    [JsonPropertyName("accessIPv6")] public string? AccessIPv6 { get; init; }
    [JsonPropertyName("progress")] public int? Progress { get; init; }
    [JsonPropertyName("config_drive")] public string? ConfigDrive { get; init; }
    [JsonPropertyName("key_name")] public string? KeyName { get; init; }
    [JsonPropertyName("locked_reason")] public string? LockedReason { get; init; }
    /// <summary>2.71: the server groups (at most one) the server belongs to.</summary>
    [JsonPropertyName("server_groups")] public List<string>? ServerGroups { get; init; }
    [JsonPropertyName("trusted_image_certificates")] public List<string>? TrustedImageCertificates { get; init; }
    [JsonPropertyName("os-extended-volumes:volumes_attached")] public List<AttachedVolume>? VolumesAttached { get; init; }
    [JsonPropertyName("links")] public List<Link>? Links { get; init; }
}

public sealed record AttachedVolume(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("delete_on_termination")] bool? DeleteOnTermination);

/// <summary>The flavor embedded in a server (2.47+): no id, the original name and a copy of the extra specs.</summary>
public sealed record NovaServerFlavor
{
    [JsonPropertyName("vcpus")] public int? Vcpus { get; init; }
    [JsonPropertyName("ram")] public int? RamMiB { get; init; }
    [JsonPropertyName("disk")] public int? DiskGiB { get; init; }
    [JsonPropertyName("ephemeral")] public int? EphemeralGiB { get; init; }
    [JsonPropertyName("swap")] public int? SwapMiB { get; init; }
    [JsonPropertyName("original_name")] public string? OriginalName { get; init; }
    [JsonPropertyName("extra_specs")] public Dictionary<string, string>? ExtraSpecs { get; init; }
    /// <summary>Before 2.47 only the id and links.</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }
}

public sealed record NovaFault
{
    [JsonPropertyName("code")] public required int Code { get; init; }
    [JsonPropertyName("message")] public required string Message { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }
    /// <summary>Traceback; admin only when the code is 500.</summary>
    [JsonPropertyName("details")] public string? Details { get; init; }
}

public sealed record ServerEnvelope([property: JsonPropertyName("server")] NovaServer Server);
public sealed record ServersEnvelope([property: JsonPropertyName("servers")] List<NovaServer> Servers);

/// <summary>The 202 answer to POST /servers. adminPass is a secret and is not kept.</summary>
public sealed record NovaServerCreated : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("links")] public List<Link>? Links { get; init; }
    [JsonPropertyName("OS-DCF:diskConfig")] public string? DiskConfig { get; init; }
    [JsonPropertyName("security_groups")] public List<Dictionary<string, string>>? SecurityGroups { get; init; }
}

public sealed record ServerCreatedEnvelope([property: JsonPropertyName("server")] NovaServerCreated Server);

public sealed record ServerCreateBody
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("flavorRef")] public required string FlavorRef { get; init; }
    [JsonPropertyName("imageRef")] public string? ImageRef { get; init; }
    /// <summary>Required from 2.37: "none", "auto" or a list.</summary>
    [JsonPropertyName("networks")] public required ServerNetworks Networks { get; init; }
    [JsonPropertyName("availability_zone")] public string? AvailabilityZone { get; init; }
    [JsonPropertyName("metadata")] public Dictionary<string, string>? Metadata { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    /// <summary>2.74, admin: the scheduler still runs its filters (unlike zone:host).</summary>
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("hypervisor_hostname")] public string? HypervisorHostname { get; init; }
    [JsonPropertyName("key_name")] public string? KeyName { get; init; }
    [JsonPropertyName("user_data")] public string? UserData { get; init; }
}

public sealed record ServerCreateRequest
{
    [JsonPropertyName("server")] public required ServerCreateBody Server { get; init; }
    [JsonPropertyName("os:scheduler_hints")] public Dictionary<string, string>? SchedulerHints { get; init; }
}

/// <summary>One entry of the networks list: a network (optionally with a fixed IP) or a port.</summary>
public sealed record NetworkRef
{
    [JsonPropertyName("uuid")] public string? NetworkId { get; init; }
    [JsonPropertyName("port")] public string? PortId { get; init; }
    [JsonPropertyName("fixed_ip")] public string? FixedIp { get; init; }
    [JsonPropertyName("tag")] public string? Tag { get; init; }
}

/// <summary>The create request's <c>networks</c>: the string "none" or "auto", or a list of <see cref="NetworkRef"/>.</summary>
[JsonConverter(typeof(ServerNetworksConverter))]
public sealed record ServerNetworks(string? Keyword, IReadOnlyList<NetworkRef> Refs)
{
    public static readonly ServerNetworks None = new("none", []);
    public static readonly ServerNetworks Auto = new("auto", []);
    public static ServerNetworks Of(params NetworkRef[] refs) => new(null, refs);
    public static ServerNetworks Ports(params string[] portIds) => Of([.. portIds.Select(p => new NetworkRef { PortId = p })]);
}

/// <summary>
/// One server action, written as <c>{name: argument}</c> (the argument null for os-stop and
/// os-start). The factories name the actions Smog uses.
/// </summary>
[JsonConverter(typeof(ServerActionConverter))]
public sealed record ServerAction(string Name, IReadOnlyDictionary<string, string>? Argument)
{
    public static ServerAction Reboot(bool hard) => new("reboot", new Dictionary<string, string> { ["type"] = hard ? "HARD" : "SOFT" });
    public static readonly ServerAction Stop = new("os-stop", null);
    public static readonly ServerAction Start = new("os-start", null);
    public static ServerAction Resize(string flavorId) => new("resize", new Dictionary<string, string> { ["flavorRef"] = flavorId });
    public static readonly ServerAction ConfirmResize = new("confirmResize", null);
    /// <summary>Cold migration; the scheduler picks the host.</summary>
    public static readonly ServerAction Migrate = new("migrate", null);
    /// <summary>Live migration (2.30+ body: host null lets the scheduler pick, block_migration auto).</summary>
    public static readonly ServerAction LiveMigrate = new("os-migrateLive", new Dictionary<string, string> { ["block_migration"] = "auto" });
}

// ---- topology, hypervisors, services -------------------------------------------------------------

public sealed record NovaServerTopology : ApiRecord
{
    [JsonPropertyName("nodes")] public required List<NovaTopologyNode> Nodes { get; init; }
    /// <summary>Null unless a page size applies.</summary>
    [JsonPropertyName("pagesize_kb")] public int? PageSizeKiB { get; init; }

    /// <summary>The verifier's view of this answer (Core reads no JSON): vCPU sets, memory, host node and pins per guest cell.</summary>
    public ServerTopology ToServerTopology() => new(
        [.. Nodes.Select(n => new ServerTopologyNode(
            CpuSet.Of(n.VcpuSet),
            n.MemoryMiB,
            n.HostNode,
            (n.CpuPinning ?? []).ToImmutableSortedDictionary()))],
        PageSizeKiB);
}

public sealed record NovaTopologyNode
{
    [JsonPropertyName("vcpu_set")] public required List<int> VcpuSet { get; init; }
    [JsonPropertyName("siblings")] public List<List<int>>? Siblings { get; init; }
    [JsonPropertyName("memory_mb")] public required int MemoryMiB { get; init; }
    /// <summary>Admin only.</summary>
    [JsonPropertyName("host_node")] public int? HostNode { get; init; }
    /// <summary>Admin only; guest vCPU → host pCPU (the vCPU is a string key on the wire); empty when unpinned.</summary>
    [JsonPropertyName("cpu_pinning")] public Dictionary<int, int>? CpuPinning { get; init; }
}

public sealed record NovaHypervisor : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("hypervisor_hostname")] public required string HypervisorHostname { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("hypervisor_type")] public string? HypervisorType { get; init; }
    [JsonPropertyName("hypervisor_version")] public long? HypervisorVersion { get; init; }
    [JsonPropertyName("host_ip")] public string? HostIp { get; init; }
    [JsonPropertyName("service")] public NovaHypervisorService? Service { get; init; }
    [JsonPropertyName("uptime")] public string? Uptime { get; init; }
    /// <summary>Before 2.88 only: the compute node's I/O-bound tasks (builds, resizes, snapshots) as its resource tracker last counted them.</summary>
    [JsonPropertyName("current_workload")] public int? CurrentWorkload { get; init; }
    [JsonPropertyName("servers")] public List<NovaHypervisorServer>? Servers { get; init; }
}

public sealed record NovaHypervisorService(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("disabled_reason")] string? DisabledReason);

public sealed record NovaHypervisorServer(
    [property: JsonPropertyName("uuid")] string Uuid,
    [property: JsonPropertyName("name")] string Name);

public sealed record HypervisorsEnvelope([property: JsonPropertyName("hypervisors")] List<NovaHypervisor> Hypervisors);
public sealed record HypervisorEnvelope([property: JsonPropertyName("hypervisor")] NovaHypervisor Hypervisor);

public sealed record NovaService : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("binary")] public required string Binary { get; init; }
    [JsonPropertyName("host")] public required string Host { get; init; }
    [JsonPropertyName("zone")] public string? Zone { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("updated_at")] public DateTime? UpdatedAt { get; init; }
    [JsonPropertyName("disabled_reason")] public string? DisabledReason { get; init; }
    [JsonPropertyName("forced_down")] public bool? ForcedDown { get; init; }
}

public sealed record ServicesEnvelope([property: JsonPropertyName("services")] List<NovaService> Services);

public sealed record ServiceUpdate(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("disabled_reason")] string? DisabledReason);

public sealed record ServiceEnvelope([property: JsonPropertyName("service")] NovaService Service);

[JsonSerializable(typeof(FlavorsEnvelope))]
[JsonSerializable(typeof(FlavorEnvelope<NovaFlavor>))]
[JsonSerializable(typeof(FlavorEnvelope<FlavorCreate>))]
[JsonSerializable(typeof(ExtraSpecsEnvelope))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(FlavorAccessEnvelope))]
[JsonSerializable(typeof(FlavorAccessAction))]
[JsonSerializable(typeof(AggregatesEnvelope))]
[JsonSerializable(typeof(AggregateEnvelope<NovaAggregate>))]
[JsonSerializable(typeof(AggregateEnvelope<AggregateCreate>))]
[JsonSerializable(typeof(AggregateAction))]
[JsonSerializable(typeof(ServerEnvelope))]
[JsonSerializable(typeof(ServersEnvelope))]
[JsonSerializable(typeof(ServerCreateRequest))]
[JsonSerializable(typeof(ServerCreatedEnvelope))]
[JsonSerializable(typeof(NovaServerTopology))]
[JsonSerializable(typeof(ServerAction))]
[JsonSerializable(typeof(HypervisorsEnvelope))]
[JsonSerializable(typeof(HypervisorEnvelope))]
[JsonSerializable(typeof(ServicesEnvelope))]
[JsonSerializable(typeof(ServiceEnvelope))]
[JsonSerializable(typeof(ServiceUpdate))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class ComputeJsonContext : JsonSerializerContext;
