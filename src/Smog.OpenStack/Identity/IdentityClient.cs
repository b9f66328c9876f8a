using System.Text.Json.Serialization;
using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Keystone;

namespace Smog.OpenStack.Identity;

/// <summary>An application credential as Keystone returns it; the secret only once, at creation.</summary>
public sealed record ApplicationCredential : ApiRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("system")] public string? System { get; init; }
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset? ExpiresAt { get; init; }
    [JsonPropertyName("unrestricted")] public bool? Unrestricted { get; init; }
    [JsonPropertyName("roles")] public List<KeystoneRole>? Roles { get; init; }
    [JsonPropertyName("access_rules")] public List<Dictionary<string, string>>? AccessRules { get; init; }
    [JsonPropertyName("links")] public Dictionary<string, string>? Links { get; init; }
    /// <summary>Present only in the creation answer; kept as a <see cref="Secret"/> by <see cref="IdentityClient"/>.</summary>
    [JsonPropertyName("secret"), JsonInclude] internal string? SecretText { get; init; }
}

public sealed record KeystoneRole(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain_id")] string? DomainId)
{
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("options")] public Dictionary<string, bool>? Options { get; init; }
}

public sealed record ApplicationCredentialCreate(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description);

public sealed record ApplicationCredentialEnvelope<T>([property: JsonPropertyName("application_credential")] T ApplicationCredential);

[JsonSerializable(typeof(ApplicationCredentialEnvelope<ApplicationCredential>))]
[JsonSerializable(typeof(ApplicationCredentialEnvelope<ApplicationCredentialCreate>))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class IdentityAdminJsonContext : JsonSerializerContext;

/// <summary>The few Keystone v3 resources Smog manages itself: application credentials for a run.</summary>
public sealed class IdentityClient(ApiConnection keystone)
{
    /// <summary>POST /v3/users/{user}/application_credentials → 201; the secret is returned once.</summary>
    public async Task<(ApplicationCredential Credential, Secret Secret)> CreateApplicationCredentialAsync(string userId, string name, string? description, CancellationToken ct)
    {
        var created = (await keystone.CallAsync(Api.CreateApplicationCredential.At(userId),
            new ApplicationCredentialEnvelope<ApplicationCredentialCreate>(new(name, description)), ct).ConfigureAwait(false)).Take(b => b.ApplicationCredential);
        var secret = Secret.FromNullable(created.SecretText)
            ?? throw new UnreadableResponseException(Api.CreateApplicationCredential.Operation, "no secret in the answer", created.RequestId);
        return (created with { SecretText = null }, secret);
    }

    /// <summary>DELETE → 204.</summary>
    public async Task<ApiReceipt> DeleteApplicationCredentialAsync(string userId, string id, CancellationToken ct) =>
        (await keystone.CallAsync(Api.DeleteApplicationCredential.At(userId, id), ct).ConfigureAwait(false)).Receipt();
}
