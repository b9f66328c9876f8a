using System.Text.Json;
using System.Text.Json.Serialization;
using Smog.OpenStack.Http;
using static Smog.OpenStack.Network.NetworkJsonContext;

namespace Smog.OpenStack.Network;

public sealed record NeutronNetwork
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

public sealed record NeutronPort
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

public sealed record NetworkCreate([property: JsonPropertyName("name")] string Name)
{
    /// <summary>Admin only: flat, vlan, vxlan, ...</summary>
    [JsonPropertyName("provider:network_type")] public string? NetworkType { get; init; }
    /// <summary>Admin only: the physical network a flat or VLAN network (and SR-IOV VFs) sits on.</summary>
    [JsonPropertyName("provider:physical_network")] public string? PhysicalNetwork { get; init; }
}

public sealed record PortCreate
{
    [JsonPropertyName("network_id")] public required string NetworkId { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("binding:vnic_type")] public string? VnicType { get; init; }
    [JsonPropertyName("fixed_ips")] public List<FixedIp>? FixedIps { get; init; }
}

internal sealed record NetworkEnvelope<T>([property: JsonPropertyName("network")] T Network);
internal sealed record NetworksEnvelope([property: JsonPropertyName("networks")] List<NeutronNetwork> Networks);
internal sealed record PortEnvelope<T>([property: JsonPropertyName("port")] T Port);
internal sealed record PortsEnvelope([property: JsonPropertyName("ports")] List<NeutronPort> Ports);

[JsonSerializable(typeof(NetworkEnvelope<NeutronNetwork>))]
[JsonSerializable(typeof(NetworkEnvelope<NetworkCreate>))]
[JsonSerializable(typeof(NetworksEnvelope))]
[JsonSerializable(typeof(PortEnvelope<NeutronPort>))]
[JsonSerializable(typeof(PortEnvelope<PortCreate>))]
[JsonSerializable(typeof(PortsEnvelope))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class NetworkJsonContext : JsonSerializerContext;

/// <summary>Neutron v2.0 networks and ports (SR-IOV ports are binding:vnic_type=direct).</summary>
public sealed class NetworkClient(ApiConnection neutron)
{
    public async Task<IReadOnlyList<NeutronNetwork>> ListNetworksAsync(string? name, CancellationToken ct) =>
        (await neutron.GetAsync("/networks" + (name is null ? "" : "?name=" + Uri.EscapeDataString(name)), Default.NetworksEnvelope, ct).ConfigureAwait(false)).Networks;

    /// <summary>POST /networks → 201. Clouds without tenant network types need the provider fields (admin).</summary>
    public async Task<NeutronNetwork> CreateNetworkAsync(NetworkCreate network, CancellationToken ct) =>
        (await neutron.SendJsonAsync(HttpMethod.Post, "/networks", new NetworkEnvelope<NetworkCreate>(network),
            Default.NetworkEnvelopeNetworkCreate, Default.NetworkEnvelopeNeutronNetwork, ct).ConfigureAwait(false)).Network;

    public Task DeleteNetworkAsync(string id, CancellationToken ct) => neutron.DeleteAsync($"/networks/{id}", ct);

    /// <summary>POST /ports → 201, status DOWN until bound.</summary>
    public async Task<NeutronPort> CreatePortAsync(PortCreate port, CancellationToken ct) =>
        (await neutron.SendJsonAsync(HttpMethod.Post, "/ports", new PortEnvelope<PortCreate>(port),
            Default.PortEnvelopePortCreate, Default.PortEnvelopeNeutronPort, ct).ConfigureAwait(false)).Port;

    public async Task<NeutronPort> ShowPortAsync(string id, CancellationToken ct) =>
        (await neutron.GetAsync($"/ports/{id}", Default.PortEnvelopeNeutronPort, ct).ConfigureAwait(false)).Port;

    public async Task<IReadOnlyList<NeutronPort>> ListPortsAsync(string? networkId, CancellationToken ct) =>
        (await neutron.GetAsync("/ports" + (networkId is null ? "" : "?network_id=" + Uri.EscapeDataString(networkId)), Default.PortsEnvelope, ct).ConfigureAwait(false)).Ports;

    /// <summary>Nova does not delete ports it did not create: delete after the server is gone.</summary>
    public Task DeletePortAsync(string id, CancellationToken ct) => neutron.DeleteAsync($"/ports/{id}", ct);
}
