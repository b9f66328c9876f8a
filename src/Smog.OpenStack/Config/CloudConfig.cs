using System.Collections.Immutable;
using Smog.OpenStack.Identity;

namespace Smog.OpenStack.Config;

/// <summary>Keystone auth types Smog speaks (openstack-client.md §1.8), after alias folding.</summary>
public enum AuthType
{
    /// <summary><c>password</c>, <c>v3password</c>.</summary>
    Password,
    /// <summary><c>v3applicationcredential</c>.</summary>
    ApplicationCredential,
    /// <summary><c>token</c>, <c>v3token</c>.</summary>
    Token,
    /// <summary><c>none</c>: no Keystone call, a fixed endpoint.</summary>
    None,
    /// <summary><c>admin_token</c> / <c>token_endpoint</c>: a fixed endpoint plus a fixed token.</summary>
    AdminToken,
}

/// <summary>
/// The <c>auth:</c> block after layering and normalisation. Secrets are <see cref="Secret"/>s,
/// so the record's printed form never shows them.
/// </summary>
public sealed record AuthSettings
{
    public string? AuthUrl { get; init; }
    public string? Username { get; init; }
    public string? UserId { get; init; }
    public Secret? Password { get; init; }
    public string? UserDomainName { get; init; }
    public string? UserDomainId { get; init; }
    public string? ProjectName { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectDomainName { get; init; }
    public string? ProjectDomainId { get; init; }
    /// <summary>Domain scope (only when no project is configured, openstack-client.md §1.5).</summary>
    public string? DomainName { get; init; }
    public string? DomainId { get; init; }
    public string? SystemScope { get; init; }
    public Secret? Token { get; init; }
    public string? ApplicationCredentialId { get; init; }
    public string? ApplicationCredentialName { get; init; }
    public Secret? ApplicationCredentialSecret { get; init; }
    /// <summary>The fixed endpoint of auth types none/admin_token.</summary>
    public string? Endpoint { get; init; }

    public IEnumerable<Secret> Secrets() =>
        new[] { Password, Token, ApplicationCredentialSecret }.OfType<Secret>();
}

/// <summary>TLS choices (openstack-client.md §1.7): <see cref="Verify"/> false means no verification at all.</summary>
public sealed record TlsSettings(bool Verify, string? CaCertFile, string? CertFile, string? KeyFile)
{
    public static readonly TlsSettings Default = new(true, null, null, null);
}

/// <summary>How to reach one service: catalog interface and region, or a fixed URL.</summary>
public sealed record ServiceEndpointChoice(string ServiceType, string Interface, string? Region, string? EndpointOverride, string? ApiVersion);

/// <summary>
/// One resolved cloud: what openstacksdk's <c>get_one_cloud</c> yields, typed, with
/// openstackclient precedence (CLI and OS_* beat clouds.yaml). <see cref="Origins"/> says where
/// each effective value came from, for the debug log (stale OS_* variables are a classic trap).
/// </summary>
public sealed record CloudConfig
{
    public required string Name { get; init; }
    public required AuthType AuthType { get; init; }
    public required AuthSettings Auth { get; init; }
    /// <summary>"" when the cloud names no region: the catalog then takes any region.</summary>
    public string RegionName { get; init; } = "";
    public string Interface { get; init; } = "public";
    public TlsSettings Tls { get; init; } = TlsSettings.Default;
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Keys like compute_api_version, compute_interface, image_endpoint_override, placement_region_name.</summary>
    public ImmutableSortedDictionary<string, string> ServiceSettings { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>The clouds.yaml the cloud came from; null for the env cloud.</summary>
    public string? SourceFile { get; init; }
    public ImmutableArray<string> Warnings { get; init; } = [];
    /// <summary>Effective key (e.g. <c>auth.password</c>) → where it came from (a file path, <c>OS_PASSWORD</c>, <c>--os-password</c>, <c>default</c>).</summary>
    public ImmutableSortedDictionary<string, string> Origins { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Interface, region, override and requested API version for one service type (<c>&lt;svc&gt;_*</c> keys win).</summary>
    public ServiceEndpointChoice For(string serviceType)
    {
        var prefix = serviceType.Replace('-', '_') + "_";
        return new ServiceEndpointChoice(
            serviceType,
            ServiceSettings.GetValueOrDefault(prefix + "interface") ?? Interface,
            ServiceSettings.GetValueOrDefault(prefix + "region_name") ?? (RegionName.Length == 0 ? null : RegionName),
            ServiceSettings.GetValueOrDefault(prefix + "endpoint_override"),
            ServiceSettings.GetValueOrDefault(prefix + "api_version"));
    }
}

/// <summary>
/// What the command line says: <c>--os-cloud</c> and any other <c>--os-KEY</c> options
/// (key in config spelling, e.g. <c>password</c>, <c>region_name</c>).
/// </summary>
public sealed record CloudSelection(string? Cloud, ImmutableDictionary<string, string> Options)
{
    public static readonly CloudSelection None = new(null, ImmutableDictionary<string, string>.Empty);
    public static CloudSelection Named(string cloud) => None with { Cloud = cloud };
}
