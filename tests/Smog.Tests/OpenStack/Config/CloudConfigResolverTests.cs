using System.Collections.Immutable;
using Smog.OpenStack.Config;
using static Smog.Tests.OpenStack.TestEnv;

namespace Smog.Tests.OpenStack.Config;

public class CloudConfigResolverTests
{
    internal const string LabCloud = """
        clouds:
          lab:
            auth:
              auth_url: https://keystone.example:5000/v3
              username: operator
              project_name: numa
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionOne
            interface: internal
            compute_api_version: "2.79"
            cacert: ~/ca.pem
        """;

    internal const string LabSecure = """
        clouds:
          lab:
            auth:
              password: file-password
        """;

    private static Dictionary<string, string> Vars(params (string, string)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    private static string OneCloud(string name, string url) => $"""
        clouds:
          {name}:
            auth: {"{"}auth_url: {url}, username: u, password: p, project_name: p1{"}"}
        """;

    // ---- search path (openstack-client.md §1.1) -----------------------------------------------------------

    public static TheoryData<string, string[], Dictionary<string, string>, string> SearchRows => new()
    {
        // description, files present, variables, expected auth_url (each file names itself)
        { "current directory beats the user directory", [$"{Cwd}/clouds.yaml", $"{Home}/.config/openstack/clouds.yaml"], [], $"{Cwd}/clouds.yaml" },
        { "user directory beats /etc/openstack", [$"{Home}/.config/openstack/clouds.yaml", "/etc/openstack/clouds.yaml"], [], $"{Home}/.config/openstack/clouds.yaml" },
        { "XDG_CONFIG_HOME replaces ~/.config first", ["/xdg/openstack/clouds.yaml", $"{Home}/.config/openstack/clouds.yaml"], new() { ["XDG_CONFIG_HOME"] = "/xdg" }, "/xdg/openstack/clouds.yaml" },
        { "~/.config still searched after XDG_CONFIG_HOME", [$"{Home}/.config/openstack/clouds.yaml", "/etc/openstack/clouds.yaml"], new() { ["XDG_CONFIG_HOME"] = "/xdg" }, $"{Home}/.config/openstack/clouds.yaml" },
        { "/etc/xdg before /etc/openstack", ["/etc/xdg/openstack/clouds.yaml", "/etc/openstack/clouds.yaml"], [], "/etc/xdg/openstack/clouds.yaml" },
        { "/etc/openstack last", ["/etc/openstack/clouds.yaml"], [], "/etc/openstack/clouds.yaml" },
        { ".yaml before .yml in one directory", [$"{Cwd}/clouds.yml", $"{Cwd}/clouds.yaml"], [], $"{Cwd}/clouds.yaml" },
        { ".yml before .json", [$"{Cwd}/clouds.json", $"{Cwd}/clouds.yml"], [], $"{Cwd}/clouds.yml" },
        { "directory before suffix", [$"{Cwd}/clouds.json", "/etc/openstack/clouds.yaml"], [], $"{Cwd}/clouds.json" },
        { "OS_CLIENT_CONFIG_FILE is tried first", ["/tmp/mine.yaml", $"{Cwd}/clouds.yaml"], new() { ["OS_CLIENT_CONFIG_FILE"] = "/tmp/mine.yaml" }, "/tmp/mine.yaml" },
        { "a missing OS_CLIENT_CONFIG_FILE falls through", [$"{Cwd}/clouds.yaml"], new() { ["OS_CLIENT_CONFIG_FILE"] = "/tmp/absent.yaml" }, $"{Cwd}/clouds.yaml" },
    };

    [Theory]
    [MemberData(nameof(SearchRows))]
    public void The_first_file_in_the_search_path_is_the_only_one_read(string description, string[] present, Dictionary<string, string> vars, string expected)
    {
        _ = description;
        var files = present.ToDictionary(p => p, p => p.EndsWith(".json", StringComparison.Ordinal)
            ? "{\"clouds\": {\"c\": {\"auth\": {\"auth_url\": \"" + p + "\", \"username\": \"u\", \"password\": \"p\"}}}}"
            : OneCloud("c", p));

        var cloud = Resolve(files, vars);

        Assert.Equal(expected, cloud.Auth.AuthUrl);
        Assert.Equal(expected, cloud.SourceFile);
    }

    [Theory]
    [InlineData("secure.yaml in another directory", "/etc/openstack/secure.yaml", null)]
    [InlineData("OS_CLIENT_SECURE_FILE", "/run/secrets/os.yaml", "/run/secrets/os.yaml")]
    public void Secure_yaml_is_searched_on_its_own(string description, string securePath, string? variable)
    {
        _ = description;
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [securePath] = LabSecure };
        var vars = variable is null ? Vars() : Vars(("OS_CLIENT_SECURE_FILE", variable));

        var cloud = Resolve(files, vars, CloudSelection.Named("lab"));

        Assert.Equal("file-password", cloud.Auth.Password!.Reveal());
        Assert.Equal(securePath, cloud.Origins["auth.password"]);
        Assert.Equal("operator", cloud.Auth.Username);
    }

    [Fact]
    public void Files_are_not_merged_across_directories()
    {
        // Given a cloud 'a' in the current directory and 'b' only in /etc/openstack
        var files = new Dictionary<string, string>
        {
            [$"{Cwd}/clouds.yaml"] = OneCloud("a", "http://a/v3"),
            ["/etc/openstack/clouds.yaml"] = OneCloud("b", "http://b/v3"),
        };
        // When 'b' is asked for, Then it is not found: only the first file counts
        var error = Assert.Throws<ConfigException>(() => Resolve(files, selection: CloudSelection.Named("b")));
        Assert.Equal($"Cloud b was not found in {Cwd}/clouds.yaml (clouds: a)", error.Message);
    }

    // ---- test vectors of openstack-client.md §8 -----------------------------------------------------------

    [Fact]
    public void Vector1_secure_yaml_merges_into_auth_and_the_file_values_apply()
    {
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure };

        var cloud = Resolve(files, selection: CloudSelection.Named("lab"));

        Assert.Equal("file-password", cloud.Auth.Password!.Reveal());
        Assert.Equal("operator", cloud.Auth.Username);
        Assert.Equal("internal", cloud.Interface);
        Assert.Equal("RegionOne", cloud.RegionName);
        Assert.Equal("2.79", cloud.For("compute").ApiVersion);
        Assert.Equal($"{Home}/ca.pem", cloud.Tls.CaCertFile);
        Assert.Equal($"{Cwd}/secure.yaml", cloud.Origins["auth.password"]);
    }

    [Fact]
    public void Vector2_OS_variables_beat_clouds_yaml_even_inside_auth()
    {
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure };

        var cloud = Resolve(files, Vars(("OS_CLOUD", "lab"), ("OS_PASSWORD", "envpw"), ("OS_INTERFACE", "public")));

        Assert.Equal("envpw", cloud.Auth.Password!.Reveal());
        Assert.Equal("public", cloud.Interface);
        Assert.Equal("OS_PASSWORD", cloud.Origins["auth.password"]);
        Assert.Equal("OS_INTERFACE", cloud.Origins["interface"]);
    }

    [Fact]
    public void Command_line_beats_OS_variables()
    {
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure };
        var selection = new CloudSelection("lab", new Dictionary<string, string> { ["password"] = "clipw" }.ToImmutableDictionary());

        var cloud = Resolve(files, Vars(("OS_PASSWORD", "envpw")), selection);

        Assert.Equal("clipw", cloud.Auth.Password!.Reveal());
        Assert.Equal("--os-password", cloud.Origins["auth.password"]);
    }

    [Fact]
    public void Vector3_domain_name_of_a_project_scoped_cloud_fills_both_domains()
    {
        var yaml = """
            clouds:
              d:
                auth: {auth_url: http://k/v3, username: u, password: p, project_name: p1, domain_name: D1}
            """;
        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = yaml });

        Assert.Equal("D1", cloud.Auth.UserDomainName);
        Assert.Equal("D1", cloud.Auth.ProjectDomainName);
        Assert.Null(cloud.Auth.DomainName);
    }

    [Fact]
    public void Domain_name_without_a_project_is_a_domain_scope()
    {
        var yaml = """
            clouds:
              d:
                auth: {auth_url: http://k/v3, username: u, password: p, user_domain_name: Default, domain_name: D1}
            """;
        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = yaml });

        Assert.Equal("D1", cloud.Auth.DomainName);
        Assert.Equal("Default", cloud.Auth.UserDomainName);
    }

    internal const string TwoRegions = """
        clouds:
          r:
            auth: {auth_url: http://k/v3, username: u, password: p, project_name: p1}
            regions:
              - RegionOne
              - name: RegionTwo
                values: {interface: admin}
        """;

    public static TheoryData<string, string?, string, string> RegionRows => new()
    {
        // description, OS_REGION_NAME, expected region, expected interface
        { "first listed region by default", null, "RegionOne", "public" },
        { "a region's values override the cloud", "RegionTwo", "RegionTwo", "admin" },
    };

    [Theory]
    [MemberData(nameof(RegionRows))]
    public void Vector4_regions_select_and_override(string description, string? osRegion, string region, string iface)
    {
        _ = description;
        var vars = osRegion is null ? Vars() : Vars(("OS_REGION_NAME", osRegion));

        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = TwoRegions }, vars);

        Assert.Equal(region, cloud.RegionName);
        Assert.Equal(iface, cloud.Interface);
    }

    [Fact]
    public void Vector4_an_unknown_region_is_an_error_listing_the_regions()
    {
        var error = Assert.Throws<ConfigException>(() => Resolve(new() { [$"{Cwd}/clouds.yaml"] = TwoRegions }, Vars(("OS_REGION_NAME", "Nope"))));
        Assert.Equal($"cloud 'r' in {Cwd}/clouds.yaml: region 'Nope' is not one of the cloud's regions (RegionOne, RegionTwo)", error.Message);
    }

    internal const string ThreeClouds = """
        clouds:
          a: {auth: {auth_url: http://a/v3, username: u, password: p}}
          b: {auth: {auth_url: http://b/v3, username: u, password: p}}
          c: {auth: {auth_url: http://c/v3, username: u, password: p}}
        """;

    [Fact]
    public void Vector5_the_env_cloud_is_used_when_OS_variables_describe_one()
    {
        var vars = Vars(("OS_AUTH_URL", "http://env/v3"), ("OS_USERNAME", "eu"), ("OS_PASSWORD", "ep"), ("OS_PROJECT_NAME", "ep1"));

        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = ThreeClouds }, vars);

        Assert.Equal("envvars", cloud.Name);
        Assert.Equal("http://env/v3", cloud.Auth.AuthUrl);
        Assert.Null(cloud.SourceFile);
    }

    [Fact]
    public void Vector5_several_clouds_and_no_choice_asks_for_one()
    {
        var error = Assert.Throws<ConfigException>(() => Resolve(new() { [$"{Cwd}/clouds.yaml"] = ThreeClouds }));
        Assert.Equal($"several clouds in {Cwd}/clouds.yaml (a, b, c); choose one with --os-cloud/OS_CLOUD", error.Message);
    }

    [Fact]
    public void A_single_cloud_is_chosen_without_being_named()
    {
        Assert.Equal("c", Resolve(new() { [$"{Cwd}/clouds.yaml"] = OneCloud("c", "http://c/v3") }).Name);
    }

    [Fact]
    public void Vector6_an_application_credential_drops_the_project_scope_with_a_warning()
    {
        var vars = Vars(("OS_AUTH_TYPE", "v3applicationcredential"), ("OS_AUTH_URL", "http://k/v3"),
            ("OS_APPLICATION_CREDENTIAL_ID", "ac1"), ("OS_APPLICATION_CREDENTIAL_SECRET", "acsecret"), ("OS_PROJECT_NAME", "numa"));

        var cloud = Resolve(vars: vars);

        Assert.Equal(AuthType.ApplicationCredential, cloud.AuthType);
        Assert.Null(cloud.Auth.ProjectName);
        Assert.Contains(cloud.Warnings, w => w.Contains("project_name from OS_PROJECT_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public void Vector7_an_unquoted_version_keeps_its_digits_and_warns()
    {
        var yaml = """
            clouds:
              v:
                auth: {auth_url: http://k/v3, username: u, password: p}
                compute_api_version: 2.80
            """;
        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = yaml });

        Assert.Equal("2.80", cloud.For("compute").ApiVersion);
        Assert.Contains(cloud.Warnings, w => w.Contains("compute_api_version: 2.80 is an unquoted YAML number", StringComparison.Ordinal));
    }

    [Fact]
    public void A_quoted_version_does_not_warn()
    {
        var cloud = Resolve(new() { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure });
        Assert.Empty(cloud.Warnings);
    }

    [Fact]
    public void Vector8_missing_domains_default_to_default()
    {
        var vars = Vars(("OS_AUTH_URL", "http://k/v3"), ("OS_USERNAME", "u"), ("OS_PASSWORD", "p"), ("OS_PROJECT_NAME", "p1"));

        var cloud = Resolve(vars: vars);

        Assert.Equal("default", cloud.Auth.UserDomainId);
        Assert.Equal("default", cloud.Auth.ProjectDomainId);
    }

    // ---- other normalisation -----------------------------------------------------------------

    [Fact]
    public void Legacy_names_are_folded()
    {
        var vars = Vars(("OS_AUTH_URL", "http://k/v3"), ("OS_USERNAME", "u"), ("OS_PASSWORD", "p"),
            ("OS_TENANT_NAME", "legacy"), ("OS_ENDPOINT_TYPE", "internalURL"), ("OS_INTERFACE", "admin"));

        var cloud = Resolve(vars: vars);

        Assert.Equal("legacy", cloud.Auth.ProjectName);
        Assert.Equal("internal", cloud.Interface); // endpoint_type beats interface, publicURL style normalised
    }

    [Fact]
    public void A_lone_token_means_token_auth()
    {
        var cloud = Resolve(vars: Vars(("OS_AUTH_URL", "http://k/v3"), ("OS_TOKEN", "tok123456"), ("OS_PROJECT_ID", "p1")));

        Assert.Equal(AuthType.Token, cloud.AuthType);
        Assert.Equal("tok123456", cloud.Auth.Token!.Reveal());
    }

    [Fact]
    public void Insecure_wins_over_cacert_with_a_warning()
    {
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure };

        var cloud = Resolve(files, Vars(("OS_CLOUD", "lab"), ("OS_INSECURE", "True")));

        Assert.False(cloud.Tls.Verify);
        Assert.Null(cloud.Tls.CaCertFile);
        Assert.Contains(cloud.Warnings, w => w.Contains("cacert", StringComparison.Ordinal));
    }

    [Fact]
    public void Per_service_settings_override_the_cloud_wide_ones()
    {
        var vars = Vars(("OS_AUTH_URL", "http://k/v3"), ("OS_USERNAME", "u"), ("OS_PASSWORD", "p"),
            ("OS_COMPUTE_ENDPOINT_OVERRIDE", "http://nova:8774/v2.1"), ("OS_PLACEMENT_INTERFACE", "internal"), ("OS_REGION_NAME", "R1"));

        var cloud = Resolve(vars: vars);

        Assert.Equal("http://nova:8774/v2.1", cloud.For("compute").EndpointOverride);
        Assert.Equal("internal", cloud.For("placement").Interface);
        Assert.Equal("public", cloud.For("image").Interface);
        Assert.Equal("R1", cloud.For("image").Region);
    }

    [Fact]
    public void Vendor_profiles_come_from_clouds_public_yaml_under_the_cloud()
    {
        var files = new Dictionary<string, string>
        {
            [$"{Cwd}/clouds.yaml"] = "clouds:\n  v:\n    profile: vendor\n    auth: {username: u, password: p}\n",
            [$"{Cwd}/clouds-public.yaml"] = "public-clouds:\n  vendor:\n    auth: {auth_url: http://vendor/v3}\n    interface: internal\n",
        };
        var cloud = Resolve(files);
        Assert.Equal("http://vendor/v3", cloud.Auth.AuthUrl);
        Assert.Equal("internal", cloud.Interface);
    }

    // ---- missing and contradictory settings --------------------------------------------------------

    public static TheoryData<string, string, Dictionary<string, string>, string> ErrorRows => new()
    {
        // description, clouds.yaml ("" = none), variables, exact message
        { "password missing in a file cloud", "clouds:\n  x:\n    auth: {auth_url: http://k/v3, username: u}\n", [],
          $"cloud 'x' in {Cwd}/clouds.yaml: auth.password is missing (set auth.password or OS_PASSWORD)" },
        { "auth_url missing in the env cloud", "", new() { ["OS_USERNAME"] = "u", ["OS_PASSWORD"] = "p" },
          "cloud 'envvars' from OS_* variables: auth.auth_url is missing (set auth.auth_url or OS_AUTH_URL)" },
        { "neither user name nor id", "clouds:\n  x:\n    auth: {auth_url: http://k/v3, password: p}\n", [],
          $"cloud 'x' in {Cwd}/clouds.yaml: auth.username is missing (set auth.username or OS_USERNAME; or auth.user_id / OS_USER_ID)" },
        { "token auth without a token", "clouds:\n  x:\n    auth_type: v3token\n    auth: {auth_url: http://k/v3}\n", [],
          $"cloud 'x' in {Cwd}/clouds.yaml: auth.token is missing (set auth.token or OS_TOKEN)" },
        { "project name without domain under token auth", "", new() { ["OS_AUTH_URL"] = "http://k/v3", ["OS_TOKEN"] = "t", ["OS_PROJECT_NAME"] = "p" },
          "cloud 'envvars' from OS_* variables: auth.project_domain_name is missing (a project name needs its domain: set auth.project_domain_name or OS_PROJECT_DOMAIN_NAME)" },
        { "domain and system scope together", "clouds:\n  x:\n    auth: {auth_url: http://k/v3, user_id: u, password: p, domain_id: d, system_scope: all}\n", [],
          $"cloud 'x' in {Cwd}/clouds.yaml: more than one scope is set (domain, system_scope); keep one" },
        { "unknown cloud", "clouds:\n  x:\n    auth: {auth_url: http://k/v3}\n", new() { ["OS_CLOUD"] = "y" },
          $"Cloud y was not found in {Cwd}/clouds.yaml (clouds: x)" },
        { "file cloud named like the env cloud", "clouds:\n  envvars:\n    auth: {auth_url: http://k/v3}\n", new() { ["OS_USERNAME"] = "u" },
          $"{Cwd}/clouds.yaml: cloud 'envvars' has the name of the cloud built from OS_* variables; rename it or set OS_CLOUD_NAME" },
        { "Keystone v2.0", "", new() { ["OS_AUTH_URL"] = "http://k/v2.0", ["OS_USERNAME"] = "u", ["OS_PASSWORD"] = "p" },
          "cloud 'envvars' from OS_* variables: auth.auth_url http://k/v2.0 (Keystone v2.0) is not supported by Smog" },
        { "bad interface", "", new() { ["OS_AUTH_URL"] = "http://k/v3", ["OS_USERNAME"] = "u", ["OS_PASSWORD"] = "p", ["OS_INTERFACE"] = "private" },
          "cloud 'envvars' from OS_* variables: interface 'private' is not valid; expected public, internal or admin" },
        { "unknown auth type", "", new() { ["OS_AUTH_URL"] = "http://k/v3", ["OS_AUTH_TYPE"] = "kerberos" },
          "cloud 'envvars' from OS_* variables: auth_type 'kerberos' is not valid; expected password, v3password, v3applicationcredential, token, v3token, none or admin_token" },
        { "latest compute version", "", new() { ["OS_AUTH_URL"] = "http://k/v3", ["OS_USERNAME"] = "u", ["OS_PASSWORD"] = "p", ["OS_COMPUTE_API_VERSION"] = "latest" },
          "cloud 'envvars' from OS_* variables: compute_api_version 'latest' is not valid; expected a version like 2.79 (never 'latest')" },
        { "built-in vendor profile", "clouds:\n  x:\n    profile: vexxhost\n    auth: {auth_url: http://k/v3}\n", [],
          $"cloud 'x' in {Cwd}/clouds.yaml: vendor profile 'vexxhost' (only profiles from a clouds-public.yaml are) is not supported by Smog" },
        { "YAML syntax", "clouds:\n  x: [unclosed\n", [], $"{Cwd}/clouds.yaml:3: While parsing a flow sequence, did not find expected ',' or ']'." },
        { "YAML the parser gives up on without a position (found by ReaderFuzzTests)", "clouds:\n  x:\n    auth: {passw8[\t: s, project_name: p2}\n    region_name: R2\n", [],
          $"{Cwd}/clouds.yaml: not valid YAML (the parser stopped without saying where)" },
        { "YAML the node loader refuses (found by ReaderFuzzTests)", "clouds:\n  :\t9- x: c\n    auth: a\n", [],
          $"{Cwd}/clouds.yaml: not valid YAML (the parser stopped without saying where)" },
        { "nothing configured", "", [], "" },
    };

    [Theory]
    [MemberData(nameof(ErrorRows))]
    public void Bad_settings_give_one_line_naming_file_and_key(string description, string yaml, Dictionary<string, string> vars, string message)
    {
        _ = description;
        var files = yaml.Length == 0 ? new Dictionary<string, string>() : new() { [$"{Cwd}/clouds.yaml"] = yaml };

        var error = Assert.Throws<ConfigException>(() => Resolve(files, vars));

        if (message.Length == 0) Assert.StartsWith("no cloud configured: no clouds.yaml found (searched /work/project/clouds.yaml, ", error.Message);
        else Assert.Equal(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Secrets_never_show_in_the_printed_config_or_its_errors()
    {
        var files = new Dictionary<string, string> { [$"{Cwd}/clouds.yaml"] = LabCloud, [$"{Cwd}/secure.yaml"] = LabSecure };
        var cloud = Resolve(files, Vars(("OS_CLOUD", "lab"), ("OS_TOKEN", "tok-SECRET-1")));

        Assert.DoesNotContain("file-password", cloud.ToString());
        Assert.DoesNotContain("tok-SECRET-1", cloud.ToString());
        Assert.Contains("<redacted>", cloud.Auth.ToString());
    }
}
