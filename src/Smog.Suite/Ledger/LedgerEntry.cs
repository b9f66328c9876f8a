using System.Text.Json.Serialization;

namespace Smog.Suite.Ledger;

/// <summary>What a run creates on the cloud; cleanup removes servers, then ports, subnets and networks, then the rest in reverse order (<see cref="RunCleaner"/>).</summary>
public enum ResourceKind
{
    Flavor,
    Aggregate,
    /// <summary>A host's membership of an aggregate (the aggregate's name, the host).</summary>
    AggregateHost,
    Server,
    /// <summary>A Glance image the run uploaded (image-property scenarios); deleted after the servers booted from it.</summary>
    Image,
    /// <summary>A Neutron provider network on an SR-IOV physnet (admin).</summary>
    Network,
    /// <summary>A subnet of such a network.</summary>
    Subnet,
    /// <summary>A port the boot cloud created (an SR-IOV <c>direct</c> port); Nova leaves it when the server goes.</summary>
    Port,
}

/// <summary>
/// One line of a run's ledger (JSON Lines). <c>run</c> opens the file (clouds, no secrets);
/// <c>intent</c> is written and flushed before the create call, <c>created</c> after it with the
/// id, <c>deleted</c> when cleanup removed it.
/// </summary>
public sealed record LedgerEntry
{
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
    [JsonPropertyName("op")] public required string Op { get; init; }
    [JsonPropertyName("kind")] public ResourceKind? Kind { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("run")] public string? Run { get; init; }
    [JsonPropertyName("admin_cloud")] public string? AdminCloud { get; init; }
    [JsonPropertyName("boot_cloud")] public string? BootCloud { get; init; }

    public const string RunOp = "run";
    public const string IntentOp = "intent";
    public const string CreatedOp = "created";
    public const string DeletedOp = "deleted";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LedgerEntry))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
