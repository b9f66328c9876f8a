using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>
/// Nova's API under <c>/compute</c>: version documents, then flavors, aggregates, servers,
/// hypervisors, services and availability zones under <c>/compute/v2.1</c>, all over the
/// <see cref="CloudSimulation"/>.
/// </summary>
public static class NovaApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ServicePaths.Compute, (CloudAddress a) => Reply(Versions(a)));
        app.MapGet(ServicePaths.ComputeApi, (CloudAddress a) => Reply(new JsonObject { ["version"] = Version(a, withMediaTypes: true) }));
        var v21 = app.MapGroup(ServicePaths.ComputeApi);
        FlavorsApi.Map(v21);
        AggregatesApi.Map(v21);
        ServersApi.Map(v21);
        HypervisorsApi.Map(v21);
    }

    private static JsonObject Versions(CloudAddress a) => new()
    {
        ["versions"] = new JsonArray(
            new JsonObject
            {
                ["id"] = "v2.0",
                ["status"] = "SUPPORTED",
                ["version"] = "",
                ["min_version"] = "",
                ["updated"] = "2011-01-21T11:33:21Z",
                ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = a.Url(ServicePaths.Compute + "/v2/") }),
            },
            Version(a, withMediaTypes: false)),
    };

    private static JsonObject Version(CloudAddress a, bool withMediaTypes)
    {
        var v = new JsonObject
        {
            ["id"] = "v2.1",
            ["status"] = "CURRENT",
            ["version"] = Microversions.ComputeMax.ToString(),
            ["min_version"] = Microversions.ComputeMin.ToString(),
            ["updated"] = "2013-07-23T11:33:21Z",
            ["links"] = new JsonArray(
                new JsonObject { ["rel"] = "self", ["href"] = a.Url(ServicePaths.ComputeApi + "/") },
                new JsonObject { ["rel"] = "describedby", ["type"] = "text/html", ["href"] = "http://docs.openstack.org/" }),
        };
        if (withMediaTypes)
            v["media-types"] = new JsonArray(new JsonObject { ["base"] = "application/json", ["type"] = "application/vnd.openstack.compute+json;version=2.1" });
        return v;
    }

    /// <summary>Runs a simulation call, turning its refusals into Nova's statuses.</summary>
    public static T Call<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SimulationException e)
        {
            throw new ApiException(e.Fault switch
            {
                SimulationFault.NotFound => 404,
                SimulationFault.Conflict => 409,
                _ => 400,
            }, e.Message);
        }
    }

    public static void Call(Action action) => Call(() =>
    {
        action();
        return 0;
    });

    /// <summary>Nova's self and bookmark links for a resource.</summary>
    public static JsonArray Links(CloudAddress a, string collection, string id) => new(
        new JsonObject { ["rel"] = "self", ["href"] = a.Url($"{ServicePaths.ComputeApi}/{collection}/{id}") },
        new JsonObject { ["rel"] = "bookmark", ["href"] = a.Url($"{ServicePaths.Compute}/{collection}/{id}") });

    /// <summary>A 2.x feature gate: below it the route does not exist (a bare 404).</summary>
    public static void Require(HttpContext c, int minor)
    {
        if (!Microversions.AtLeast(c, 2, minor)) throw ApiException.NotFound("The resource could not be found.");
    }
}
