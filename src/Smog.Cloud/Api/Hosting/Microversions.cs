using Microsoft.AspNetCore.Http;
using Smog.Cloud.Api.Errors;
using Smog.Nova;

namespace Smog.Cloud.Api.Hosting;

/// <summary>
/// Microversion negotiation for Nova (<c>OpenStack-API-Version: compute X</c> or
/// <c>X-OpenStack-Nova-API-Version: X</c>, 2.1–2.93) and Placement (<c>placement X</c>,
/// 1.0–1.39): absent means the minimum, <c>latest</c> the maximum, out of range is a 406 and
/// malformed a 400. The answer echoes the version in the same headers, errors included.
/// </summary>
public static class Microversions
{
    public static readonly Microversion ComputeMin = new(2, 1);
    public static readonly Microversion ComputeMax = new(2, 93);
    public static readonly Microversion PlacementMin = new(1, 0);
    public static readonly Microversion PlacementMax = new(1, 39);
    private const string Key = "smog.microversion";

    /// <summary>The negotiated version of this request (the minimum when the middleware did not run).</summary>
    public static Microversion Of(HttpContext context, ApiService service) =>
        context.Items.TryGetValue(Key, out var v) && v is Microversion m ? m : service == ApiService.Placement ? PlacementMin : ComputeMin;

    public static bool AtLeast(HttpContext context, int major, int minor) => Of(context, ApiService.Compute) >= new Microversion(major, minor);

    /// <summary>Reads, checks and echoes the version; false (with the error thrown) never returns.</summary>
    public static void Negotiate(HttpContext context, ApiService service)
    {
        var (name, min, max) = service == ApiService.Placement ? ("placement", PlacementMin, PlacementMax) : ("compute", ComputeMin, ComputeMax);
        string? asked = null;
        foreach (var header in context.Request.Headers["OpenStack-API-Version"])
        {
            foreach (var part in (header ?? "").Split(','))
            {
                var words = part.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 2 && string.Equals(words[0], name, StringComparison.OrdinalIgnoreCase)) asked = words[1].Trim();
            }
        }
        if (asked is null && service == ApiService.Compute) asked = context.Request.Headers["X-OpenStack-Nova-API-Version"].FirstOrDefault();
        var version = min;
        if (asked is not null)
        {
            if (string.Equals(asked, "latest", StringComparison.OrdinalIgnoreCase)) version = max;
            else if (!Microversion.TryParse(asked, out version))
                throw ApiException.BadRequest($"API Version String {asked} is of invalid format. Must be of format MajorNum.MinorNum.");
        }
        Echo(context, service, version);
        if (version < min || version > max)
        {
            context.Items[Key] = min;
            throw new ApiException(406, service == ApiService.Placement
                ? $"Unacceptable version header: {version}"
                : $"Version {version} is not supported by the API. Minimum is {min} and maximum is {max}.");
        }
        context.Items[Key] = version;
    }

    private static void Echo(HttpContext context, ApiService service, Microversion version)
    {
        var headers = context.Response.Headers;
        if (service == ApiService.Placement)
        {
            headers["OpenStack-API-Version"] = $"placement {version}";
            headers.Vary = "OpenStack-API-Version";
            return;
        }
        headers["OpenStack-API-Version"] = $"compute {version}";
        headers["X-OpenStack-Nova-API-Version"] = version.ToString();
        headers.Vary = "OpenStack-API-Version, X-OpenStack-Nova-API-Version";
    }
}
