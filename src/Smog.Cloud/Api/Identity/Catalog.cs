using System.Text.Json.Nodes;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;

namespace Smog.Cloud.Api.Identity;

/// <summary>
/// The service catalog every token carries: identity, compute, placement, image and network,
/// all pointing at this server (public, internal and admin interfaces alike, region RegionOne).
/// </summary>
public sealed class Catalog(CloudAddress address)
{
    public const string Region = "RegionOne";

    private readonly (string Type, string Name, string Path, string ServiceId, string[] EndpointIds)[] services =
    [
        ("identity", "keystone", ServicePaths.IdentityApi + "/", Id(), [Id(), Id(), Id()]),
        ("compute", "nova", ServicePaths.ComputeApi, Id(), [Id(), Id(), Id()]),
        ("placement", "placement", ServicePaths.Placement, Id(), [Id(), Id(), Id()]),
        ("image", "glance", ServicePaths.Image, Id(), [Id(), Id(), Id()]),
        ("network", "neutron", ServicePaths.Network, Id(), [Id(), Id(), Id()]),
    ];

    private static readonly string[] Interfaces = ["public", "internal", "admin"];

    public JsonArray ToJson()
    {
        var list = new JsonArray();
        foreach (var (type, name, path, serviceId, endpointIds) in services)
        {
            var endpoints = new JsonArray();
            for (var i = 0; i < Interfaces.Length; i++)
            {
                endpoints.Add(new JsonObject
                {
                    ["id"] = endpointIds[i],
                    ["interface"] = Interfaces[i],
                    ["region_id"] = Region,
                    ["url"] = address.Url(path),
                    ["region"] = Region,
                });
            }
            list.Add(new JsonObject { ["endpoints"] = endpoints, ["id"] = serviceId, ["type"] = type, ["name"] = name });
        }
        return list;
    }

    private static string Id() => Guid.NewGuid().ToString("N");
}
