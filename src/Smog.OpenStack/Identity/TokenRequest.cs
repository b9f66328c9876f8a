using System.Text.Json.Nodes;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Identity;

/// <summary>
/// Builds POST /v3/auth/tokens (openstack-client.md §2.1): identity method from the auth type, scope from the
/// configured project / domain / system. The body holds secrets: it is only ever written to the
/// request, never logged.
/// </summary>
public static class TokenRequest
{
    /// <summary>{auth_url}/auth/tokens when auth_url ends in v3, else {auth_url}/v3/auth/tokens.</summary>
    public static Uri TokenUrl(string authUrl)
    {
        var trimmed = authUrl.TrimEnd('/');
        if (trimmed.EndsWith("/v2.0", StringComparison.Ordinal)) throw new OpenStackClientException($"auth_url {authUrl} is Keystone v2.0, which Smog does not support");
        return new Uri(trimmed.EndsWith("/v3", StringComparison.Ordinal) ? trimmed + "/auth/tokens" : trimmed + "/v3/auth/tokens");
    }

    public static JsonObject Body(AuthType type, AuthSettings auth)
    {
        var (method, identity) = type switch
        {
            AuthType.Password => ("password", new JsonObject { ["user"] = User(auth, auth.Password ?? throw Missing("password")) }),
            AuthType.ApplicationCredential => ("application_credential", ApplicationCredential(auth)),
            AuthType.Token => ("token", new JsonObject { ["id"] = (auth.Token ?? throw Missing("token")).Reveal() }),
            _ => throw new OpenStackClientException($"auth type {type} does not call Keystone"),
        };
        var body = new JsonObject
        {
            ["identity"] = new JsonObject { ["methods"] = new JsonArray(method), [method] = identity },
        };
        // Application credentials carry their own project; Keystone refuses any scope with them.
        if (type != AuthType.ApplicationCredential && Scope(auth) is { } scope) body["scope"] = scope;
        return new JsonObject { ["auth"] = body };
    }

    private static JsonObject User(AuthSettings auth, Secret? password)
    {
        var user = auth.UserId is { } id
            ? new JsonObject { ["id"] = id }
            : new JsonObject { ["name"] = auth.Username ?? throw Missing("username"), ["domain"] = Domain(auth.UserDomainId, auth.UserDomainName, "user_domain_name") };
        if (password is not null) user["password"] = password.Reveal();
        return user;
    }

    private static JsonObject ApplicationCredential(AuthSettings auth)
    {
        var secret = (auth.ApplicationCredentialSecret ?? throw Missing("application_credential_secret")).Reveal();
        if (auth.ApplicationCredentialId is { } id) return new JsonObject { ["id"] = id, ["secret"] = secret };
        return new JsonObject
        {
            ["name"] = auth.ApplicationCredentialName ?? throw Missing("application_credential_name"),
            ["secret"] = secret,
            ["user"] = User(auth, null),
        };
    }

    /// <summary>domain id → domain name → project id → project name → system; none → no scope.</summary>
    internal static JsonObject? Scope(AuthSettings auth)
    {
        var chosen = new[]
        {
            auth.DomainId is { } di ? new JsonObject { ["domain"] = new JsonObject { ["id"] = di } } : null,
            auth.DomainName is { } dn ? new JsonObject { ["domain"] = new JsonObject { ["name"] = dn } } : null,
            auth.ProjectId is { } pi ? new JsonObject { ["project"] = new JsonObject { ["id"] = pi } } : null,
            auth.ProjectName is { } pn && auth.ProjectId is null
                ? new JsonObject { ["project"] = new JsonObject { ["name"] = pn, ["domain"] = Domain(auth.ProjectDomainId, auth.ProjectDomainName, "project_domain_name") } }
                : null,
            auth.SystemScope is { } sys ? new JsonObject { ["system"] = new JsonObject { [sys] = true } } : null,
        }.OfType<JsonObject>().ToList();
        var kinds = chosen.Select(c => c.First().Key).Distinct().ToList();
        if (kinds.Count > 1) throw new OpenStackClientException($"more than one token scope configured ({string.Join(", ", kinds)}); keep one");
        return chosen.FirstOrDefault();
    }

    private static JsonObject Domain(string? id, string? name, string key) =>
        id is not null ? new JsonObject { ["id"] = id }
        : name is not null ? new JsonObject { ["name"] = name }
        : throw Missing(key);

    private static OpenStackClientException Missing(string key) => new($"auth.{key} is required for this auth type");
}
