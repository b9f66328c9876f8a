using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Policy;
using Smog.Cloud.Simulation;
using Smog.Nova.Specs;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>Flavors, extra specs (validated from 2.86 by the engine's extra-spec catalogue) and os-flavor-access.</summary>
public static class FlavorsApi
{
    private const string Rule = "os_compute_api:os-flavor-manage";
    private const string SpecsRule = "os_compute_api:os-flavor-extra-specs";
    private const string AccessRule = "os_compute_api:os-flavor-access";

    public static void Map(RouteGroupBuilder v21)
    {
        v21.MapGet("/flavors", (HttpContext c, CloudSimulation s, FlavorAccess fa, CloudAddress a) => List(c, s, fa, a, detail: false));
        v21.MapGet("/flavors/detail", (HttpContext c, CloudSimulation s, FlavorAccess fa, CloudAddress a) => List(c, s, fa, a, detail: true));
        v21.MapGet("/flavors/{id}", (HttpContext c, CloudSimulation s, FlavorAccess fa, CloudAddress a, string id) =>
            Reply(new JsonObject { ["flavor"] = ToJson(c, a, Visible(c, s, fa, id)) }));
        v21.MapPost("/flavors", CreateAsync);
        v21.MapPut("/flavors/{id}", UpdateAsync);
        v21.MapDelete("/flavors/{id}", (HttpContext c, CloudSimulation s, FlavorAccess fa, string id) =>
        {
            Access.Admin(c, ApiService.Compute, $"{Rule}:delete");
            NovaApi.Call(() => s.DeleteFlavor(id));
            fa.Forget(id);
            return Empty(202);
        });

        v21.MapGet("/flavors/{id}/os-extra_specs", (HttpContext c, CloudSimulation s, FlavorAccess fa, string id) =>
            Reply(new JsonObject { ["extra_specs"] = Specs(Visible(c, s, fa, id).ExtraSpecs) }));
        v21.MapPost("/flavors/{id}/os-extra_specs", SetSpecsAsync);
        v21.MapGet("/flavors/{id}/os-extra_specs/{key}", (HttpContext c, CloudSimulation s, FlavorAccess fa, string id, string key) =>
        {
            var flavor = Visible(c, s, fa, id);
            return flavor.ExtraSpecs.TryGetValue(key, out var value)
                ? Reply(new JsonObject { [key] = value })
                : throw ApiException.NotFound($"Flavor {id} has no extra specs with key {key}.");
        });
        v21.MapPut("/flavors/{id}/os-extra_specs/{key}", UpdateSpecAsync);
        v21.MapDelete("/flavors/{id}/os-extra_specs/{key}", (HttpContext c, CloudSimulation s, string id, string key) =>
        {
            Access.Admin(c, ApiService.Compute, $"{SpecsRule}:delete");
            var flavor = NovaApi.Call(() => s.Flavor(id)) ?? throw ApiException.NotFound($"Flavor {id} could not be found.");
            if (!flavor.ExtraSpecs.ContainsKey(key)) throw ApiException.NotFound($"Flavor {id} has no extra specs with key {key}.");
            NovaApi.Call(() => s.DeleteExtraSpec(id, key));
            return Empty(200);
        });

        v21.MapGet("/flavors/{id}/os-flavor-access", (HttpContext c, CloudSimulation s, FlavorAccess fa, string id) =>
        {
            Access.Admin(c, ApiService.Compute, AccessRule);
            var flavor = s.Flavor(id) ?? throw ApiException.NotFound($"Flavor {id} could not be found.");
            if (flavor.IsPublic) throw ApiException.NotFound("Access list not available for public flavors.");
            return Reply(AccessJson(id, fa.Of(id)));
        });
        v21.MapPost("/flavors/{id}/action", AccessActionAsync);
    }

    private static bool CanSee(IssuedToken caller, FlavorRecord f, FlavorAccess fa) => f.IsPublic || caller.IsAdmin || fa.Allows(f.Id, caller.Project.Id);

    private static FlavorRecord Visible(HttpContext c, CloudSimulation s, FlavorAccess fa, string id)
    {
        var caller = Access.Caller(c);
        return s.Flavor(id) is { } f && CanSee(caller, f, fa) ? f : throw ApiException.NotFound($"Flavor {id} could not be found.");
    }

    /// <summary>
    /// <c>is_public</c>: absent means public ones (plus, for members, private ones shared with
    /// their project); <c>None</c> (admin) means all; true/false filters.
    /// </summary>
    private static IResult List(HttpContext c, CloudSimulation s, FlavorAccess fa, CloudAddress a, bool detail)
    {
        var caller = Access.Caller(c);
        var isPublic = c.Request.Query["is_public"].FirstOrDefault()?.ToLowerInvariant();
        IEnumerable<FlavorRecord> flavors = s.Flavors();
        flavors = (isPublic, caller.IsAdmin) switch
        {
            ("none", true) => flavors,
            ("false" or "0" or "no", true) => flavors.Where(f => !f.IsPublic),
            (_, true) => flavors.Where(f => f.IsPublic),
            ("false" or "0" or "no", false) => flavors.Where(f => !f.IsPublic && fa.Allows(f.Id, caller.Project.Id)),
            _ => flavors.Where(f => CanSee(caller, f, fa)),
        };
        if (long.TryParse(c.Request.Query["minRam"].FirstOrDefault(), out var minRam)) flavors = flavors.Where(f => f.RamMiB >= minRam);
        if (long.TryParse(c.Request.Query["minDisk"].FirstOrDefault(), out var minDisk)) flavors = flavors.Where(f => f.DiskGiB >= minDisk);
        flavors = flavors.OrderBy(f => f.Id, StringComparer.Ordinal);
        if (c.Request.Query["marker"].FirstOrDefault() is { } marker) flavors = flavors.SkipWhile(f => f.Id != marker).Skip(1);
        if (int.TryParse(c.Request.Query["limit"].FirstOrDefault(), out var limit) && limit >= 0) flavors = flavors.Take(limit);
        var list = new JsonArray();
        foreach (var f in flavors) list.Add(detail ? ToJson(c, a, f) : Summary(c, a, f));
        return Reply(new JsonObject { ["flavors"] = list });
    }

    private static JsonObject Summary(HttpContext c, CloudAddress a, FlavorRecord f)
    {
        var json = new JsonObject { ["id"] = f.Id, ["links"] = NovaApi.Links(a, "flavors", f.Id), ["name"] = f.Name };
        if (Microversions.AtLeast(c, 2, 55)) json["description"] = f.Description;
        return json;
    }

    public static JsonObject ToJson(HttpContext c, CloudAddress a, FlavorRecord f)
    {
        var json = new JsonObject
        {
            ["id"] = f.Id,
            ["name"] = f.Name,
            ["ram"] = f.RamMiB,
            ["disk"] = f.DiskGiB,
            ["swap"] = Microversions.AtLeast(c, 2, 75) || f.SwapMiB != 0 ? f.SwapMiB : "",
            ["OS-FLV-EXT-DATA:ephemeral"] = f.EphemeralGiB,
            ["OS-FLV-DISABLED:disabled"] = f.Disabled,
            ["vcpus"] = f.Vcpus,
            ["os-flavor-access:is_public"] = f.IsPublic,
            ["rxtx_factor"] = f.RxtxFactor,
            ["links"] = NovaApi.Links(a, "flavors", f.Id),
        };
        if (Microversions.AtLeast(c, 2, 55)) json["description"] = f.Description;
        if (Microversions.AtLeast(c, 2, 61)) json["extra_specs"] = Specs(f.ExtraSpecs);
        return json;
    }

    public static JsonObject Specs(IEnumerable<KeyValuePair<string, string>> specs)
    {
        var json = new JsonObject();
        foreach (var (k, v) in specs) json[k] = v;
        return json;
    }

    private static async Task<IResult> CreateAsync(HttpContext c, CloudSimulation s, CloudAddress a)
    {
        Access.Admin(c, ApiService.Compute, $"{Rule}:create");
        var body = Json.Object(await BodyAsync(c), "flavor");
        var name = RequiredText(body, "name").Trim();
        if (name.Length is 0 or > 255) throw ApiException.BadRequest("Invalid input for field/attribute name. Value: . '' is too short");
        int Whole(string key, long min, bool required)
        {
            var value = Integer(body, key);
            if (value is null)
                return required ? throw ApiException.BadRequest($"Invalid input for field/attribute flavor. Value: {body.ToJsonString()}. '{key}' is a required property") : 0;
            return value >= min && value <= int.MaxValue ? (int)value
                : throw ApiException.BadRequest($"Invalid input for field/attribute {key}. Value: {value}. {value} is less than the minimum of {min}");
        }
        var id = body["id"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var sid) => sid == "auto" ? null : sid,
            JsonValue v => v.ToJsonString(),
            _ => throw ApiException.BadRequest("Invalid input for field/attribute id."),
        };
        var rxtx = body["rxtx_factor"] is JsonValue rv && (rv.TryGetValue<double>(out var r) || double.TryParse(rv.ToString(), System.Globalization.CultureInfo.InvariantCulture, out r)) ? r : 1.0;
        var spec = new FlavorSpec(name, Whole("vcpus", 1, true), Whole("ram", 1, true), Whole("disk", 0, true))
        {
            Id = id,
            EphemeralGiB = Whole("OS-FLV-EXT-DATA:ephemeral", 0, false),
            SwapMiB = Whole("swap", 0, false),
            RxtxFactor = rxtx,
            IsPublic = Flag(body, "os-flavor-access:is_public") ?? true,
            Description = Microversions.AtLeast(c, 2, 55) ? Text(body, "description") : null,
        };
        var flavor = NovaApi.Call(() => s.CreateFlavor(spec));
        return Reply(new JsonObject { ["flavor"] = ToJson(c, a, flavor) });
    }

    private static async Task<IResult> UpdateAsync(HttpContext c, CloudSimulation s, CloudAddress a, string id)
    {
        NovaApi.Require(c, 55);
        Access.Admin(c, ApiService.Compute, $"{Rule}:update");
        var body = Json.Object(await BodyAsync(c), "flavor");
        var flavor = NovaApi.Call(() => s.UpdateFlavor(id, Text(body, "description")));
        return Reply(new JsonObject { ["flavor"] = ToJson(c, a, flavor) });
    }

    private static ImmutableSortedDictionary<string, string> Checked(HttpContext c, JsonObject specs)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, node) in specs)
        {
            var value = node switch
            {
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonValue v when v.TryGetValue<double>(out _) || v.TryGetValue<bool>(out _) => v.ToJsonString(),
                _ => throw ApiException.BadRequest($"Invalid input for field/attribute extra_specs. Value: {specs.ToJsonString()}. {node?.ToJsonString() ?? "None"} is not of type 'string'"),
            };
            if (key.Length is 0 or > 255 || value.Length > 255)
                throw ApiException.BadRequest($"Invalid input for field/attribute extra_specs. Value: {specs.ToJsonString()}. Keys and values are 1-255 characters");
            if (ExtraSpecApiValidator.Validates(Microversions.Of(c, ApiService.Compute)) && ExtraSpecApiValidator.Validate(key, value) is { } why)
                throw ApiException.BadRequest($"Validation failed; {why}.");
            result[key] = value;
        }
        return result.ToImmutable();
    }

    private static async Task<IResult> SetSpecsAsync(HttpContext c, CloudSimulation s, string id)
    {
        Access.Admin(c, ApiService.Compute, $"{SpecsRule}:create");
        var specs = Json.Object(await BodyAsync(c), "extra_specs");
        if (s.Flavor(id) is null) throw ApiException.NotFound($"Flavor {id} could not be found.");
        var given = Checked(c, specs);
        NovaApi.Call(() => s.SetExtraSpecs(id, given));
        return Reply(new JsonObject { ["extra_specs"] = Specs(given) });
    }

    private static async Task<IResult> UpdateSpecAsync(HttpContext c, CloudSimulation s, string id, string key)
    {
        Access.Admin(c, ApiService.Compute, $"{SpecsRule}:update");
        var body = await BodyAsync(c);
        if (body.Count != 1 || !body.ContainsKey(key)) throw ApiException.BadRequest("Request body and URI mismatch");
        if (s.Flavor(id) is null) throw ApiException.NotFound($"Flavor {id} could not be found.");
        var given = Checked(c, body);
        NovaApi.Call(() => s.SetExtraSpecs(id, given));
        return Reply(Specs(given));
    }

    private static JsonObject AccessJson(string flavorId, IEnumerable<string> tenants) => new()
    {
        ["flavor_access"] = new JsonArray([.. tenants.Select(t => (JsonNode)new JsonObject { ["flavor_id"] = flavorId, ["tenant_id"] = t })]),
    };

    private static async Task<IResult> AccessActionAsync(HttpContext c, CloudSimulation s, FlavorAccess fa, string id)
    {
        var body = await BodyAsync(c);
        var (action, node) = body.Count == 1 ? (body.First().Key, body.First().Value as JsonObject) : ("", null);
        if (action is not ("addTenantAccess" or "removeTenantAccess") || node is null)
            throw ApiException.BadRequest("There is no such action: " + (action.Length > 0 ? action : "None"));
        Access.Admin(c, ApiService.Compute, action == "addTenantAccess" ? $"{AccessRule}:add_tenant_access" : $"{AccessRule}:remove_tenant_access");
        var flavor = s.Flavor(id) ?? throw ApiException.NotFound($"Flavor {id} could not be found.");
        var tenant = RequiredText(node, "tenant");
        if (flavor.IsPublic) throw ApiException.Conflict("Can not add access to a public flavor.");
        if (action == "addTenantAccess")
        {
            if (fa.Allows(id, tenant)) throw ApiException.Conflict($"Flavor access already exists for flavor {id} and project {tenant} combination.");
            return Reply(AccessJson(id, fa.Add(id, tenant)));
        }
        if (!fa.Allows(id, tenant)) throw ApiException.NotFound($"Flavor access not found for {id} / {tenant} combination.");
        return Reply(AccessJson(id, fa.Remove(id, tenant)));
    }
}
