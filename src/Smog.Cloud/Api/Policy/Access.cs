using Microsoft.AspNetCore.Http;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Identity;

namespace Smog.Cloud.Api.Policy;

/// <summary>
/// Who is calling, and Zed's default policy (openstack-client.md §4): with
/// <c>enforce_new_defaults=false</c> admin is role <c>admin</c> on a project-scoped token;
/// project members act on their own project's resources. A missing, expired or revoked token
/// is keystonemiddleware's 401, whatever the service.
/// </summary>
public static class Access
{
    public const string TokenHeader = "X-Auth-Token";
    private const string CallerKey = "smog.caller";

    /// <summary>The caller's valid token, or a 401.</summary>
    public static IssuedToken Caller(HttpContext context)
    {
        if (context.Items.TryGetValue(CallerKey, out var cached) && cached is IssuedToken known) return known;
        var store = context.RequestServices.GetService(typeof(IdentityStore)) as IdentityStore
            ?? throw new InvalidOperationException("the identity store is not registered");
        var token = store.Validate(context.Request.Headers[TokenHeader].FirstOrDefault())
            ?? throw new ApiException(401, "The request you have made requires authentication.");
        context.Items[CallerKey] = token;
        return token;
    }

    /// <summary>The caller, who must be an admin for <paramref name="rule"/>; else the service's 403.</summary>
    public static IssuedToken Admin(HttpContext context, ApiService service, string rule)
    {
        var caller = Caller(context);
        return caller.IsAdmin ? caller : throw Deny(service, rule);
    }

    /// <summary>True when the caller may act on a resource of <paramref name="projectId"/>.</summary>
    public static bool Owns(IssuedToken caller, string projectId) => caller.IsAdmin || caller.Project.Id == projectId;

    /// <summary>The refusal in the wording of each service's policy engine.</summary>
    public static ApiException Deny(ApiService service, string rule) => service switch
    {
        ApiService.Compute => ApiException.Forbidden($"Policy doesn't allow {rule} to be performed."),
        ApiService.Placement => ApiException.Forbidden($"Access was denied to this resource.\n\n Policy does not allow {rule} to be performed.  "),
        ApiService.Network => new ApiException(403, $"({rule}) is disallowed by policy", "PolicyNotAuthorized"),
        ApiService.Image => ApiException.Forbidden($"You are not authorized to complete {rule} action."),
        _ => ApiException.Forbidden($"You are not authorized to perform the requested action: {rule}."),
    };
}
