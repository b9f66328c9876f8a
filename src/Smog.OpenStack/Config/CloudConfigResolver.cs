using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.OpenStack.Identity;

namespace Smog.OpenStack.Config;

/// <summary>
/// Resolves one cloud from clouds.yaml, secure.yaml, clouds-public.yaml, OS_* variables and
/// --os-* options, the way openstackclient does (openstack-client.md §1): layers low → high are defaults,
/// vendor profile, cloud entry (clouds + secure), the selected region's values, then OS_* and
/// CLI values, which beat the file even inside <c>auth</c>.
/// </summary>
public sealed partial class CloudConfigResolver(ConfigEnvironment env, ILogger? logger = null)
{
    private const string DefaultOrigin = "default";
    private readonly ILogger log = logger ?? NullLogger.Instance;

    /// <summary>OS_* variables that pick a cloud rather than describe one (openstack-client.md §1.3).</summary>
    private static readonly ImmutableHashSet<string> Selectors =
        ["OS_CLOUD", "OS_REGION_NAME", "OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE", "OS_CLOUD_NAME"];

    private static readonly string[] IgnoredPrefixes = ["OS_TEST", "OS_STD", "OS_LOG"];

    /// <summary>Options any auth type accepts; found at top level they move into <c>auth</c>, top level winning.</summary>
    private static readonly ImmutableHashSet<string> AuthKeys =
    [
        "auth_url", "username", "user_id", "password", "user_domain_name", "user_domain_id",
        "project_name", "project_id", "project_domain_name", "project_domain_id", "domain_name", "domain_id",
        "system_scope", "token", "application_credential_id", "application_credential_name",
        "application_credential_secret", "endpoint", "default_domain_id", "default_domain_name", "trust_id",
    ];

    private static readonly ImmutableHashSet<string> Interfaces = ["public", "internal", "admin"];

    public CloudConfig Resolve(CloudSelection selection)
    {
        // 1. Files: each family on its own, first hit only.
        var clouds = ConfigFileLocator.FindFirst(env, "clouds", "OS_CLIENT_CONFIG_FILE");
        var secure = ConfigFileLocator.FindFirst(env, "secure", "OS_CLIENT_SECURE_FILE");
        var publicFile = ConfigFileLocator.FindFirst(env, "clouds-public", null);
        var fileClouds = FileClouds(clouds, secure);

        // 2. The env cloud and the choice of cloud.
        var envLayer = EnvLayer();
        var envCloudName = env.Get("OS_CLOUD_NAME") ?? "envvars";
        var hasEnvCloud = envLayer.Count > 0;
        if (hasEnvCloud && fileClouds.ContainsKey(envCloudName)) throw ConfigException.EnvCloudClash(envCloudName, clouds!.Path);
        var name = ChooseCloud(selection, clouds, fileClouds, hasEnvCloud, envCloudName);
        var fromFile = fileClouds.TryGetValue(name, out var fileEntry);
        var where = fromFile ? $"cloud '{name}' in {clouds!.Path}" : $"cloud '{name}' from OS_* variables";

        // 3. Layers, low → high.
        var entry = fromFile ? Normalise(fileEntry as ConfigMap ?? throw ConfigException.NotAMap(clouds!.Path, $"clouds.{name}")) : new ConfigMap();
        var warnings = new List<string>();
        var merged = Defaults();
        if (Profile(entry, publicFile, where, warnings) is { } profile) merged = ConfigMap.DeepMerge(merged, profile);
        var regions = Regions(entry, where);
        entry.Remove("regions");
        entry.Remove("region_name");
        entry.Remove("profile");
        entry.Remove("cloud");
        merged = ConfigMap.DeepMerge(merged, entry);
        var cliLayer = CliLayer(selection);
        var region = SelectRegion(regions, selection, cliLayer, where, out var regionOrigin);
        if (region?.Values is { } regionValues) merged = ConfigMap.DeepMerge(merged, Normalise(regionValues));
        merged = ConfigMap.DeepMerge(merged, envLayer);
        merged = ConfigMap.DeepMerge(merged, cliLayer);

        // 4. Normalise the result and build the typed cloud.
        var auth = HoistAuth(merged, where);
        ApplyDomains(auth);
        var authType = ChooseAuthType(merged, auth, where);
        ApplyDefaultDomain(merged, auth, authType);
        if (authType == AuthType.ApplicationCredential) DropScopeForApplicationCredential(auth, warnings);
        Validate(merged, auth, authType, where);

        var config = new CloudConfig
        {
            Name = name,
            AuthType = authType,
            Auth = BuildAuth(auth),
            RegionName = region?.Name ?? "",
            Interface = Interface(merged, "interface", where),
            Tls = Tls(merged, warnings),
            ApiTimeout = ApiTimeout(merged, where),
            ServiceSettings = ServiceSettings(merged, where, warnings),
            SourceFile = fromFile ? clouds!.Path : null,
            Warnings = [.. warnings],
            Origins = Origins(merged, auth, regionOrigin),
        };
        Log(config);
        return config;
    }

    // ---- files and cloud choice -------------------------------------------------------------

    private static ConfigMap FileClouds(LoadedFile? clouds, LoadedFile? secure)
    {
        var main = CloudsOf(clouds);
        var secrets = CloudsOf(secure);
        return ConfigMap.DeepMerge(main, secrets);
    }

    private static ConfigMap CloudsOf(LoadedFile? file) => file is null
        ? new ConfigMap()
        : file.Root.GetValueOrDefault("clouds") switch
        {
            null => new ConfigMap(),
            ConfigMap m => m,
            _ => throw ConfigException.NotAMap(file.Path, "clouds"),
        };

    private string ChooseCloud(CloudSelection selection, LoadedFile? clouds, ConfigMap fileClouds, bool hasEnvCloud, string envCloudName)
    {
        var explicitName = selection.Cloud ?? env.Get("OS_CLOUD");
        if (explicitName is not null)
        {
            if (fileClouds.ContainsKey(explicitName) || (hasEnvCloud && explicitName == envCloudName)) return explicitName;
            throw ConfigException.CloudNotFound(explicitName, clouds?.Path, fileClouds.Keys);
        }
        if (hasEnvCloud) return envCloudName;
        return fileClouds.Count switch
        {
            1 => fileClouds.Keys.Single(),
            0 => throw ConfigException.NoCloud(ConfigFileLocator.Candidates(env, "clouds", "OS_CLIENT_CONFIG_FILE")),
            _ => throw ConfigException.SeveralClouds(clouds!.Path, fileClouds.Keys),
        };
    }

    // ---- layers ----------------------------------------------------------------------------

    private static ConfigMap Defaults() => new()
    {
        ["interface"] = new Scalar("public", false, DefaultOrigin),
        ["verify"] = new Scalar("true", false, DefaultOrigin),
        ["network_api_version"] = new Scalar("2", false, DefaultOrigin),
        ["identity_api_version"] = new Scalar("3", false, DefaultOrigin),
    };

    /// <summary>Each describing OS_FOO_BAR becomes top-level key foo_bar (openstack-client.md §1.3).</summary>
    private ConfigMap EnvLayer()
    {
        var layer = new ConfigMap();
        foreach (var (variable, value) in env.Variables.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!variable.StartsWith("OS_", StringComparison.Ordinal) || value.Length == 0) continue;
            if (Selectors.Contains(variable) || IgnoredPrefixes.Any(p => variable.StartsWith(p, StringComparison.Ordinal))) continue;
            layer[variable[3..].ToLowerInvariant()] = new Scalar(value, false, variable);
        }
        return Normalise(layer);
    }

    private static ConfigMap CliLayer(CloudSelection selection)
    {
        var layer = new ConfigMap();
        foreach (var (key, value) in selection.Options)
        {
            layer[key.Replace('-', '_')] = new Scalar(value, false, "--os-" + key.Replace('_', '-'));
        }
        return Normalise(layer);
    }

    private static ConfigMap? Profile(ConfigMap entry, LoadedFile? publicFile, string where, List<string> warnings)
    {
        var name = entry.Text("profile") ?? entry.Text("cloud");
        if (name is null) return null;
        var profile = publicFile?.Root.Map("public-clouds")?.Map(name)
            ?? throw ConfigException.Unsupported(where, $"vendor profile '{name}' (only profiles from a clouds-public.yaml are)");
        switch (profile.Text("status"))
        {
            case "shutdown": throw ConfigException.Contradiction(where, $"vendor profile '{name}' has status shutdown");
            case "deprecated": warnings.Add($"{where}: vendor profile '{name}' is deprecated"); break;
        }
        var result = Normalise(profile);
        result.Remove("status");
        return result;
    }

    // ---- regions (openstack-client.md §1.6) ------------------------------------------------------------------

    private sealed record Region(string Name, ConfigMap? Values);

    private static List<Region> Regions(ConfigMap entry, string where)
    {
        var regions = new List<Region>();
        switch (entry.GetValueOrDefault("regions") ?? entry.GetValueOrDefault("region_name"))
        {
            case null: break;
            case Scalar s:
                regions.AddRange(s.Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => new Region(n, null)));
                break;
            case List<object?> list:
                foreach (var item in list)
                {
                    regions.Add(item switch
                    {
                        Scalar s => new Region(s.Text, null),
                        ConfigMap m when m.Text("name") is { } n => new Region(n, m.Map("values")),
                        _ => throw ConfigException.Invalid(where, "regions", "entry", "a name or {name, values}"),
                    });
                }
                break;
            default: throw ConfigException.Invalid(where, "regions", "map", "a list of names or {name, values}");
        }
        return regions;
    }

    private Region? SelectRegion(List<Region> regions, CloudSelection selection, ConfigMap cliLayer, string where, out string? origin)
    {
        cliLayer.Remove("region_name");
        var (wanted, from) = selection.Options.GetValueOrDefault("region_name") is { } cli
            ? (cli, "--os-region-name")
            : env.Get("OS_REGION_NAME") is { } e ? (e, "OS_REGION_NAME") : (null, null);
        origin = from;
        if (wanted is null)
        {
            origin = regions.Count > 0 ? where : null;
            return regions.FirstOrDefault();
        }
        if (regions.Count == 0) return new Region(wanted, null);
        // Case-sensitive, even from OS_REGION_NAME (openstacksdk does the same).
        return regions.FirstOrDefault(r => r.Name == wanted)
            ?? throw ConfigException.UnknownRegion(where, wanted, regions.Select(r => r.Name));
    }

    // ---- normalisation (openstack-client.md §1.5) -------------------------------------------------------------

    /// <summary>Per layer: '-' → '_' at every depth, then the legacy renames, in auth too.</summary>
    private static ConfigMap Normalise(ConfigMap map)
    {
        var result = new ConfigMap();
        foreach (var (key, value) in map)
        {
            result[key.Replace('-', '_')] = value is ConfigMap m ? Normalise(m) : value;
        }
        Rename(result);
        if (result.Map("auth") is { } auth) Rename(auth);
        return result;
    }

    private static void Rename(ConfigMap map)
    {
        Move(map, "auth_plugin", "auth_type", overwrite: false);
        Move(map, "endpoint_type", "interface", overwrite: true);
        foreach (var key in map.Keys.Where(k => k.EndsWith("_endpoint_type", StringComparison.Ordinal)).ToList())
        {
            Move(map, key, key[..^"endpoint_type".Length] + "interface", overwrite: true);
        }
        Move(map, "tenant_id", "project_id", overwrite: false);
        Move(map, "tenant_name", "project_name", overwrite: false);
        Move(map, "auth_token", "token", overwrite: false);
    }

    private static void Move(ConfigMap map, string from, string to, bool overwrite)
    {
        if (!map.Remove(from, out var value)) return;
        if (overwrite || !map.ContainsKey(to)) map[to] = value;
    }

    /// <summary>Auth options at top level move into <c>auth</c>; top level (CLI/env) wins.</summary>
    private static ConfigMap HoistAuth(ConfigMap merged, string where)
    {
        var auth = merged.GetValueOrDefault("auth") switch
        {
            null => new ConfigMap(),
            ConfigMap m => m,
            _ => throw ConfigException.NotAMap(where, "auth"),
        };
        foreach (var key in merged.Keys.Where(AuthKeys.Contains).ToList())
        {
            auth[key] = merged[key];
            merged.Remove(key);
        }
        merged["auth"] = auth;
        foreach (var (key, value) in auth)
        {
            if (value is not (Scalar or null)) throw ConfigException.NotAScalar(where, "auth." + key);
        }
        return auth;
    }

    /// <summary>
    /// domain_id/domain_name fill the user and project domains of a project-scoped cloud;
    /// otherwise they are a domain scope (keystoneauth's rule, verified in openstack-client.md §1.5).
    /// </summary>
    private static void ApplyDomains(ConfigMap auth)
    {
        if (!auth.ContainsKey("project_id") && !auth.ContainsKey("project_name")) return;
        foreach (var kind in new[] { "id", "name" })
        {
            if (!auth.Remove("domain_" + kind, out var value)) continue;
            foreach (var target in new[] { "user_domain", "project_domain" })
            {
                if (!auth.ContainsKey(target + "_id") && !auth.ContainsKey(target + "_name")) auth[target + "_" + kind] = value;
            }
        }
    }

    private AuthType ChooseAuthType(ConfigMap merged, ConfigMap auth, string where)
    {
        if (merged.ScalarAt("auth_type") is { } explicitType) return ParseAuthType(explicitType.Text, where);
        if (auth.ContainsKey("token") && !auth.ContainsKey("password"))
        {
            // openstackclient would fail with "No password entered"; a lone token means token auth.
            log.LogDebug("{Where}: a token and no password are configured and no auth_type: using v3token", where);
            return AuthType.Token;
        }
        return AuthType.Password;
    }

    private static AuthType ParseAuthType(string text, string where) => text switch
    {
        "password" or "v3password" => AuthType.Password,
        "v3applicationcredential" or "applicationcredential" => AuthType.ApplicationCredential,
        "token" or "v3token" => AuthType.Token,
        "none" or "noauth" => AuthType.None,
        "admin_token" or "token_endpoint" => AuthType.AdminToken,
        "v2password" or "v2token" => throw ConfigException.Unsupported(where, $"auth_type {text} (Keystone v2)"),
        _ => throw ConfigException.Invalid(where, "auth_type", text, "password, v3password, v3applicationcredential, token, v3token, none or admin_token"),
    };

    /// <summary>
    /// openstackclient's default_domain (default "default") and the generic plugins'
    /// default_domain_id/_name fill missing user and project domains for password auth.
    /// </summary>
    private static void ApplyDefaultDomain(ConfigMap merged, ConfigMap auth, AuthType type)
    {
        foreach (var kind in new[] { "id", "name" })
        {
            if (!auth.Remove("default_domain_" + kind, out var value)) continue;
            if (type is not (AuthType.Password or AuthType.Token)) continue;
            FillDomain(auth, "user_domain", kind, value);
            FillDomain(auth, "project_domain", kind, value);
        }
        if (type != AuthType.Password) return;
        var fallback = merged.ScalarAt("default_domain") ?? new Scalar("default", false, DefaultOrigin);
        FillDomain(auth, "user_domain", "id", fallback);
        FillDomain(auth, "project_domain", "id", fallback);
    }

    private static void FillDomain(ConfigMap auth, string target, string kind, object? value)
    {
        if (!auth.ContainsKey(target + "_id") && !auth.ContainsKey(target + "_name")) auth[target + "_" + kind] = value;
    }

    /// <summary>
    /// Keystone refuses any scope with an application credential (401 "Application credentials
    /// cannot request a scope."); the reference tools pass it and fail, Smog drops it and says so.
    /// </summary>
    private static void DropScopeForApplicationCredential(ConfigMap auth, List<string> warnings)
    {
        string[] scopeKeys = ["project_id", "project_name", "project_domain_id", "project_domain_name", "domain_id", "domain_name", "system_scope"];
        foreach (var key in scopeKeys)
        {
            if (auth.Remove(key, out var value) && value is Scalar s)
            {
                warnings.Add($"application credentials are scoped to their own project: ignoring {key} from {s.Origin}");
            }
        }
    }

    // ---- validation -----------------------------------------------------------------------

    private static void Validate(ConfigMap merged, ConfigMap auth, AuthType type, string where)
    {
        if (merged.Text("identity_api_version") is { } iv && iv is not ("3" or "3.0"))
        {
            throw ConfigException.Unsupported(where, $"identity_api_version {iv} (only 3 is)");
        }
        if (auth.Text("auth_url") is { } url && V2Url().IsMatch(url)) throw ConfigException.Unsupported(where, $"auth.auth_url {url} (Keystone v2.0)");

        switch (type)
        {
            case AuthType.Password:
                Require(auth, "auth_url", where);
                Require(auth, "password", where);
                if (!Has(auth, "user_id")) Require(auth, "username", where, "or auth.user_id / OS_USER_ID");
                break;
            case AuthType.ApplicationCredential:
                Require(auth, "auth_url", where);
                Require(auth, "application_credential_secret", where);
                if (!Has(auth, "application_credential_id"))
                {
                    Require(auth, "application_credential_name", where, "or auth.application_credential_id / OS_APPLICATION_CREDENTIAL_ID");
                    if (!Has(auth, "user_id")) Require(auth, "username", where, "an application credential name needs its user");
                    if (!Has(auth, "user_id") && !Has(auth, "user_domain_id") && !Has(auth, "user_domain_name"))
                    {
                        Require(auth, "user_domain_name", where, "or auth.user_domain_id / OS_USER_DOMAIN_ID");
                    }
                }
                break;
            case AuthType.Token:
                Require(auth, "auth_url", where);
                Require(auth, "token", where);
                break;
            case AuthType.None:
                Require(auth, "endpoint", where);
                break;
            case AuthType.AdminToken:
                Require(auth, "endpoint", where);
                Require(auth, "token", where);
                break;
        }

        if (type is AuthType.Password or AuthType.Token)
        {
            if (Has(auth, "username") && !Has(auth, "user_id") && !Has(auth, "user_domain_id") && !Has(auth, "user_domain_name"))
            {
                throw ConfigException.Missing(where, "auth.user_domain_name", "a user name needs its domain: set auth.user_domain_name or OS_USER_DOMAIN_NAME");
            }
            if (Has(auth, "project_name") && !Has(auth, "project_id") && !Has(auth, "project_domain_id") && !Has(auth, "project_domain_name"))
            {
                throw ConfigException.Missing(where, "auth.project_domain_name", "a project name needs its domain: set auth.project_domain_name or OS_PROJECT_DOMAIN_NAME");
            }
            var scopes = new[]
            {
                Has(auth, "project_id") || Has(auth, "project_name") ? "project" : null,
                Has(auth, "domain_id") || Has(auth, "domain_name") ? "domain" : null,
                Has(auth, "system_scope") ? "system_scope" : null,
                Has(auth, "trust_id") ? "trust_id" : null,
            }.OfType<string>().ToList();
            if (scopes.Count > 1) throw ConfigException.Contradiction(where, $"more than one scope is set ({string.Join(", ", scopes)}); keep one");
        }
    }

    private static bool Has(ConfigMap auth, string key) => !string.IsNullOrEmpty(auth.Text(key));

    private static void Require(ConfigMap auth, string key, string where, string? alternative = null)
    {
        if (Has(auth, key)) return;
        var hint = $"set auth.{key} or OS_{key.ToUpperInvariant()}";
        throw ConfigException.Missing(where, "auth." + key, alternative is null ? hint : $"{hint}; {alternative}");
    }

    // ---- typed values -----------------------------------------------------------------------

    private static AuthSettings BuildAuth(ConfigMap auth) => new()
    {
        AuthUrl = auth.Text("auth_url"),
        Username = auth.Text("username"),
        UserId = auth.Text("user_id"),
        Password = Secret.FromNullable(auth.Text("password")),
        UserDomainName = auth.Text("user_domain_name"),
        UserDomainId = auth.Text("user_domain_id"),
        ProjectName = auth.Text("project_name"),
        ProjectId = auth.Text("project_id"),
        ProjectDomainName = auth.Text("project_domain_name"),
        ProjectDomainId = auth.Text("project_domain_id"),
        DomainName = auth.Text("domain_name"),
        DomainId = auth.Text("domain_id"),
        SystemScope = auth.Text("system_scope"),
        Token = Secret.FromNullable(auth.Text("token")),
        ApplicationCredentialId = auth.Text("application_credential_id"),
        ApplicationCredentialName = auth.Text("application_credential_name"),
        ApplicationCredentialSecret = Secret.FromNullable(auth.Text("application_credential_secret")),
        Endpoint = auth.Text("endpoint"),
    };

    private static string Interface(ConfigMap merged, string key, string where)
    {
        var text = merged.Text(key) ?? "public";
        var normal = text.EndsWith("URL", StringComparison.Ordinal) ? text[..^3] : text;
        return Interfaces.Contains(normal) ? normal : throw ConfigException.Invalid(where, key, text, "public, internal or admin");
    }

    private TlsSettings Tls(ConfigMap merged, List<string> warnings)
    {
        var insecure = IsTrue(merged.ScalarAt("insecure"));
        var verify = !insecure && IsTrue(merged.ScalarAt("verify"));
        var cacert = merged.Text("cacert") is { } c ? ExpandHome(c) : null;
        if (!verify && cacert is not null) warnings.Add($"TLS verification is off ({(insecure ? "insecure" : "verify: false")}); cacert {cacert} is ignored");
        return new TlsSettings(verify, verify ? cacert : null, merged.Text("cert") is { } cert ? ExpandHome(cert) : null, merged.Text("key") is { } key ? ExpandHome(key) : null);
    }

    /// <summary>True only for YAML true or the string "true" in any case (openstack-client.md §1.5).</summary>
    private static bool IsTrue(Scalar? s) => s is not null && s.Text.Equals("true", StringComparison.OrdinalIgnoreCase);

    private string ExpandHome(string path) =>
        path == "~" ? env.HomeDirectory
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(env.HomeDirectory, path[2..])
        : path;

    private static TimeSpan ApiTimeout(ConfigMap merged, string where)
    {
        if (merged.Text("api_timeout") is not { } text) return TimeSpan.FromSeconds(60);
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw ConfigException.Invalid(where, "api_timeout", text, "a positive number of seconds");
    }

    private static ImmutableSortedDictionary<string, string> ServiceSettings(ConfigMap merged, string where, List<string> warnings)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in merged)
        {
            if (value is not Scalar s || !ServiceKey().IsMatch(key)) continue;
            if (key.EndsWith("_api_version", StringComparison.Ordinal))
            {
                if (!ApiVersion().IsMatch(s.Text)) throw ConfigException.Invalid(where, key, s.Text, "a version like 2.79 (never 'latest')");
                if (ConfigYaml.LosesDigitsAsFloat(s))
                {
                    warnings.Add($"{s.Origin}: {key}: {s.Text} is an unquoted YAML number; Smog keeps {s.Text} but openstacksdk and openstackclient read it as a float — quote it");
                }
            }
            result[key] = key.EndsWith("_interface", StringComparison.Ordinal) ? Interface(merged, key, where) : s.Text;
        }
        return result.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> Origins(ConfigMap merged, ConfigMap auth, string? regionOrigin)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in merged) if (value is Scalar s) result[key] = s.Origin;
        foreach (var (key, value) in auth) if (value is Scalar s) result["auth." + key] = s.Origin;
        if (regionOrigin is not null) result["region_name"] = regionOrigin;
        return result.ToImmutable();
    }

    private void Log(CloudConfig config)
    {
        foreach (var warning in config.Warnings) log.LogWarning("{Warning}", warning);
        if (!log.IsEnabled(LogLevel.Debug)) return;
        // Where each value came from, never the value of a secret.
        foreach (var (key, origin) in config.Origins) log.LogDebug("cloud {Cloud}: {Key} from {Origin}", config.Name, key, origin);
    }

    [GeneratedRegex(@"/v2\.0/?$")]
    private static partial Regex V2Url();

    [GeneratedRegex(@"^[a-z0-9_]+_(interface|region_name|endpoint_override|api_version)$")]
    private static partial Regex ServiceKey();

    [GeneratedRegex(@"^\d+(\.\d+)?$")]
    private static partial Regex ApiVersion();
}
