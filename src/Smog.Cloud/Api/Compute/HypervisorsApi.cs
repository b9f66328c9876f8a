using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Policy;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>os-hypervisors (list, detail, show, statistics and uptime before 2.88) and os-services (admin).</summary>
public static class HypervisorsApi
{
    private const string Rule = "os_compute_api:os-hypervisors";
    private const string ServicesRule = "os_compute_api:os-services";

    public static void Map(RouteGroupBuilder v21)
    {
        v21.MapGet("/os-hypervisors", (HttpContext c, CloudSimulation s) => List(c, s, detail: false));
        v21.MapGet("/os-hypervisors/detail", (HttpContext c, CloudSimulation s) => List(c, s, detail: true));
        v21.MapGet("/os-hypervisors/statistics", (HttpContext c, CloudSimulation s) =>
        {
            if (Microversions.AtLeast(c, 2, 88)) throw ApiException.NotFound("The resource could not be found.");
            Access.Admin(c, ApiService.Compute, $"{Rule}:statistics");
            var t = s.Statistics();
            return Reply(new JsonObject
            {
                ["hypervisor_statistics"] = new JsonObject
                {
                    ["count"] = t.Count,
                    ["vcpus_used"] = t.VcpusUsed,
                    ["local_gb_used"] = t.LocalGiBUsed,
                    ["memory_mb"] = t.MemoryMiB,
                    ["current_workload"] = t.CurrentWorkload,
                    ["vcpus"] = t.Vcpus,
                    ["running_vms"] = t.RunningVms,
                    ["free_disk_gb"] = t.FreeDiskGiB,
                    ["disk_available_least"] = t.DiskAvailableLeast,
                    ["local_gb"] = t.LocalGiB,
                    ["free_ram_mb"] = t.FreeRamMiB,
                    ["memory_mb_used"] = t.MemoryMiBUsed,
                },
            });
        });
        v21.MapGet("/os-hypervisors/{id}", (HttpContext c, CloudSimulation s, string id) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:show");
            var h = Find(c, s, id);
            return Reply(new JsonObject { ["hypervisor"] = ToJson(c, h, detail: true, WithServers(c)) });
        });
        v21.MapGet("/os-hypervisors/{id}/uptime", (HttpContext c, CloudSimulation s, string id) =>
        {
            if (Microversions.AtLeast(c, 2, 88)) throw ApiException.NotFound("The resource could not be found.");
            Access.Admin(c, ApiService.Compute, $"{Rule}:uptime");
            var h = Find(c, s, id);
            var json = ToJson(c, h, detail: false, withServers: false);
            json["uptime"] = Uptime(c);
            return Reply(new JsonObject { ["hypervisor"] = json });
        });

        v21.MapGet("/os-services", (HttpContext c, CloudSimulation s) =>
        {
            Access.Admin(c, ApiService.Compute, $"{ServicesRule}:list");
            var binary = c.Request.Query["binary"].FirstOrDefault();
            var host = c.Request.Query["host"].FirstOrDefault();
            var list = s.Services().Where(v => (binary is null || v.Binary == binary) && (host is null || v.Host == host));
            return Reply(new JsonObject { ["services"] = new JsonArray([.. list.Select(v => (JsonNode)ServiceJson(c, v))]) });
        });
        v21.MapPut("/os-services/{id}", async (HttpContext c, CloudSimulation s, string id) =>
        {
            NovaApi.Require(c, 53);
            Access.Admin(c, ApiService.Compute, $"{ServicesRule}:update");
            var body = await BodyAsync(c);
            if (!s.Services().Any(v => v.Id == id)) throw ApiException.NotFound($"Service {id} could not be found.");
            var status = Text(body, "status");
            if (status is not (null or "enabled" or "disabled")) throw ApiException.BadRequest($"Invalid input for field/attribute status. Value: {status}. '{status}' is not one of ['enabled', 'disabled']");
            var updated = NovaApi.Call(() => s.UpdateService(id, status is null ? null : status == "enabled", Text(body, "disabled_reason"), Flag(body, "forced_down")));
            return Reply(new JsonObject { ["service"] = ServiceJson(c, updated) });
        });
    }

    private static bool WithServers(HttpContext c) => c.Request.Query["with_servers"].FirstOrDefault()?.ToLowerInvariant() is "true" or "1" or "yes";

    private static HypervisorRecord Find(HttpContext c, CloudSimulation s, string id)
    {
        if (Microversions.AtLeast(c, 2, 53) && !Guid.TryParse(id, out _))
            throw ApiException.BadRequest($"Invalid uuid {id}");
        return s.Hypervisors().FirstOrDefault(h => h.Id == id) ?? throw ApiException.NotFound($"Hypervisor with ID {id} could not be found.");
    }

    private static IResult List(HttpContext c, CloudSimulation s, bool detail)
    {
        Access.Admin(c, ApiService.Compute, detail ? $"{Rule}:list-detail" : $"{Rule}:list");
        IEnumerable<HypervisorRecord> list = s.Hypervisors();
        if (c.Request.Query["hypervisor_hostname_pattern"].FirstOrDefault() is { } pattern)
        {
            list = list.Where(h => h.HypervisorHostname.Contains(pattern, StringComparison.Ordinal)).ToList();
            if (!list.Any()) throw ApiException.NotFound($"No hypervisor matching '{pattern}' could be found.");
        }
        if (c.Request.Query["marker"].FirstOrDefault() is { } marker) list = list.SkipWhile(h => h.Id != marker).Skip(1);
        if (int.TryParse(c.Request.Query["limit"].FirstOrDefault(), out var limit) && limit >= 0) list = list.Take(limit);
        var withServers = WithServers(c);
        return Reply(new JsonObject { ["hypervisors"] = new JsonArray([.. list.Select(h => (JsonNode)ToJson(c, h, detail, withServers))]) });
    }

    private static JsonObject ToJson(HttpContext c, HypervisorRecord h, bool detail, bool withServers)
    {
        var json = new JsonObject { ["id"] = h.Id, ["hypervisor_hostname"] = h.HypervisorHostname, ["state"] = h.State, ["status"] = h.Status };
        if (detail)
        {
            var legacy = !Microversions.AtLeast(c, 2, 88);
            if (legacy)
            {
                json["vcpus"] = h.Vcpus;
                json["memory_mb"] = h.MemoryMiB;
                json["local_gb"] = h.LocalGiB;
                json["vcpus_used"] = h.VcpusUsed;
                json["memory_mb_used"] = h.MemoryMiBUsed;
                json["local_gb_used"] = h.LocalGiBUsed;
            }
            json["hypervisor_type"] = h.HypervisorType;
            json["hypervisor_version"] = h.HypervisorVersion;
            if (legacy)
            {
                json["free_ram_mb"] = h.FreeRamMiB;
                json["free_disk_gb"] = h.FreeDiskGiB;
                json["current_workload"] = h.CurrentWorkload;
                json["running_vms"] = h.RunningVms;
                json["disk_available_least"] = h.DiskAvailableLeast;
                json["cpu_info"] = Microversions.AtLeast(c, 2, 28) ? JsonNode.Parse(h.CpuInfo) : h.CpuInfo;
            }
            json["host_ip"] = h.HostIp;
            json["service"] = new JsonObject { ["id"] = h.Service.Id, ["host"] = h.Service.Host, ["disabled_reason"] = h.Service.DisabledReason };
            if (!legacy) json["uptime"] = Uptime(c);
        }
        if (withServers && (Microversions.AtLeast(c, 2, 75) || !h.Servers.IsEmpty))
            json["servers"] = new JsonArray([.. h.Servers.Select(v => (JsonNode)new JsonObject { ["uuid"] = v.Uuid, ["name"] = v.Name })]);
        return json;
    }

    private static string Uptime(HttpContext c)
    {
        var now = ((TimeProvider?)c.RequestServices.GetService(typeof(TimeProvider)) ?? TimeProvider.System).GetUtcNow();
        return $" {now:HH:mm:ss} up  1:33,  0 user,  load average: 0.00, 0.00, 0.00\n";
    }

    private static JsonObject ServiceJson(HttpContext c, ComputeServiceRecord v)
    {
        var json = new JsonObject
        {
            ["binary"] = v.Binary,
            ["host"] = v.Host,
            ["id"] = v.Id,
            ["zone"] = v.Zone,
            ["status"] = v.Status,
            ["state"] = v.State,
            ["updated_at"] = NovaDbTime(v.UpdatedAt),
            ["disabled_reason"] = v.DisabledReason,
        };
        if (Microversions.AtLeast(c, 2, 11)) json["forced_down"] = v.ForcedDown;
        return json;
    }
}
