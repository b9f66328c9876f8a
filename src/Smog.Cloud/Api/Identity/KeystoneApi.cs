using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Policy;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Identity;

/// <summary>
/// Keystone v3 under <c>/identity</c>: version documents, tokens (password, application
/// credential and token methods, project scope), token validation, and the application
/// credentials Smog manages.
/// </summary>
public static class KeystoneApi
{
    private const string Unauthenticated = "The request you have made requires authentication.";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ServicePaths.Identity, (CloudAddress a) => Reply(new JsonObject
        {
            ["versions"] = new JsonObject { ["values"] = new JsonArray(VersionEntry(a)) },
        }, 300));
        app.MapGet(ServicePaths.IdentityApi, (CloudAddress a) => Reply(new JsonObject { ["version"] = VersionEntry(a) }));

        var v3 = app.MapGroup(ServicePaths.IdentityApi);
        v3.MapPost("/auth/tokens", IssueAsync);
        v3.MapGet("/auth/tokens", (HttpContext c, IdentityStore s, Catalog cat) => ValidateToken(c, s, cat, withBody: true));
        v3.MapMethods("/auth/tokens", ["HEAD"], (HttpContext c, IdentityStore s, Catalog cat) => ValidateToken(c, s, cat, withBody: false));
        v3.MapGet("/projects/{projectId}", (HttpContext c, IdentityStore s, string projectId) =>
        {
            var caller = Access.Caller(c);
            var project = s.FindProject(projectId, null);
            if (project is null || (!caller.IsAdmin && caller.Project.Id != project.Id))
                throw ApiException.NotFound($"Could not find project: {projectId}.");
            return Reply(new JsonObject { ["project"] = ProjectJson(project, c) });
        });
        v3.MapGet("/projects", (HttpContext c, IdentityStore s) =>
        {
            var caller = Access.Caller(c);
            var name = c.Request.Query["name"].FirstOrDefault();
            var list = new JsonArray();
            foreach (var p in s.Projects.Where(p => (caller.IsAdmin || p.Id == caller.Project.Id) && (name is null || p.Name == name)))
                list.Add(ProjectJson(p, c));
            return Reply(new JsonObject { ["projects"] = list });
        });
        v3.MapPost("/users/{userId}/application_credentials", CreateCredentialAsync);
        v3.MapGet("/users/{userId}/application_credentials", (HttpContext c, IdentityStore s, CloudAddress a, string userId) =>
        {
            var user = OwnUser(c, s, userId, "identity:list_application_credentials");
            var list = new JsonArray();
            foreach (var cred in s.CredentialsOf(user)) list.Add(CredentialJson(cred, a, withSecret: false));
            return Reply(new JsonObject { ["application_credentials"] = list });
        });
        v3.MapGet("/users/{userId}/application_credentials/{credentialId}", (HttpContext c, IdentityStore s, CloudAddress a, string userId, string credentialId) =>
        {
            var user = OwnUser(c, s, userId, "identity:get_application_credential");
            var cred = s.FindCredential(credentialId) is { } found && found.User.Id == user.Id ? found
                : throw ApiException.NotFound($"Could not find Application Credential: {credentialId}.");
            return Reply(new JsonObject { ["application_credential"] = CredentialJson(cred, a, withSecret: false) });
        });
        v3.MapDelete("/users/{userId}/application_credentials/{credentialId}", (HttpContext c, IdentityStore s, string userId, string credentialId) =>
        {
            var user = OwnUser(c, s, userId, "identity:delete_application_credential");
            if (s.FindCredential(credentialId) is not { } cred || cred.User.Id != user.Id || !s.DeleteCredential(credentialId))
                throw ApiException.NotFound($"Could not find Application Credential: {credentialId}.");
            return Empty(204);
        });
    }

    private static JsonObject VersionEntry(CloudAddress a) => new()
    {
        ["id"] = "v3.14",
        ["status"] = "stable",
        ["updated"] = "2020-04-07T00:00:00Z",
        ["links"] = new JsonArray(new JsonObject { ["rel"] = "self", ["href"] = a.Url(ServicePaths.IdentityApi + "/") }),
        ["media-types"] = new JsonArray(new JsonObject { ["base"] = "application/json", ["type"] = "application/vnd.openstack.identity-v3+json" }),
    };

    private static JsonObject ProjectJson(Project p, HttpContext c) => new()
    {
        ["id"] = p.Id,
        ["name"] = p.Name,
        ["domain_id"] = IdentityStore.DomainId,
        ["description"] = "",
        ["enabled"] = true,
        ["parent_id"] = IdentityStore.DomainId,
        ["is_domain"] = false,
        ["tags"] = new JsonArray(),
        ["options"] = new JsonObject(),
        ["links"] = new JsonObject { ["self"] = c.RequestServices.GetService(typeof(CloudAddress)) is CloudAddress a ? a.Url($"{ServicePaths.IdentityApi}/projects/{p.Id}") : "" },
    };

    private static async Task<IResult> IssueAsync(HttpContext context, IdentityStore store, Catalog catalog)
    {
        var body = await BodyAsync(context);
        var auth = Json.Object(body, "auth");
        var identity = Json.Object(auth, "identity");
        var methods = identity["methods"] as JsonArray ?? throw ApiException.BadRequest("Invalid input for field 'identity': 'methods' is a required property");
        var method = methods.Select(m => m?.GetValue<string>()).FirstOrDefault(m => m is "password" or "application_credential" or "token")
            ?? throw new ApiException(401, "Attempted to authenticate with an unsupported method.");
        var scope = auth["scope"] as JsonObject;
        var token = method switch
        {
            "password" => Password(store, Json.Object(identity, "password"), scope),
            "application_credential" => Credential(store, Json.Object(identity, "application_credential"), scope),
            _ => Rescope(store, Json.Object(identity, "token"), scope),
        };
        context.Response.Headers["X-Subject-Token"] = token.Value.Reveal();
        return Reply(new JsonObject { ["token"] = TokenJson(token, catalog) }, 201);
    }

    private static IssuedToken Password(IdentityStore store, JsonObject password, JsonObject? scope)
    {
        var userNode = Json.Object(password, "user");
        var user = FindUser(store, userNode);
        if (user is null || Text(userNode, "password") is not { } given || given != user.Password.Reveal()) throw new ApiException(401, Unauthenticated);
        var project = ScopedProject(store, scope) ?? user.DefaultProject;
        var roles = store.RolesOf(user, project);
        if (roles.IsEmpty) throw new ApiException(401, Unauthenticated);
        return store.Issue(user, project, roles, ["password"]);
    }

    private static IssuedToken Credential(IdentityStore store, JsonObject node, JsonObject? scope)
    {
        if (scope is not null) throw new ApiException(401, "Application credentials cannot request a scope.");
        AppCredential? credential;
        if (Text(node, "id") is { } id)
        {
            credential = store.FindCredential(id) ?? throw ApiException.NotFound($"Could not find Application Credential: {id}.");
        }
        else
        {
            var name = Text(node, "name") ?? throw ApiException.BadRequest("Invalid input for field 'application_credential': 'id' or 'name' is required");
            var user = node["user"] is JsonObject u ? FindUser(store, u) : null;
            credential = (user is null ? null : store.FindCredentialByName(user, name))
                ?? throw ApiException.NotFound($"Could not find Application Credential: {name}.");
        }
        if (Text(node, "secret") is not { } secret || secret != credential.Secret.Reveal()) throw new ApiException(401, Unauthenticated);
        if (credential.ExpiresAt is { } expires && expires <= store.Time.GetUtcNow()) throw new ApiException(401, Unauthenticated);
        return store.Issue(credential.User, credential.Project, credential.Roles, ["application_credential"], credential);
    }

    private static IssuedToken Rescope(IdentityStore store, JsonObject node, JsonObject? scope)
    {
        var from = store.Validate(Text(node, "id")) ?? throw new ApiException(401, Unauthenticated);
        var project = ScopedProject(store, scope) ?? from.Project;
        if (from.AppCredential is not null && project.Id != from.Project.Id) throw new ApiException(401, "Application credentials cannot request a scope.");
        var roles = from.AppCredential is { } cred ? cred.Roles : store.RolesOf(from.User, project);
        if (roles.IsEmpty) throw new ApiException(401, Unauthenticated);
        ImmutableArray<string> methods = ["token", .. from.Methods.Where(m => m != "token")];
        return store.Issue(from.User, project, roles, methods, from.AppCredential, from);
    }

    private static User? FindUser(IdentityStore store, JsonObject user)
    {
        if (Text(user, "id") is { } id) return store.FindUser(id, null);
        if (user["domain"] is JsonObject domain && !InDefaultDomain(domain)) return null;
        return store.FindUser(null, Text(user, "name"));
    }

    private static bool InDefaultDomain(JsonObject domain) =>
        Text(domain, "id") is { } id ? id == IdentityStore.DomainId : Text(domain, "name") is not { } name || name == IdentityStore.DomainName;

    /// <summary>The project a scope names; null when there is no scope. A scope naming nothing known is Keystone's 401.</summary>
    private static Project? ScopedProject(IdentityStore store, JsonObject? scope)
    {
        if (scope is null) return null;
        if (scope["project"] is not JsonObject p) throw new ApiException(401, Unauthenticated);
        if (p["domain"] is JsonObject domain && !InDefaultDomain(domain)) throw new ApiException(401, Unauthenticated);
        return store.FindProject(Text(p, "id"), Text(p, "name")) ?? throw new ApiException(401, Unauthenticated);
    }

    private static IResult ValidateToken(HttpContext context, IdentityStore store, Catalog catalog, bool withBody)
    {
        Access.Caller(context);
        var subject = store.Validate(context.Request.Headers["X-Subject-Token"].FirstOrDefault())
            ?? throw ApiException.NotFound("Could not find token.");
        context.Response.Headers["X-Subject-Token"] = subject.Value.Reveal();
        return withBody ? Reply(new JsonObject { ["token"] = TokenJson(subject, catalog) }) : Empty(200);
    }

    private static JsonObject TokenJson(IssuedToken t, Catalog catalog)
    {
        var domain = new JsonObject { ["id"] = IdentityStore.DomainId, ["name"] = IdentityStore.DomainName };
        var json = new JsonObject
        {
            ["methods"] = new JsonArray([.. t.Methods.Select(m => (JsonNode)m)]),
            ["user"] = new JsonObject { ["domain"] = domain.DeepClone(), ["id"] = t.User.Id, ["name"] = t.User.Name, ["password_expires_at"] = null },
            ["audit_ids"] = new JsonArray([.. t.AuditIds.Select(a => (JsonNode)a)]),
            ["expires_at"] = KeystoneTime(t.ExpiresAt),
            ["issued_at"] = KeystoneTime(t.IssuedAt),
            ["project"] = new JsonObject { ["domain"] = domain.DeepClone(), ["id"] = t.Project.Id, ["name"] = t.Project.Name },
            ["is_domain"] = false,
            ["roles"] = new JsonArray([.. t.Roles.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["name"] = r.Name })]),
            ["catalog"] = catalog.ToJson(),
        };
        if (t.AppCredential is { } cred)
            json["application_credential"] = new JsonObject { ["id"] = cred.Id, ["name"] = cred.Name, ["restricted"] = !cred.Unrestricted };
        return json;
    }

    private static User OwnUser(HttpContext context, IdentityStore store, string userId, string rule)
    {
        var caller = Access.Caller(context);
        if (caller.User.Id != userId && !caller.IsAdmin) throw Access.Deny(ApiService.Identity, rule);
        return store.FindUser(userId, null) ?? throw ApiException.NotFound($"Could not find user: {userId}.");
    }

    private static async Task<IResult> CreateCredentialAsync(HttpContext context, IdentityStore store, CloudAddress address, string userId)
    {
        var user = OwnUser(context, store, userId, "identity:create_application_credential");
        var caller = Access.Caller(context);
        if (caller.AppCredential is { Unrestricted: false })
            throw Access.Deny(ApiService.Identity, "identity:create_application_credential");
        var node = Json.Object(await BodyAsync(context), "application_credential");
        var name = RequiredText(node, "name");
        if (store.FindCredentialByName(user, name) is not null)
            throw Conflict($"Conflict occurred attempting to store application_credential - Duplicate name, {name}.");
        DateTimeOffset? expires = Text(node, "expires_at") is { } e && DateTimeOffset.TryParse(e, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        var roles = caller.Roles;
        if (node["roles"] is JsonArray wanted && wanted.Count > 0)
        {
            roles = [.. caller.Roles.Where(r => wanted.OfType<JsonObject>().Any(w => Text(w, "name") == r.Name || Text(w, "id") == r.Id))];
        }
        var cred = store.CreateCredential(user, caller.Project, roles, name, Text(node, "description"), Text(node, "secret"), expires,
            Flag(node, "unrestricted") ?? false);
        var json = CredentialJson(cred, address, withSecret: true);
        json["unrestricted"] = node["unrestricted"] is JsonValue ? cred.Unrestricted : null;
        return Reply(new JsonObject { ["application_credential"] = json }, 201);
    }

    private static ApiException Conflict(string message) => ApiException.Conflict(message);

    private static JsonObject CredentialJson(AppCredential c, CloudAddress a, bool withSecret)
    {
        var json = new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["description"] = c.Description,
            ["user_id"] = c.User.Id,
            ["project_id"] = c.Project.Id,
            ["system"] = null,
            ["expires_at"] = c.ExpiresAt is { } e ? KeystoneTime(e) : null,
            ["unrestricted"] = c.Unrestricted,
            ["roles"] = new JsonArray([.. c.Roles.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["name"] = r.Name,
                ["domain_id"] = null,
                ["description"] = null,
                ["options"] = new JsonObject { ["immutable"] = true },
            })]),
        };
        if (withSecret) json["secret"] = c.Secret.Reveal();
        json["links"] = new JsonObject { ["self"] = a.Url($"{ServicePaths.IdentityApi}/application_credentials/{c.Id}") };
        return json;
    }
}
