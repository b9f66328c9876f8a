using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.Nova;
using Smog.OpenStack.Http;
using Api = Smog.OpenStack.Contract.ApiRoutes.Placement;

namespace Smog.OpenStack.Placement;

public sealed record ResourceProvider
{
    [JsonPropertyName("uuid")] public required string Uuid { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("generation")] public required long Generation { get; init; }
    [JsonPropertyName("parent_provider_uuid")] public string? ParentProviderUuid { get; init; }
    [JsonPropertyName("root_provider_uuid")] public string? RootProviderUuid { get; init; }
}

public sealed record ResourceProviders([property: JsonPropertyName("resource_providers")] List<ResourceProvider> Providers);

public sealed record Inventory
{
    [JsonPropertyName("total")] public required long Total { get; init; }
    [JsonPropertyName("reserved")] public long Reserved { get; init; }
    [JsonPropertyName("min_unit")] public long MinUnit { get; init; }
    [JsonPropertyName("max_unit")] public long MaxUnit { get; init; }
    [JsonPropertyName("step_size")] public long StepSize { get; init; }
    [JsonPropertyName("allocation_ratio")] public double AllocationRatio { get; init; }

    /// <summary>What the scheduler may hand out: (total − reserved) × allocation ratio.</summary>
    public double Capacity => (Total - Reserved) * AllocationRatio;
}

public sealed record Inventories(
    [property: JsonPropertyName("inventories")] Dictionary<string, Inventory> ByResourceClass,
    [property: JsonPropertyName("resource_provider_generation")] long Generation) : ApiRecord;

public sealed record Usages(
    [property: JsonPropertyName("usages")] Dictionary<string, long> ByResourceClass,
    [property: JsonPropertyName("resource_provider_generation")] long Generation) : ApiRecord;

public sealed record ResourceAmounts([property: JsonPropertyName("resources")] Dictionary<string, long> Resources)
{
    /// <summary>The provider's generation (in GET /allocations/{consumer}).</summary>
    [JsonPropertyName("generation")] public long? Generation { get; init; }
    /// <summary>The consumer's generation (in GET /resource_providers/{uuid}/allocations, 1.28+).</summary>
    [JsonPropertyName("consumer_generation")] public long? ConsumerGeneration { get; init; }
}

/// <summary>GET /resource_providers/{uuid}/allocations: consumer → resources.</summary>
public sealed record ProviderAllocations(
    [property: JsonPropertyName("allocations")] Dictionary<string, ResourceAmounts> ByConsumer,
    [property: JsonPropertyName("resource_provider_generation")] long Generation) : ApiRecord;

/// <summary>GET /allocations/{consumer}: provider → resources. An unknown consumer has none (200, not 404).</summary>
public sealed record ConsumerAllocations : ApiRecord
{
    [JsonPropertyName("allocations")] public required Dictionary<string, ResourceAmounts> ByProvider { get; init; }
    [JsonPropertyName("consumer_generation")] public long? ConsumerGeneration { get; init; }
    [JsonPropertyName("project_id")] public string? ProjectId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("consumer_type")] public string? ConsumerType { get; init; }

    public long Total(string resourceClass) => ByProvider.Values.Sum(a => a.Resources.GetValueOrDefault(resourceClass));
}

public sealed record ProviderTraits(
    [property: JsonPropertyName("traits")] List<string> Traits,
    [property: JsonPropertyName("resource_provider_generation")] long Generation) : ApiRecord;

public sealed record TraitList([property: JsonPropertyName("traits")] List<string> Traits);

[JsonSerializable(typeof(ResourceProviders))]
[JsonSerializable(typeof(Inventories))]
[JsonSerializable(typeof(Usages))]
[JsonSerializable(typeof(ProviderAllocations))]
[JsonSerializable(typeof(ConsumerAllocations))]
[JsonSerializable(typeof(ProviderTraits))]
[JsonSerializable(typeof(TraitList))]
public sealed partial class PlacementJsonContext : JsonSerializerContext;

/// <summary>
/// Placement, read-only (openstack-client.md §5: writes need generations and belong to Nova). Sends
/// <c>OpenStack-API-Version: placement X</c> negotiated from the root document's max_version.
/// </summary>
public sealed class PlacementClient
{
    public static readonly Microversion Wanted = new(1, 39);

    private readonly ApiConnection placement;

    private PlacementClient(ApiConnection placement, Microversion microversion)
    {
        this.placement = placement;
        Microversion = microversion;
    }

    public Microversion Microversion { get; }

    public static async Task<PlacementClient> ConnectAsync(ApiConnection unversioned, Microversion? requested, ILogger? logger, CancellationToken ct)
    {
        var range = await VersionDiscovery.DiscoverAsync(unversioned, logger ?? NullLogger.Instance, ct).ConfigureAwait(false);
        var effective = range.Negotiate("placement", requested ?? Wanted);
        return new PlacementClient(unversioned.WithHeaders(Headers(effective)), effective);
    }

    public static IReadOnlyDictionary<string, string> Headers(Microversion v) =>
        new Dictionary<string, string> { ["OpenStack-API-Version"] = $"placement {v}" };

    /// <summary>Compute-node providers are named after the hypervisor hostname.</summary>
    public async Task<ApiList<ResourceProvider>> ListProvidersAsync(string? name, CancellationToken ct) =>
        (await placement.CallAsync(Api.ListProviders.At().With(Query.Empty.Add("name", name)), ct).ConfigureAwait(false)).List(b => b.Providers);

    public async Task<Inventories> InventoriesAsync(string providerUuid, CancellationToken ct) =>
        (await placement.CallAsync(Api.ShowInventories.At(providerUuid), ct).ConfigureAwait(false)).Take(b => b);

    public async Task<Usages> UsagesAsync(string providerUuid, CancellationToken ct) =>
        (await placement.CallAsync(Api.ShowUsages.At(providerUuid), ct).ConfigureAwait(false)).Take(b => b);

    public async Task<ProviderAllocations> ProviderAllocationsAsync(string providerUuid, CancellationToken ct) =>
        (await placement.CallAsync(Api.ShowProviderAllocations.At(providerUuid), ct).ConfigureAwait(false)).Take(b => b);

    /// <summary>A consumer is a server id; no allocations is an empty map, not an error.</summary>
    public async Task<ConsumerAllocations> ConsumerAllocationsAsync(string consumerUuid, CancellationToken ct) =>
        (await placement.CallAsync(Api.ShowConsumerAllocations.At(consumerUuid), ct).ConfigureAwait(false)).Take(b => b);

    public async Task<ProviderTraits> ProviderTraitsAsync(string providerUuid, CancellationToken ct) =>
        (await placement.CallAsync(Api.ShowProviderTraits.At(providerUuid), ct).ConfigureAwait(false)).Take(b => b);

    /// <summary>GET /traits?name=startswith:PREFIX (or every trait).</summary>
    public async Task<ApiList<string>> ListTraitsAsync(string? prefix, CancellationToken ct) =>
        (await placement.CallAsync(Api.ListTraits.At().With(Query.Empty.Add("name", prefix is null ? null : "startswith:" + prefix)), ct).ConfigureAwait(false))
            .List(b => b.Traits);
}
