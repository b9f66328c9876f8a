using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Policy;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Placement;

/// <summary>
/// Placement under <c>/placement</c>, read-only (Nova writes it; here the simulation does):
/// resource providers with inventories, usages, allocations, traits and aggregates, consumer
/// allocations, traits and resource classes. Admin only, as Zed's default policy.
/// </summary>
public static class PlacementApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ServicePaths.Placement, Versions);
        var p = app.MapGroup(ServicePaths.Placement);
        p.MapGet("/resource_providers", List);
        p.MapGet("/resource_providers/{uuid}", (HttpContext c, CloudSimulation s, string uuid) =>
            Reply(ProviderJson(c, Provider(c, s, uuid, "placement:resource_providers:show"))));
        p.MapGet("/resource_providers/{uuid}/inventories", (HttpContext c, CloudSimulation s, string uuid) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:inventories:list");
            var inventories = new JsonObject();
            foreach (var (rc, inv) in rp.Inventories) inventories[rc] = InventoryJson(inv);
            return Reply(new JsonObject { ["resource_provider_generation"] = rp.Generation, ["inventories"] = inventories });
        });
        p.MapGet("/resource_providers/{uuid}/inventories/{rc}", (HttpContext c, CloudSimulation s, string uuid, string rc) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:inventories:show");
            if (!rp.Inventories.TryGetValue(rc, out var inv))
                throw ApiException.NotFound($"No inventory of class {rc} for {uuid}");
            var json = InventoryJson(inv);
            json["resource_provider_generation"] = rp.Generation;
            return Reply(json);
        });
        p.MapGet("/resource_providers/{uuid}/usages", (HttpContext c, CloudSimulation s, string uuid) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:usages");
            var usages = new JsonObject();
            foreach (var rc in rp.Inventories.Keys) usages[rc] = rp.Usages.GetValueOrDefault(rc);
            return Reply(new JsonObject { ["resource_provider_generation"] = rp.Generation, ["usages"] = usages });
        });
        p.MapGet("/resource_providers/{uuid}/allocations", (HttpContext c, CloudSimulation s, string uuid) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:allocations:list");
            var allocations = new JsonObject();
            foreach (var (consumer, resources) in rp.Allocations)
                allocations[consumer] = new JsonObject { ["resources"] = Resources(resources), ["consumer_generation"] = 1 };
            return Reply(new JsonObject { ["allocations"] = allocations, ["resource_provider_generation"] = rp.Generation });
        });
        p.MapGet("/resource_providers/{uuid}/traits", (HttpContext c, CloudSimulation s, string uuid) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:traits:list");
            return Reply(new JsonObject { ["traits"] = new JsonArray([.. rp.Traits.Select(t => (JsonNode)t)]), ["resource_provider_generation"] = rp.Generation });
        });
        p.MapGet("/resource_providers/{uuid}/aggregates", (HttpContext c, CloudSimulation s, string uuid) =>
        {
            var rp = Provider(c, s, uuid, "placement:resource_providers:aggregates:list");
            return Reply(new JsonObject { ["aggregates"] = new JsonArray([.. rp.AggregateUuids.Select(t => (JsonNode)t)]), ["resource_provider_generation"] = rp.Generation });
        });
        p.MapGet("/allocations/{consumer}", (HttpContext c, CloudSimulation s, string consumer) =>
        {
            Access.Admin(c, ApiService.Placement, "placement:allocations:list");
            var held = s.Allocations(consumer);
            var allocations = new JsonObject();
            foreach (var (rp, resources) in held.ByProvider)
                allocations[rp] = new JsonObject { ["resources"] = Resources(resources), ["generation"] = held.ProviderGenerations.GetValueOrDefault(rp) };
            var json = new JsonObject { ["allocations"] = allocations };
            if (held.ByProvider.IsEmpty) return Reply(json);
            json["project_id"] = held.ProjectId;
            json["user_id"] = held.UserId;
            if (Microversions.Of(c, ApiService.Placement) >= new Smog.Nova.Microversion(1, 28)) json["consumer_generation"] = held.ConsumerGeneration;
            if (Microversions.Of(c, ApiService.Placement) >= new Smog.Nova.Microversion(1, 38)) json["consumer_type"] = "unknown";
            return Reply(json);
        });
        p.MapGet("/traits", (HttpContext c, CloudSimulation s) =>
        {
            Access.Admin(c, ApiService.Placement, "placement:traits:list");
            var traits = s.ResourceProviders().SelectMany(r => r.Traits).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            if (c.Request.Query["name"].FirstOrDefault() is { } filter)
            {
                traits = filter.StartsWith("startswith:", StringComparison.Ordinal)
                    ? traits.Where(t => t.StartsWith(filter["startswith:".Length..], StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                    : filter.StartsWith("in:", StringComparison.Ordinal) ? traits.Where(t => filter[3..].Split(',').Contains(t)).Order(StringComparer.Ordinal) : traits;
            }
            return Reply(new JsonObject { ["traits"] = new JsonArray([.. traits.Select(t => (JsonNode)t)]) });
        });
        p.MapGet("/resource_classes", (HttpContext c, CloudSimulation s) =>
        {
            Access.Admin(c, ApiService.Placement, "placement:resource_classes:list");
            var classes = s.ResourceProviders().SelectMany(r => r.Inventories.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return Reply(new JsonObject
            {
                ["resource_classes"] = new JsonArray([.. classes.Select(rc => (JsonNode)new JsonObject
                {
                    ["name"] = rc, ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = $"/resource_classes/{rc}" }),
                })]),
            });
        });
    }

    private static IResult Versions() => Reply(new JsonObject
    {
        ["versions"] = new JsonArray(new JsonObject
        {
            ["id"] = "v1.0",
            ["max_version"] = Microversions.PlacementMax.ToString(),
            ["min_version"] = Microversions.PlacementMin.ToString(),
            ["status"] = "CURRENT",
            ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = "" }),
        }),
    });

    private static ResourceProviderRecord Provider(HttpContext c, CloudSimulation s, string uuid, string rule)
    {
        Access.Admin(c, ApiService.Placement, rule);
        return s.ResourceProvider(uuid) ?? throw ApiException.NotFound($"No resource provider with uuid {uuid} found");
    }

    private static IResult List(HttpContext c, CloudSimulation s)
    {
        Access.Admin(c, ApiService.Placement, "placement:resource_providers:list");
        IEnumerable<ResourceProviderRecord> list = s.ResourceProviders();
        var q = c.Request.Query;
        if (q["name"].FirstOrDefault() is { } name) list = list.Where(r => r.Name == name);
        if ((q["uuid"].FirstOrDefault() ?? q["in_tree"].FirstOrDefault()) is { } uuid) list = list.Where(r => r.Uuid == uuid);
        if (q["member_of"].FirstOrDefault() is { } member)
        {
            var wanted = member.StartsWith("in:", StringComparison.Ordinal) ? member[3..].Split(',') : [member];
            list = list.Where(r => wanted.Any(r.AggregateUuids.Contains));
        }
        if (q["required"].FirstOrDefault() is { } required)
        {
            foreach (var trait in required.Split(',', StringSplitOptions.RemoveEmptyEntries))
                list = trait.StartsWith('!') ? list.Where(r => !r.Traits.Contains(trait[1..])) : list.Where(r => r.Traits.Contains(trait));
        }
        if (q["resources"].FirstOrDefault() is { } resources)
        {
            foreach (var pair in resources.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split(':');
                if (parts.Length != 2 || !long.TryParse(parts[1], out var amount)) throw ApiException.BadRequest($"Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: {resources}.");
                list = list.Where(r => r.Inventories.TryGetValue(parts[0], out var inv) && inv.Capacity - r.Usages.GetValueOrDefault(parts[0]) >= amount && amount <= inv.MaxUnit);
            }
        }
        return Reply(new JsonObject { ["resource_providers"] = new JsonArray([.. list.Select(r => (JsonNode)ProviderJson(c, r))]) });
    }

    private static JsonObject ProviderJson(HttpContext c, ResourceProviderRecord r)
    {
        var self = $"/resource_providers/{r.Uuid}";
        var links = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = self }, new JsonObject { ["rel"] = "inventories", ["href"] = self + "/inventories" },
            new JsonObject { ["rel"] = "usages", ["href"] = self + "/usages" });
        var version = Microversions.Of(c, ApiService.Placement);
        if (version >= new Smog.Nova.Microversion(1, 1)) links.Add(new JsonObject { ["rel"] = "aggregates", ["href"] = self + "/aggregates" });
        if (version >= new Smog.Nova.Microversion(1, 6)) links.Add(new JsonObject { ["rel"] = "traits", ["href"] = self + "/traits" });
        if (version >= new Smog.Nova.Microversion(1, 11)) links.Add(new JsonObject { ["rel"] = "allocations", ["href"] = self + "/allocations" });
        var json = new JsonObject { ["uuid"] = r.Uuid, ["name"] = r.Name, ["generation"] = r.Generation, ["links"] = links };
        if (version >= new Smog.Nova.Microversion(1, 14))
        {
            json["parent_provider_uuid"] = null;
            json["root_provider_uuid"] = r.Uuid;
        }
        return json;
    }

    private static JsonObject InventoryJson(InventoryRecord inv) => new()
    {
        ["total"] = inv.Total,
        ["reserved"] = inv.Reserved,
        ["min_unit"] = inv.MinUnit,
        ["max_unit"] = inv.MaxUnit,
        ["step_size"] = inv.StepSize,
        ["allocation_ratio"] = inv.AllocationRatio,
    };

    private static JsonObject Resources(IEnumerable<KeyValuePair<string, long>> resources)
    {
        var json = new JsonObject();
        foreach (var (rc, amount) in resources) json[rc] = amount;
        return json;
    }
}
