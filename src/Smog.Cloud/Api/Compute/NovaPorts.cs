using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Network;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>
/// Nova's side of Neutron: turns a create's <c>networks</c> into ports (given ports are used,
/// networks get a port Nova creates), binds them to the server and its host (with the VF's
/// <c>pci_slot</c> in <c>binding:profile</c>), and on delete removes the ports Nova created and
/// unbinds the others.
/// </summary>
public sealed class NovaPorts
{
    private readonly NetworkStore networks;
    private readonly ConcurrentDictionary<string, ImmutableArray<string>> created = new(StringComparer.Ordinal);
    // Ports Nova made for a network request (deleted with the server).
    private readonly ConcurrentDictionary<string, byte> own = new(StringComparer.Ordinal);

    public NovaPorts(NetworkStore networks, CloudSimulation simulation)
    {
        this.networks = networks;
        simulation.ServerChanged += Bind;
    }

    public ImmutableArray<PortRequest> Resolve(IssuedToken caller, JsonNode? spec, NetworkStore store)
    {
        if (spec is null || spec is JsonValue v && v.TryGetValue<string>(out var word) && word == "none") return [];
        if (spec is JsonValue auto && auto.TryGetValue<string>(out var a) && a == "auto")
        {
            var net = store.All(NeutronApi.Networks).FirstOrDefault(n => Text(n, "project_id") == caller.Project.Id || n["shared"]?.GetValue<bool>() == true);
            return net is null ? [] : [NewPort(caller, net, null)];
        }
        if (spec is not JsonArray list) throw ApiException.BadRequest($"Invalid input for field/attribute networks. Value: {spec.ToJsonString()}. It is not one of 'none', 'auto' or a list");
        var ports = ImmutableArray.CreateBuilder<PortRequest>();
        foreach (var item in list.OfType<JsonObject>())
        {
            if (Text(item, "port") is { } portId)
            {
                var port = store.Find(NeutronApi.Ports, portId);
                if (port is null || !(caller.IsAdmin || Text(port, "project_id") == caller.Project.Id)) throw ApiException.BadRequest($"Port id {portId} could not be found.");
                if (Text(port, "device_id") is { Length: > 0 }) throw ApiException.Conflict($"Port {portId} is still in use.");
                ports.Add(ToRequest(port));
            }
            else if (Text(item, "uuid") is { } networkId)
            {
                var net = store.Find(NeutronApi.Networks, networkId);
                if (net is null || !(caller.IsAdmin || Text(net, "project_id") == caller.Project.Id || net["shared"]?.GetValue<bool>() == true))
                    throw ApiException.BadRequest($"Network {networkId} could not be found.");
                ports.Add(NewPort(caller, net, Text(item, "fixed_ip")));
            }
            else
            {
                throw ApiException.BadRequest("Bad networks format: network uuid is not in proper format");
            }
        }
        return ports.ToImmutable();
    }

    private PortRequest NewPort(IssuedToken caller, JsonObject network, string? fixedIp)
    {
        var id = NewId();
        var project = Text(network, "project_id") ?? caller.Project.Id;
        var address = fixedIp ?? NextAddress(network);
        var port = new JsonObject
        {
            ["id"] = id,
            ["name"] = "",
            ["network_id"] = Text(network, "id"),
            ["tenant_id"] = project,
            ["mac_address"] = "fa:16:3e:" + string.Join(":", System.Security.Cryptography.RandomNumberGenerator.GetBytes(3).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
            ["admin_state_up"] = true,
            ["status"] = "DOWN",
            ["device_id"] = "",
            ["device_owner"] = "",
            ["fixed_ips"] = address is null ? new JsonArray() : new JsonArray(new JsonObject { ["subnet_id"] = FirstSubnet(network), ["ip_address"] = address }),
            ["port_security_enabled"] = true,
            ["security_groups"] = new JsonArray(NeutronApi.DefaultSecurityGroup(project)),
            ["binding:vnic_type"] = "normal",
            ["binding:profile"] = new JsonObject(),
            ["binding:host_id"] = "",
            ["binding:vif_type"] = "unbound",
            ["binding:vif_details"] = new JsonObject(),
            ["allowed_address_pairs"] = new JsonArray(),
            ["extra_dhcp_opts"] = new JsonArray(),
            ["description"] = "",
            ["tags"] = new JsonArray(),
            ["revision_number"] = 1,
            ["project_id"] = project,
        };
        networks.Put(NeutronApi.Ports, id, port);
        own[id] = 0;
        return ToRequest(port);
    }

    private static string? FirstSubnet(JsonObject network) => network["subnets"] is JsonArray { Count: > 0 } s ? s[0]!.GetValue<string>() : null;

    private string? NextAddress(JsonObject network)
    {
        if (FirstSubnet(network) is not { } subnetId || networks.Find(NeutronApi.Subnets, subnetId) is not { } subnet) return null;
        var start = System.Net.IPAddress.Parse(((JsonObject)((JsonArray)subnet["allocation_pools"]!)[0]!)["start"]!.GetValue<string>()).GetAddressBytes();
        var taken = networks.All(NeutronApi.Ports).Count(p => Text(p, "network_id") == Text(network, "id"));
        var value = ((uint)start[0] << 24 | (uint)start[1] << 16 | (uint)start[2] << 8 | start[3]) + (uint)taken;
        return new System.Net.IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).ToString();
    }

    private PortRequest ToRequest(JsonObject port)
    {
        var network = networks.Find(NeutronApi.Networks, Text(port, "network_id") ?? "");
        return new PortRequest
        {
            PortId = Text(port, "id")!,
            NetworkId = Text(port, "network_id"),
            NetworkName = network is null ? null : Text(network, "name"),
            VnicType = Text(port, "binding:vnic_type") ?? "normal",
            Physnet = network is null ? null : Text(network, "provider:physical_network"),
            MacAddress = Text(port, "mac_address"),
            FixedIps = port["fixed_ips"] is JsonArray ips ? [.. ips.OfType<JsonObject>().Select(i => Text(i, "ip_address")).OfType<string>()] : [],
        };
    }

    /// <summary>Marks the server's ports as its own (device_id) and remembers which Nova created.</summary>
    public void Claim(ServerRecord server)
    {
        var mine = ImmutableArray.CreateBuilder<string>();
        foreach (var port in server.Ports)
        {
            networks.Update(NeutronApi.Ports, port.PortId, p =>
            {
                p["device_id"] = server.Id;
                p["device_owner"] = "compute:nova";
            });
            if (own.TryRemove(port.PortId, out _)) mine.Add(port.PortId);
        }
        created[server.Id] = mine.ToImmutable();
        Bind(server);
    }

    private void Bind(ServerRecord server)
    {
        foreach (var port in server.Ports)
        {
            var device = server.Placement?.PciDevices.FirstOrDefault(d => d.PortId == port.PortId);
            networks.Update(NeutronApi.Ports, port.PortId, p =>
            {
                if (Text(p, "device_id") != server.Id) return;
                p["binding:host_id"] = server.Host ?? "";
                p["status"] = server.Host is not null && server.Status == "ACTIVE" ? "ACTIVE" : "DOWN";
                p["binding:vif_type"] = server.Host is null ? "unbound" : port.VnicType == "direct-physical" ? "hostdev_physical" : port.IsSriov ? "hw_veb" : "ovs";
                if (device is not null)
                {
                    p["binding:profile"] = new JsonObject
                    {
                        ["pci_vendor_info"] = $"{device.VendorId}:{device.ProductId}",
                        ["pci_slot"] = device.Address,
                        ["physical_network"] = port.Physnet,
                    };
                }
            });
        }
    }

    /// <summary>After a delete: Nova's own ports go, the user's are unbound for reuse.</summary>
    public void Release(ServerRecord server)
    {
        created.TryRemove(server.Id, out var mine);
        foreach (var port in server.Ports)
        {
            if (!mine.IsDefault && mine.Contains(port.PortId))
            {
                networks.Remove(NeutronApi.Ports, port.PortId);
                continue;
            }
            networks.Update(NeutronApi.Ports, port.PortId, p =>
            {
                p["device_id"] = "";
                p["device_owner"] = "";
                p["binding:host_id"] = "";
                p["binding:vif_type"] = "unbound";
                p["binding:profile"] = new JsonObject();
                p["status"] = "DOWN";
            });
        }
    }
}
