using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Faults;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Image;
using Smog.Cloud.Api.Network;
using Smog.Cloud.Api.Policy;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>
/// Servers: create (flavor, image properties from Glance, ports from Neutron, 2.74 host), show,
/// list with the filters Smog and the openstack CLI use, delete, the lifecycle actions, and the
/// 2.78 topology. Projects see their own servers; admins see all with <c>all_tenants</c>.
/// </summary>
public static class ServersApi
{
    private const string Rule = "os_compute_api:servers";

    public static void Map(RouteGroupBuilder v21)
    {
        v21.MapPost("/servers", CreateAsync);
        v21.MapGet("/servers", (HttpContext c, CloudSimulation s, CloudAddress a) => List(c, s, a, detail: false));
        v21.MapGet("/servers/detail", (HttpContext c, CloudSimulation s, CloudAddress a) => List(c, s, a, detail: true));
        v21.MapGet("/servers/{id}", (HttpContext c, CloudSimulation s, CloudAddress a, string id) =>
            Reply(new JsonObject { ["server"] = ServerJson.Detail(c, a, Access.Caller(c), Owned(c, s, id), show: true, HostState(s, Owned(c, s, id).Host)) }));
        v21.MapDelete("/servers/{id}", (HttpContext c, CloudSimulation s, NovaPorts ports, string id) =>
        {
            var server = Owned(c, s, id);
            NovaApi.Call(() => s.Delete(server.Id));
            ports.Release(server);
            return Empty(204);
        });
        v21.MapPost("/servers/{id}/action", ActionAsync);
        v21.MapGet("/servers/{id}/topology", Topology);
        v21.MapGet("/os-availability-zone", (HttpContext c, CloudSimulation s) =>
        {
            Access.Caller(c);
            var zones = s.Aggregates().Select(a => a.AvailabilityZone).OfType<string>().Append("nova").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return Reply(new JsonObject
            {
                ["availabilityZoneInfo"] = new JsonArray([.. zones.Select(z => (JsonNode)new JsonObject
                {
                    ["zoneName"] = z, ["zoneState"] = new JsonObject { ["available"] = true }, ["hosts"] = null,
                })]),
            });
        });
    }

    private static string? HostState(CloudSimulation s, string? host) =>
        host is null ? null : s.Services().FirstOrDefault(v => v.Host == host) is { } svc ? svc.ForcedDown ? "DOWN" : svc.Enabled ? "UP" : "MAINTENANCE" : "UNKNOWN";

    /// <summary>The server, if the caller's project owns it or the caller is an admin; else Nova's 404.</summary>
    private static ServerRecord Owned(HttpContext c, CloudSimulation s, string id)
    {
        var caller = Access.Caller(c);
        return s.Server(id) is { } server && Access.Owns(caller, server.ProjectId) ? server
            : throw ApiException.NotFound($"Instance {id} could not be found.");
    }

    private static IResult List(HttpContext c, CloudSimulation s, CloudAddress a, bool detail)
    {
        var caller = Access.Caller(c);
        var q = c.Request.Query;
        var allTenants = q["all_tenants"].FirstOrDefault() is { } at && at is not ("0" or "false" or "False");
        if (allTenants && !caller.IsAdmin) throw Access.Deny(ApiService.Compute, $"{Rule}:index:get_all_tenants");
        IEnumerable<ServerRecord> servers = s.Servers();
        var project = q["project_id"].FirstOrDefault() ?? q["tenant_id"].FirstOrDefault();
        if (!allTenants || !caller.IsAdmin) servers = servers.Where(v => v.ProjectId == caller.Project.Id);
        else if (project is not null) servers = servers.Where(v => v.ProjectId == project);
        if (q["name"].FirstOrDefault() is { } name)
        {
            Regex regex;
            try
            {
                regex = new Regex(name, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                throw ApiException.BadRequest($"Invalid filter: name '{name}' is not a valid regular expression");
            }
            servers = servers.Where(v => regex.IsMatch(v.Name));
        }
        if (q["status"].FirstOrDefault() is { } status) servers = servers.Where(v => string.Equals(v.Status, status, StringComparison.OrdinalIgnoreCase));
        if (q["tags"].FirstOrDefault() is { } tags) servers = servers.Where(v => tags.Split(',').All(v.Tags.Contains));
        if (q["tags-any"].FirstOrDefault() is { } anyTags) servers = servers.Where(v => anyTags.Split(',').Any(v.Tags.Contains));
        if (q["host"].FirstOrDefault() is { } host && caller.IsAdmin) servers = servers.Where(v => v.Host == host);
        if (q["flavor"].FirstOrDefault() is { } flavor) servers = servers.Where(v => v.Flavor.Id == flavor);
        if (q["image"].FirstOrDefault() is { } image) servers = servers.Where(v => v.ImageId == image);
        if (q["uuid"].FirstOrDefault() is { } uuid) servers = servers.Where(v => v.Id == uuid);
        servers = servers.OrderByDescending(v => v.Created).ThenBy(v => v.Id, StringComparer.Ordinal);
        if (q["marker"].FirstOrDefault() is { } marker)
        {
            var all = servers.ToList();
            var at2 = all.FindIndex(v => v.Id == marker);
            if (at2 < 0) throw ApiException.BadRequest($"marker [{marker}] not found");
            servers = all.Skip(at2 + 1);
        }
        if (int.TryParse(q["limit"].FirstOrDefault(), out var limit) && limit >= 0) servers = servers.Take(limit);
        var list = new JsonArray();
        foreach (var server in servers)
            list.Add(detail ? ServerJson.Detail(c, a, caller, server, show: false, HostState(s, server.Host)) : ServerJson.Summary(a, server));
        return Reply(new JsonObject { ["servers"] = list });
    }

    private static async Task<IResult> CreateAsync(HttpContext c, CloudSimulation s, CloudAddress a, ImageStore images, NetworkStore networks,
        NovaPorts ports, FaultInjector faults, FlavorAccess access)
    {
        var caller = Access.Caller(c);
        var root = await BodyAsync(c);
        var body = Json.Object(root, "server");
        var name = RequiredText(body, "name");
        var flavorRef = RequiredText(body, "flavorRef").TrimEnd('/');
        var flavorId = flavorRef[(flavorRef.LastIndexOf('/') + 1)..];
        if (s.Flavor(flavorId) is not { } flavor || !(flavor.IsPublic || caller.IsAdmin || access.Allows(flavor.Id, caller.Project.Id)))
            throw ApiException.BadRequest($"Flavor {flavorId} could not be found.");
        string? imageId = null;
        var imageProperties = ImmutableSortedDictionary<string, string>.Empty;
        if (Text(body, "imageRef") is { Length: > 0 } imageRef)
        {
            imageId = imageRef.TrimEnd('/')[(imageRef.TrimEnd('/').LastIndexOf('/') + 1)..];
            var image = images.Find(imageId);
            if (image is null || !(caller.IsAdmin || image.Visibility is "public" or "community" || image.Owner == caller.Project.Id))
                throw ApiException.BadRequest("Can not find requested image");
            if (image.Status != "active") throw ApiException.BadRequest($"Image {imageId} is not active.");
            imageProperties = image.Properties;
        }
        else if (body["block_device_mapping_v2"] is not JsonArray)
        {
            throw ApiException.BadRequest("Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.");
        }
        if (Microversions.AtLeast(c, 2, 37) && body["networks"] is null)
            throw ApiException.BadRequest($"Invalid input for field/attribute server. Value: {body.ToJsonString()}. 'networks' is a required property");
        string? host = Text(body, "host"), node = Text(body, "hypervisor_hostname");
        if ((host ?? node) is not null)
        {
            NovaApi.Require(c, 74);
            if (!caller.IsAdmin) throw Access.Deny(ApiService.Compute, $"{Rule}:create:forced_host");
            if (!s.HostNames.Contains(host ?? node!)) throw ApiException.BadRequest($"Compute host {host ?? node} could not be found.");
        }
        string? zone = Text(body, "availability_zone"), forced = null;
        if (zone is not null && zone.Contains(':', StringComparison.Ordinal))
        {
            if (!caller.IsAdmin) throw Access.Deny(ApiService.Compute, $"{Rule}:create:forced_host");
            var parts = zone.Split(':');
            (zone, forced) = (parts[0].Length > 0 ? parts[0] : null, parts[1].Length > 0 ? parts[1] : null);
        }
        var metadata = body["metadata"] is JsonObject md
            ? md.ToImmutableSortedDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var t) ? t
                : throw ApiException.BadRequest($"Invalid input for field/attribute metadata. Value: {md.ToJsonString()}. Values must be strings"), StringComparer.Ordinal)
            : ImmutableSortedDictionary<string, string>.Empty;
        ImmutableArray<string> tags = body["tags"] is JsonArray t2 ? [.. t2.Select(x => x?.GetValue<string>() ?? "")] : [];
        var count = (int)Math.Clamp(Integer(body, "max_count") ?? Integer(body, "min_count") ?? 1, 1, 100);
        ServerRecord? first = null;
        for (var i = 0; i < count; i++)
        {
            var portRequests = ports.Resolve(caller, body["networks"], networks);
            var request = new BootRequest
            {
                Name = count > 1 ? $"{name}-{i + 1}" : name,
                FlavorId = flavor.Id,
                ProjectId = caller.Project.Id,
                UserId = caller.User.Id,
                ImageId = imageId,
                ImageProperties = imageProperties,
                Metadata = metadata,
                Tags = tags,
                Ports = portRequests,
                AvailabilityZone = zone,
                Description = Text(body, "description"),
                Host = host,
                HypervisorHostname = node,
                ForcedHost = forced,
                FailBuild = faults.Plan.BuildFailureRate > 0 && faults.Draw() < faults.Plan.BuildFailureRate,
            };
            var server = NovaApi.Call(() => s.Boot(request));
            ports.Claim(server);
            first ??= server;
        }
        c.Response.Headers.Location = a.Url($"{ServicePaths.ComputeApi}/servers/{first!.Id}");
        var created = new JsonObject
        {
            ["id"] = first.Id,
            ["links"] = NovaApi.Links(a, "servers", first.Id),
            ["OS-DCF:diskConfig"] = "MANUAL",
            ["security_groups"] = new JsonArray(new JsonObject { ["name"] = "default" }),
            ["adminPass"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9)),
        };
        return Reply(new JsonObject { ["server"] = created }, 202);
    }

    private static async Task<IResult> ActionAsync(HttpContext c, CloudSimulation s, string id)
    {
        var caller = Access.Caller(c);
        var body = await BodyAsync(c);
        var server = Owned(c, s, id);
        if (body.Count != 1) throw ApiException.BadRequest("There is no such action: None");
        var (action, node) = (body.First().Key, body.First().Value);
        string? HostOf() => node is JsonObject o ? Text(o, "host") : null;
        var status = 202;
        switch (action)
        {
            case "reboot":
                var type = node is JsonObject r ? Text(r, "type") : null;
                if (type is not ("SOFT" or "HARD")) throw ApiException.BadRequest($"Invalid input for field/attribute type. Value: {type}. '{type}' is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
                NovaApi.Call(() => s.Reboot(server.Id, type == "HARD"));
                break;
            case "os-stop":
                NovaApi.Call(() => s.Stop(server.Id));
                break;
            case "os-start":
                NovaApi.Call(() => s.Start(server.Id));
                break;
            case "resize":
                var flavorRef = node is JsonObject z ? Text(z, "flavorRef") : null;
                if (flavorRef is null) throw ApiException.BadRequest("Invalid input for field/attribute resize. 'flavorRef' is a required property");
                NovaApi.Call(() => s.Resize(server.Id, flavorRef.TrimEnd('/')[(flavorRef.TrimEnd('/').LastIndexOf('/') + 1)..]));
                break;
            case "confirmResize":
                NovaApi.Call(() => s.ConfirmResize(server.Id));
                status = 204;
                break;
            case "revertResize":
                NovaApi.Call(() => s.RevertResize(server.Id));
                break;
            case "migrate":
                if (!caller.IsAdmin) throw Access.Deny(ApiService.Compute, "os_compute_api:os-migrate-server:migrate");
                var migrateTo = HostOf();
                NovaApi.Call(() => s.Migrate(server.Id, migrateTo));
                break;
            case "os-migrateLive":
                if (!caller.IsAdmin) throw Access.Deny(ApiService.Compute, "os_compute_api:os-migrate-server:migrate_live");
                var liveTo = HostOf();
                NovaApi.Call(() => s.LiveMigrate(server.Id, liveTo));
                break;
            default:
                throw ApiException.BadRequest($"There is no such action: {action}");
        }
        return Empty(status);
    }

    private static IResult Topology(HttpContext c, CloudSimulation s, string id)
    {
        NovaApi.Require(c, 78);
        var caller = Access.Caller(c);
        var server = Owned(c, s, id);
        var view = s.Topology(server.Id) ?? throw ApiException.NotFound($"Instance {id} could not be found.");
        var nodes = new JsonArray();
        foreach (var n in view.Nodes)
        {
            var node = new JsonObject
            {
                ["vcpu_set"] = new JsonArray([.. n.VcpuSet.Select(v => (JsonNode)v)]),
                ["siblings"] = new JsonArray([.. n.Siblings.Select(set => (JsonNode)new JsonArray([.. set.Select(v => (JsonNode)v)]))]),
                ["memory_mb"] = n.MemoryMiB,
            };
            if (caller.IsAdmin)
            {
                node["host_node"] = n.HostNode;
                var pins = new JsonObject();
                foreach (var (vcpu, pcpu) in n.CpuPinning) pins[vcpu.ToString(System.Globalization.CultureInfo.InvariantCulture)] = pcpu;
                node["cpu_pinning"] = pins;
            }
            nodes.Add(node);
        }
        return Reply(new JsonObject { ["nodes"] = nodes, ["pagesize_kb"] = view.PageSizeKiB });
    }
}
