namespace Smog.Cloud.Api.Errors;

/// <summary>The OpenStack service a path belongs to; each answers errors in its own shape.</summary>
public enum ApiService
{
    Identity,
    Compute,
    Placement,
    Image,
    Network,
    /// <summary>Smog's private routes (host access); errors look like Keystone's.</summary>
    Smog,
}

/// <summary>Where each service lives under the cloud's base URL, and how a path maps back to it.</summary>
public static class ServicePaths
{
    public const string Identity = "/identity";
    public const string Compute = "/compute";
    public const string Placement = "/placement";
    public const string Image = "/image";
    public const string Network = "/network";
    public const string Smog = "/smog";

    /// <summary>Nova's versioned API (the catalog URL).</summary>
    public const string ComputeApi = Compute + "/v2.1";
    public const string IdentityApi = Identity + "/v3";
    public const string ImageApi = Image + "/v2";
    public const string NetworkApi = Network + "/v2.0";

    public static ApiService? Of(string path)
    {
        static bool Under(string path, string prefix) =>
            path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
        if (Under(path, Compute)) return ApiService.Compute;
        if (Under(path, Placement)) return ApiService.Placement;
        if (Under(path, Identity)) return ApiService.Identity;
        if (Under(path, Image)) return ApiService.Image;
        if (Under(path, Network)) return ApiService.Network;
        if (Under(path, Smog)) return ApiService.Smog;
        return null;
    }

    /// <summary>The name recordings and <c>ApiRoutes</c> use: keystone, nova, placement, glance, neutron.</summary>
    public static string RecordedName(ApiService service) => service switch
    {
        ApiService.Identity => "keystone",
        ApiService.Compute => "nova",
        ApiService.Placement => "placement",
        ApiService.Image => "glance",
        ApiService.Network => "neutron",
        _ => "smog",
    };

    /// <summary>The reverse of <see cref="RecordedName"/>, also taking catalog types (compute, image …).</summary>
    public static ApiService? FromName(string name) => name switch
    {
        "keystone" or "identity" => ApiService.Identity,
        "nova" or "compute" => ApiService.Compute,
        "placement" => ApiService.Placement,
        "glance" or "image" => ApiService.Image,
        "neutron" or "network" => ApiService.Network,
        _ => null,
    };

    /// <summary>Path prefix under the base URL that <c>ApiRoutes</c> templates and recorded paths hang off.</summary>
    public static string MountOf(ApiService service) => service switch
    {
        ApiService.Identity => Identity,
        ApiService.Compute => Compute,
        ApiService.Placement => Placement,
        ApiService.Image => Image,
        ApiService.Network => Network,
        _ => Smog,
    };
}
