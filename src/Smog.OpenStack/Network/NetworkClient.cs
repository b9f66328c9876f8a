using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Neutron;

namespace Smog.OpenStack.Network;

public sealed record NeutronNetwork : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("shared")] public bool? Shared { get; init; }
    [JsonPropertyName("admin_state_up")] public bool? AdminStateUp { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("subnets")] public List<string>? Subnets { get; init; }
    [JsonPropertyName("provider:network_type")] public string? NetworkType { get; init; }
    [JsonPropertyName("provider:physical_network")] public string? PhysicalNetwork { get; init; }
    [JsonPropertyName("provider:segmentation_id")] public int? SegmentationId { get; init; }
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }
    [JsonPropertyName("mtu")] public int? Mtu { get; init; }
    [JsonPropertyName("port_security_enabled")] public bool? PortSecurityEnabled { get; init; }
    [JsonPropertyName("router:external")] public bool? External { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }
    [JsonPropertyName("revision_number")] public int? RevisionNumber { get; init; }
}

public sealed record FixedIp(
    [property: JsonPropertyName("subnet_id")] string? SubnetId,
    [property: JsonPropertyName("ip_address")] string? IpAddress);

public sealed record NeutronPort : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("network_id")] public required string NetworkId { get; init; }
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("mac_address")] public string? MacAddress { get; init; }
    [JsonPropertyName("fixed_ips")] public List<FixedIp>? FixedIps { get; init; }
    [JsonPropertyName("device_id")] public string? DeviceId { get; init; }
    [JsonPropertyName("device_owner")] public string? DeviceOwner { get; init; }
    /// <summary>normal, direct (SR-IOV VF), direct-physical, macvtap, vdpa, ...</summary>
    [JsonPropertyName("binding:vnic_type")] public string? VnicType { get; init; }
    [JsonPropertyName("binding:host_id")] public string? BindingHost { get; init; }
    [JsonPropertyName("binding:vif_type")] public string? VifType { get; init; }
    /// <summary>Admin: e.g. the PCI slot and physical network of an SR-IOV VF.</summary>
    [JsonPropertyName("binding:profile")] public Dictionary<string, JsonElement>? BindingProfile { get; init; }
    [JsonPropertyName("binding:vif_details")] public Dictionary<string, JsonElement>? VifDetails { get; init; }
    [JsonPropertyName("admin_state_up")] public bool? AdminStateUp { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }
    [JsonPropertyName("security_groups")] public List<string>? SecurityGroups { get; init; }
    [JsonPropertyName("port_security_enabled")] public bool? PortSecurityEnabled { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("tags")] public List<string>? Tags { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }
    [JsonPropertyName("revision_number")] public int? RevisionNumber { get; init; }
}

public sealed record NeutronSubnet : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("network_id")] public required string NetworkId { get; init; }
    [JsonPropertyName("ip_version")] public int? IpVersion { get; init; }
    [JsonPropertyName("cidr")] public string? Cidr { get; init; }
    [JsonPropertyName("gateway_ip")] public string? GatewayIp { get; init; }
    [JsonPropertyName("enable_dhcp")] public bool? EnableDhcp { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("tenant_id")] public string? TenantId { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("created_at")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }
    [JsonPropertyName("revision_number")] public int? RevisionNumber { get; init; }
}

public sealed record NetworkCreate([property: JsonPropertyName("name")] string Name)
{
    /// <summary>A network other projects may put ports on (admin, or the owner with the default policy).</summary>
    [JsonPropertyName("shared")] public bool? Shared { get; init; }
    /// <summary>Admin only: flat, vlan, vxlan, ...</summary>
    [JsonPropertyName("provider:network_type")] public string? NetworkType { get; init; }
    /// <summary>Admin only: the physical network a flat or VLAN network (and SR-IOV VFs) sits on.</summary>
    [JsonPropertyName("provider:physical_network")] public string? PhysicalNetwork { get; init; }
}

public sealed record SubnetCreate
{
    [JsonPropertyName("network_id")] public required string NetworkId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("ip_version")] public int IpVersion { get; init; } = 4;
    [JsonPropertyName("cidr")] public required string Cidr { get; init; }
    [JsonPropertyName("enable_dhcp")] public bool? EnableDhcp { get; init; }
}

public sealed record PortCreate
{
    [JsonPropertyName("network_id")] public required string NetworkId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("binding:vnic_type")] public string? VnicType { get; init; }
    [JsonPropertyName("fixed_ips")] public List<FixedIp>? FixedIps { get; init; }
}

public sealed record NetworkEnvelope<T>([property: JsonPropertyName("network")] T Network);
public sealed record NetworksEnvelope([property: JsonPropertyName("networks")] List<NeutronNetwork> Networks);
public sealed record SubnetEnvelope<T>([property: JsonPropertyName("subnet")] T Subnet);
public sealed record SubnetsEnvelope([property: JsonPropertyName("subnets")] List<NeutronSubnet> Subnets);
public sealed record PortEnvelope<T>([property: JsonPropertyName("port")] T Port);
public sealed record PortsEnvelope([property: JsonPropertyName("ports")] List<NeutronPort> Ports);

[JsonSerializable(typeof(NetworkEnvelope<NeutronNetwork>))]
[JsonSerializable(typeof(NetworkEnvelope<NetworkCreate>))]
[JsonSerializable(typeof(NetworksEnvelope))]
[JsonSerializable(typeof(SubnetEnvelope<NeutronSubnet>))]
[JsonSerializable(typeof(SubnetEnvelope<SubnetCreate>))]
[JsonSerializable(typeof(SubnetsEnvelope))]
[JsonSerializable(typeof(PortEnvelope<NeutronPort>))]
[JsonSerializable(typeof(PortEnvelope<PortCreate>))]
[JsonSerializable(typeof(PortsEnvelope))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class NetworkJsonContext : JsonSerializerContext;

/// <summary>Neutron v2.0 networks, subnets and ports (SR-IOV ports are binding:vnic_type=direct).</summary>
public sealed class NetworkClient(ApiConnection neutron)
{
    public async Task<ApiList<NeutronNetwork>> ListNetworksAsync(string? name, CancellationToken ct) =>
        (await neutron.CallAsync(Api.ListNetworks.At().With(Query.Empty.Add("name", name)), ct).ConfigureAwait(false)).List(b => b.Networks);

    /// <summary>POST /networks → 201. Clouds without tenant network types need the provider fields (admin).</summary>
    public async Task<NeutronNetwork> CreateNetworkAsync(NetworkCreate network, CancellationToken ct) =>
        (await neutron.CallAsync(Api.CreateNetwork.At(), new NetworkEnvelope<NetworkCreate>(network), ct).ConfigureAwait(false)).Take(b => b.Network);

    public async Task<NeutronNetwork> ShowNetworkAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.ShowNetwork.At(id), ct).ConfigureAwait(false)).Take(b => b.Network);

    /// <summary>DELETE → 204; 409 NetworkInUse while a port of a server is on it.</summary>
    public async Task<ApiReceipt> DeleteNetworkAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.DeleteNetwork.At(id), ct).ConfigureAwait(false)).Receipt();

    /// <summary>POST /subnets → 201.</summary>
    public async Task<NeutronSubnet> CreateSubnetAsync(SubnetCreate subnet, CancellationToken ct) =>
        (await neutron.CallAsync(Api.CreateSubnet.At(), new SubnetEnvelope<SubnetCreate>(subnet), ct).ConfigureAwait(false)).Take(b => b.Subnet);

    public async Task<NeutronSubnet> ShowSubnetAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.ShowSubnet.At(id), ct).ConfigureAwait(false)).Take(b => b.Subnet);

    public async Task<ApiList<NeutronSubnet>> ListSubnetsAsync(string? name, CancellationToken ct) =>
        (await neutron.CallAsync(Api.ListSubnets.At().With(Query.Empty.Add("name", name)), ct).ConfigureAwait(false)).List(b => b.Subnets);

    /// <summary>DELETE → 204.</summary>
    public async Task<ApiReceipt> DeleteSubnetAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.DeleteSubnet.At(id), ct).ConfigureAwait(false)).Receipt();

    /// <summary>POST /ports → 201, status DOWN until bound.</summary>
    public async Task<NeutronPort> CreatePortAsync(PortCreate port, CancellationToken ct) =>
        (await neutron.CallAsync(Api.CreatePort.At(), new PortEnvelope<PortCreate>(port), ct).ConfigureAwait(false)).Take(b => b.Port);

    public async Task<NeutronPort> ShowPortAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.ShowPort.At(id), ct).ConfigureAwait(false)).Take(b => b.Port);

    public async Task<ApiList<NeutronPort>> ListPortsAsync(string? networkId, CancellationToken ct, string? name = null) =>
        (await neutron.CallAsync(Api.ListPorts.At().With(Query.Empty.Add("network_id", networkId).Add("name", name)), ct).ConfigureAwait(false)).List(b => b.Ports);

    /// <summary>DELETE → 204. Nova does not delete ports it did not create: delete after the server is gone.</summary>
    public async Task<ApiReceipt> DeletePortAsync(string id, CancellationToken ct) =>
        (await neutron.CallAsync(Api.DeletePort.At(id), ct).ConfigureAwait(false)).Receipt();
}
