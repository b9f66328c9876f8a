using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Policy;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Network;

/// <summary>
/// Neutron v2.0 under <c>/network</c>: networks, subnets and ports (with <c>binding:vnic_type</c>
/// and <c>binding:profile</c>), filters by any scalar attribute as Neutron does, project
/// isolation, and Neutron's <c>{"NeutronError": …}</c> bodies. As Neutron's default policy, only
/// admins see a network's <c>provider:*</c> attributes and a port's binding details
/// (<c>binding:host_id</c>, <c>binding:profile</c>, <c>binding:vif_type</c>, <c>binding:vif_details</c>).
/// </summary>
public static class NeutronApi
{
    public const string Networks = "network";
    public const string Subnets = "subnet";
    public const string Ports = "port";

    /// <summary>Zed's vnic types.</summary>
    private static readonly string[] VnicTypes =
        ["normal", "direct", "direct-physical", "macvtap", "baremetal", "virtio-forwarder", "smart-nic", "vdpa", "accelerator-direct", "accelerator-direct-physical", "remote-managed"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ServicePaths.Network, (CloudAddress a) => Reply(Versions(a)));
        var v2 = app.MapGroup(ServicePaths.NetworkApi);
        v2.MapGet("/", (HttpContext c) =>
        {
            Access.Caller(c);
            return Reply(new JsonObject { ["resources"] = new JsonArray() });
        });
        v2.MapGet("/extensions", (HttpContext c) =>
        {
            Access.Caller(c);
            return Reply(new JsonObject { ["extensions"] = new JsonArray() });
        });
        foreach (var (kind, plural, notFound) in new[] { (Networks, "networks", "NetworkNotFound"), (Subnets, "subnets", "SubnetNotFound"), (Ports, "ports", "PortNotFound") })
        {
            v2.MapGet($"/{plural}", (HttpContext c, NetworkStore s) => List(c, s, kind, plural));
            v2.MapGet($"/{plural}/{{id}}", (HttpContext c, NetworkStore s, string id) =>
                Reply(new JsonObject { [kind] = ForCaller(Access.Caller(c), Visible(c, s, kind, id, notFound)) }));
            v2.MapDelete($"/{plural}/{{id}}", (HttpContext c, NetworkStore s, string id) => Delete(c, s, kind, id, notFound));
        }
        v2.MapPost("/networks", CreateNetworkAsync);
        v2.MapPost("/subnets", CreateSubnetAsync);
        v2.MapPost("/ports", CreatePortAsync);
        v2.MapPut("/ports/{id}", UpdatePortAsync);
        v2.MapGet("/security-groups", (HttpContext c) =>
        {
            var caller = Access.Caller(c);
            return Reply(new JsonObject
            {
                ["security_groups"] = new JsonArray(new JsonObject
                {
                    ["id"] = DefaultSecurityGroup(caller.Project.Id),
                    ["name"] = "default",
                    ["project_id"] = caller.Project.Id,
                    ["tenant_id"] = caller.Project.Id,
                    ["description"] = "Default security group",
                    ["security_group_rules"] = new JsonArray(),
                })
            });
        });
    }

    private static JsonObject Versions(CloudAddress a) => new()
    {
        ["versions"] = new JsonArray(new JsonObject
        {
            ["status"] = "CURRENT",
            ["id"] = "v2.0",
            ["links"] = new JsonArray(new JsonObject { ["href"] = a.Url(ServicePaths.NetworkApi + "/"), ["rel"] = "self" }),
        }),
    };

    /// <summary>Attributes Neutron's default policy shows to admins only.</summary>
    private static readonly string[] AdminOnly =
        ["provider:network_type", "provider:physical_network", "provider:segmentation_id", "binding:host_id", "binding:profile", "binding:vif_type", "binding:vif_details"];

    /// <summary>A resource as the caller may see it.</summary>
    private static JsonObject ForCaller(IssuedToken caller, JsonObject r)
    {
        if (caller.IsAdmin) return r;
        foreach (var key in AdminOnly) r.Remove(key);
        return r;
    }

    private static bool CanSee(IssuedToken caller, JsonObject r) =>
        caller.IsAdmin || Text(r, "project_id") == caller.Project.Id || r["shared"] is JsonValue v && v.TryGetValue<bool>(out var shared) && shared;

    private static JsonObject Visible(HttpContext c, NetworkStore s, string kind, string id, string notFound)
    {
        var caller = Access.Caller(c);
        return s.Find(kind, id) is { } r && CanSee(caller, r) ? r
            : throw ApiException.NotFound($"{char.ToUpperInvariant(kind[0])}{kind[1..]} {id} could not be found.", notFound);
    }

    /// <summary>Neutron filters on any attribute given in the query (several values: any of them).</summary>
    private static IResult List(HttpContext c, NetworkStore s, string kind, string plural)
    {
        var caller = Access.Caller(c);
        var items = s.All(kind).Where(r => CanSee(caller, r));
        foreach (var (key, values) in c.Request.Query)
        {
            if (key is "fields" or "limit" or "marker" or "sort_key" or "sort_dir") continue;
            items = items.Where(r => r[key] is JsonValue v && values.Contains(v.TryGetValue<string>(out var text) ? text : v.ToJsonString().ToLowerInvariant()));
        }
        return Reply(new JsonObject { [plural] = new JsonArray([.. items.Select(i => (JsonNode)ForCaller(caller, i))]) });
    }

    private static IResult Delete(HttpContext c, NetworkStore s, string kind, string id, string notFound)
    {
        var caller = Access.Caller(c);
        var item = Visible(c, s, kind, id, notFound);
        if (!Access.Owns(caller, Text(item, "project_id") ?? "")) throw Access.Deny(ApiService.Network, $"delete_{kind}");
        // Only the network's own ports (DHCP, router) go with it; any other port, bound or not, keeps it in use.
        if (kind == Networks && s.All(Ports).Any(p => Text(p, "network_id") == id && !(Text(p, "device_owner") ?? "").StartsWith("network:", StringComparison.Ordinal)))
            throw new ApiException(409, $"Unable to complete operation on network {id}. There are one or more ports still in use on the network.", "NetworkInUse");
        if (kind == Networks)
        {
            foreach (var port in s.All(Ports).Where(p => Text(p, "network_id") == id)) s.Remove(Ports, Text(port, "id")!);
            foreach (var subnet in s.All(Subnets).Where(p => Text(p, "network_id") == id)) s.Remove(Subnets, Text(subnet, "id")!);
        }
        if (kind == Subnets) s.Update(Networks, Text(item, "network_id")!, n => n["subnets"] = new JsonArray([.. ((JsonArray)n["subnets"]!).Where(x => x?.GetValue<string>() != id).Select(x => x?.DeepClone())]));
        s.Remove(kind, id);
        return Empty(204);
    }

    private static (JsonObject Body, IssuedToken Caller, string Now) Start(HttpContext c, JsonObject request, string kind)
    {
        var caller = Access.Caller(c);
        var body = request[kind] as JsonObject ?? throw new ApiException(400, $"Resource body required: {kind}", "HTTPBadRequest");
        var now = NovaTime((c.RequestServices.GetService(typeof(IdentityStore)) as IdentityStore)?.Time.GetUtcNow() ?? DateTimeOffset.UtcNow);
        return (body, caller, now);
    }

    private static void Stamp(JsonObject r, string projectId, string now)
    {
        r["description"] ??= "";
        r["tags"] = new JsonArray();
        r["created_at"] = now;
        r["updated_at"] = now;
        r["revision_number"] = 1;
        r["project_id"] = projectId;
    }

    private static async Task<IResult> CreateNetworkAsync(HttpContext c, NetworkStore s)
    {
        var (body, caller, now) = Start(c, await BodyAsync(c), Networks);
        foreach (var key in body.Select(p => p.Key).Where(k => k.StartsWith("provider:", StringComparison.Ordinal)))
            if (!caller.IsAdmin) throw Access.Deny(ApiService.Network, $"rule:create_network:{key}");
        var project = Text(body, "project_id") ?? Text(body, "tenant_id") ?? caller.Project.Id;
        var type = Text(body, "provider:network_type") ?? "geneve";
        var physnet = Text(body, "provider:physical_network");
        var segment = body["provider:segmentation_id"]?.DeepClone();
        // ML2: one flat network per physnet; a VLAN network without a segment gets the next free one of the physnet's range.
        var onPhysnet = s.All(Networks).Where(n => physnet is not null && Text(n, "provider:physical_network") == physnet).ToList();
        if (type == "flat" && onPhysnet.Any(n => Text(n, "provider:network_type") == "flat"))
            throw new ApiException(409, $"Unable to create the flat network. Physical network {physnet} is in use.", "FlatNetworkInUse");
        if (type == "vlan" && segment is null)
        {
            var taken = onPhysnet.Where(n => Text(n, "provider:network_type") == "vlan").Select(n => Integer(n, "provider:segmentation_id")).ToHashSet();
            segment = JsonValue.Create((long)Enumerable.Range(1000, 1000).First(v => !taken.Contains(v)));
        }
        var network = new JsonObject
        {
            ["id"] = NewId(),
            ["name"] = Text(body, "name") ?? "",
            ["tenant_id"] = project,
            ["admin_state_up"] = Flag(body, "admin_state_up") ?? true,
            ["mtu"] = Integer(body, "mtu") ?? 1500,
            ["status"] = "ACTIVE",
            ["subnets"] = new JsonArray(),
            ["shared"] = Flag(body, "shared") ?? false,
            ["port_security_enabled"] = Flag(body, "port_security_enabled") ?? true,
            ["router:external"] = Flag(body, "router:external") ?? false,
            ["provider:network_type"] = type,
            ["provider:physical_network"] = physnet,
            ["provider:segmentation_id"] = segment,
            ["availability_zone_hints"] = new JsonArray(),
            ["availability_zones"] = new JsonArray(),
            ["ipv4_address_scope"] = null,
            ["ipv6_address_scope"] = null,
            ["description"] = Text(body, "description") ?? "",
        };
        Stamp(network, project, now);
        s.Put(Networks, Text(network, "id")!, network);
        // The auto-allocation extension adds is_default to the create answer only.
        var created = (JsonObject)network.DeepClone();
        created.Insert(created.IndexOf("ipv4_address_scope") is var at and >= 0 ? at - 2 : created.Count, "is_default", false);
        return Reply(new JsonObject { [Networks] = ForCaller(caller, created) }, 201);
    }

    private static async Task<IResult> CreateSubnetAsync(HttpContext c, NetworkStore s)
    {
        var (body, caller, now) = Start(c, await BodyAsync(c), Subnets);
        var networkId = RequiredText(body, "network_id");
        var network = Visible(c, s, Networks, networkId, "NetworkNotFound");
        var cidr = Text(body, "cidr") ?? throw new ApiException(400, "Bad subnets request: a cidr must be specified in the absence of a subnet pool.", "BadRequest");
        if (!IPNetwork.TryParse(cidr, out var net) || net.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            throw new ApiException(400, $"Invalid input for cidr. Reason: '{cidr}' is not a valid IPv4 subnet.", "HTTPBadRequest");
        var first = Offset(net.BaseAddress, 1);
        var last = Offset(net.BaseAddress, (1L << (32 - net.PrefixLength)) - 2);
        var gateway = Text(body, "gateway_ip") ?? first.ToString();
        var subnet = new JsonObject
        {
            ["id"] = NewId(),
            ["name"] = Text(body, "name") ?? "",
            ["tenant_id"] = Text(network, "project_id"),
            ["network_id"] = networkId,
            ["ip_version"] = Integer(body, "ip_version") ?? 4,
            ["subnetpool_id"] = null,
            ["enable_dhcp"] = Flag(body, "enable_dhcp") ?? true,
            ["ipv6_ra_mode"] = null,
            ["ipv6_address_mode"] = null,
            ["gateway_ip"] = gateway,
            ["cidr"] = net.ToString(),
            ["allocation_pools"] = new JsonArray(new JsonObject { ["start"] = Offset(first, 1).ToString(), ["end"] = last.ToString() }),
            ["host_routes"] = new JsonArray(),
            ["dns_nameservers"] = new JsonArray(),
            ["service_types"] = new JsonArray(),
            ["description"] = Text(body, "description") ?? "",
        };
        Stamp(subnet, Text(network, "project_id")!, now);
        s.Put(Subnets, Text(subnet, "id")!, subnet);
        s.Update(Networks, networkId, n => ((JsonArray)n["subnets"]!).Add(Text(subnet, "id")));
        _ = caller;
        return Reply(new JsonObject { [Subnets] = subnet.DeepClone() }, 201);
    }

    private static IPAddress Offset(IPAddress address, long by)
    {
        var bytes = address.GetAddressBytes();
        var value = ((long)bytes[0] << 24 | (long)bytes[1] << 16 | (long)bytes[2] << 8 | bytes[3]) + by;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    private static async Task<IResult> CreatePortAsync(HttpContext c, NetworkStore s)
    {
        var (body, caller, now) = Start(c, await BodyAsync(c), Ports);
        var networkId = RequiredText(body, "network_id");
        var network = Visible(c, s, Networks, networkId, "NetworkNotFound");
        var vnic = Text(body, "binding:vnic_type") ?? "normal";
        if (!VnicTypes.Contains(vnic))
            throw new ApiException(400, $"Invalid input for operation: binding:vnic_type '{vnic}' is not in {string.Join(", ", VnicTypes)}.", "InvalidInput");
        foreach (var adminOnly in new[] { "binding:profile", "binding:host_id" })
            if (body[adminOnly] is not null && !caller.IsAdmin) throw Access.Deny(ApiService.Network, $"rule:create_port:{adminOnly}");
        // The port is the caller's (an admin may create it for another project), even on another project's shared network.
        var project = (caller.IsAdmin ? Text(body, "project_id") ?? Text(body, "tenant_id") : null) ?? caller.Project.Id;
        var port = new JsonObject
        {
            ["id"] = NewId(),
            ["name"] = Text(body, "name") ?? "",
            ["network_id"] = networkId,
            ["tenant_id"] = project,
            ["mac_address"] = Text(body, "mac_address") ?? "fa:16:3e:" + string.Join(":", RandomNumberGenerator.GetBytes(3).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
            ["admin_state_up"] = Flag(body, "admin_state_up") ?? true,
            ["status"] = "DOWN",
            ["device_id"] = Text(body, "device_id") ?? "",
            ["device_owner"] = Text(body, "device_owner") ?? "",
            ["fixed_ips"] = FixedIps(s, network, body),
            ["port_security_enabled"] = Flag(body, "port_security_enabled") ?? true,
            ["security_groups"] = new JsonArray(DefaultSecurityGroup(project)),
            ["binding:vnic_type"] = vnic,
            ["binding:profile"] = body["binding:profile"]?.DeepClone() ?? new JsonObject(),
            ["binding:host_id"] = Text(body, "binding:host_id") ?? "",
            ["binding:vif_type"] = "unbound",
            ["binding:vif_details"] = new JsonObject(),
            ["allowed_address_pairs"] = new JsonArray(),
            ["extra_dhcp_opts"] = new JsonArray(),
            ["description"] = Text(body, "description") ?? "",
        };
        Stamp(port, project, now);
        s.Put(Ports, Text(port, "id")!, port);
        return Reply(new JsonObject { [Ports] = ForCaller(caller, (JsonObject)port.DeepClone()) }, 201);
    }

    /// <summary>One address from the network's first subnet, the next after those already taken.</summary>
    private static JsonArray FixedIps(NetworkStore s, JsonObject network, JsonObject body)
    {
        if (body["fixed_ips"] is JsonArray given) return (JsonArray)given.DeepClone();
        if (network["subnets"] is not JsonArray { Count: > 0 } subnets || s.Find(Subnets, subnets[0]!.GetValue<string>()) is not { } subnet) return [];
        var start = IPAddress.Parse(((JsonObject)((JsonArray)subnet["allocation_pools"]!)[0]!)["start"]!.GetValue<string>());
        var taken = s.All(Ports).Count(p => Text(p, "network_id") == Text(network, "id"));
        return [new JsonObject { ["subnet_id"] = Text(subnet, "id"), ["ip_address"] = Offset(start, taken).ToString() }];
    }

    /// <summary>Port updates (Nova binds ports to hosts and devices; users rename them).</summary>
    private static async Task<IResult> UpdatePortAsync(HttpContext c, NetworkStore s, string id)
    {
        var (body, caller, now) = Start(c, await BodyAsync(c), Ports);
        var port = Visible(c, s, Ports, id, "PortNotFound");
        if (!Access.Owns(caller, Text(port, "project_id") ?? "")) throw Access.Deny(ApiService.Network, "update_port");
        foreach (var adminOnly in new[] { "binding:profile", "binding:host_id" })
            if (body[adminOnly] is not null && !caller.IsAdmin) throw Access.Deny(ApiService.Network, $"rule:update_port:{adminOnly}");
        s.Update(Ports, id, p =>
        {
            foreach (var (key, value) in body)
                if (key is not ("id" or "network_id" or "project_id" or "tenant_id")) p[key] = value?.DeepClone();
            p["updated_at"] = now;
            p["revision_number"] = (p["revision_number"]?.GetValue<int>() ?? 1) + 1;
        });
        return Reply(new JsonObject { [Ports] = ForCaller(caller, s.Find(Ports, id)!) });
    }

    /// <summary>Each project's default security group, with an id stable for the project.</summary>
    public static string DefaultSecurityGroup(string projectId) =>
        new Guid(MD5.HashData(System.Text.Encoding.UTF8.GetBytes("default-sg:" + projectId))).ToString();
}
