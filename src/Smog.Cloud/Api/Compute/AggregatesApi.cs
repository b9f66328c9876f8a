using System.Globalization;
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

/// <summary>os-aggregates (admin): CRUD and the add_host, remove_host and set_metadata actions; paths take the integer id.</summary>
public static class AggregatesApi
{
    private const string Rule = "os_compute_api:os-aggregates";

    public static void Map(RouteGroupBuilder v21)
    {
        v21.MapGet("/os-aggregates", (HttpContext c, CloudSimulation s) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:index");
            return Reply(new JsonObject { ["aggregates"] = new JsonArray([.. s.Aggregates().Select(a => (JsonNode)ToJson(c, a))]) });
        });
        v21.MapGet("/os-aggregates/{id}", (HttpContext c, CloudSimulation s, string id) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:show");
            var n = Id(id);
            return Reply(new JsonObject { ["aggregate"] = ToJson(c, s.Aggregate(n) ?? throw Missing(n)) });
        });
        v21.MapPost("/os-aggregates", async (HttpContext c, CloudSimulation s) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:create");
            var body = Json.Object(await BodyAsync(c), "aggregate");
            var name = RequiredText(body, "name");
            var aggregate = NovaApi.Call(() => s.CreateAggregate(name, Text(body, "availability_zone")));
            var json = ToJson(c, aggregate);
            // Nova's create answer lists neither hosts nor metadata (they come with the next read).
            json.Remove("hosts");
            json.Remove("metadata");
            return Reply(new JsonObject { ["aggregate"] = json });
        });
        v21.MapPut("/os-aggregates/{id}", async (HttpContext c, CloudSimulation s, string id) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:update");
            var body = Json.Object(await BodyAsync(c), "aggregate");
            var n = Id(id);
            return Reply(new JsonObject { ["aggregate"] = ToJson(c, NovaApi.Call(() => s.UpdateAggregate(n, Text(body, "name"), Text(body, "availability_zone")))) });
        });
        v21.MapDelete("/os-aggregates/{id}", (HttpContext c, CloudSimulation s, string id) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:delete");
            var n = Id(id);
            NovaApi.Call(() => s.DeleteAggregate(n));
            return Empty(200);
        });
        v21.MapPost("/os-aggregates/{id}/action", ActionAsync);
    }

    private static int Id(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw ApiException.BadRequest($"Invalid input for field/attribute id. Value: {text}. '{text}' is not of type 'integer'");

    private static ApiException Missing(int id) => ApiException.NotFound($"Aggregate {id} could not be found.");

    private static async Task<IResult> ActionAsync(HttpContext c, CloudSimulation s, string id)
    {
        var body = await BodyAsync(c);
        var n = Id(id);
        if (body.Count != 1) throw ApiException.BadRequest("Invalid request body: one action expected.");
        var (action, node) = (body.First().Key, body.First().Value as JsonObject ?? throw ApiException.BadRequest($"Invalid input for field/attribute {body.First().Key}."));
        AggregateRecord result;
        switch (action)
        {
            case "add_host":
                Access.Admin(c, ApiService.Compute, $"{Rule}:add_host");
                var add = RequiredText(node, "host");
                result = NovaApi.Call(() => s.AddHost(n, add));
                break;
            case "remove_host":
                Access.Admin(c, ApiService.Compute, $"{Rule}:remove_host");
                var remove = RequiredText(node, "host");
                result = NovaApi.Call(() => s.RemoveHost(n, remove));
                break;
            case "set_metadata":
                Access.Admin(c, ApiService.Compute, $"{Rule}:set_metadata");
                var metadata = Json.Object(node, "metadata");
                var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var (k, v) in metadata)
                    changes[k] = v is null ? null : v is JsonValue jv && jv.TryGetValue<string>(out var text) ? text : v.ToJsonString();
                result = NovaApi.Call(() => s.SetAggregateMetadata(n, changes));
                break;
            default:
                throw ApiException.BadRequest($"Invalid input for field/attribute {action}. Additional properties are not allowed ('{action}' was unexpected)");
        }
        return Reply(new JsonObject { ["aggregate"] = ToJson(c, result) });
    }

    public static JsonObject ToJson(HttpContext c, AggregateRecord a)
    {
        var json = new JsonObject { ["id"] = a.Id };
        if (Microversions.AtLeast(c, 2, 41)) json["uuid"] = a.Uuid;
        json["name"] = a.Name;
        json["hosts"] = new JsonArray([.. a.Hosts.Select(h => (JsonNode)h)]);
        json["metadata"] = FlavorsApi.Specs(a.Metadata);
        json["created_at"] = NovaDbTime(a.CreatedAt);
        json["updated_at"] = a.UpdatedAt is { } u ? NovaDbTime(u) : null;
        json["deleted_at"] = null;
        json["deleted"] = false;
        json["availability_zone"] = a.AvailabilityZone;
        return json;
    }
}
