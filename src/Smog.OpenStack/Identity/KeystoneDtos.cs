using System.Text.Json.Serialization;

namespace Smog.OpenStack.Identity;

// Keystone v3 token response (POST /v3/auth/tokens → 201, token in X-Subject-Token).

public sealed record TokenResponse([property: JsonPropertyName("token")] TokenBody Token);

public sealed record TokenBody
{
    [JsonPropertyName("methods")] public required List<string> Methods { get; init; }
    [JsonPropertyName("expires_at")] public required DateTimeOffset ExpiresAt { get; init; }
    [JsonPropertyName("issued_at")] public DateTimeOffset? IssuedAt { get; init; }
    [JsonPropertyName("user")] public required NamedRef User { get; init; }
    [JsonPropertyName("project")] public NamedRef? Project { get; init; }
    [JsonPropertyName("domain")] public NamedRef? Domain { get; init; }
    [JsonPropertyName("system")] public Dictionary<string, bool>? System { get; init; }
    [JsonPropertyName("roles")] public List<NamedRef>? Roles { get; init; }
    [JsonPropertyName("catalog")] public List<CatalogService>? Catalog { get; init; }
    [JsonPropertyName("audit_ids")] public List<string>? AuditIds { get; init; }
    [JsonPropertyName("is_domain")] public bool? IsDomain { get; init; }
    [JsonPropertyName("application_credential")] public TokenApplicationCredential? ApplicationCredential { get; init; }
}

/// <summary>The credential a token was issued for; restricted ones cannot create other credentials.</summary>
public sealed record TokenApplicationCredential
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("restricted")] public bool? Restricted { get; init; }
}

public sealed record NamedRef
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("domain")] public NamedRef? Domain { get; init; }
}

public sealed record CatalogService
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("endpoints")] public required List<CatalogEndpoint> Endpoints { get; init; }
}

public sealed record CatalogEndpoint
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("interface")] public required string Interface { get; init; }
    [JsonPropertyName("region_id")] public string? RegionId { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
}

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class IdentityJsonContext : JsonSerializerContext;
