using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Smog.Cloud.Api.Faults;
using Smog.Cloud.Api.Hosting;

namespace Smog.Tests.Cloud;

/// <summary>Keystone tokens, their expiry, and Zed's default policy on the embedded cloud, over real HTTP.</summary>
public sealed class IdentityAndPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> TokenAsync(HttpClient http, RunningCloud cloud, bool admin)
    {
        var user = admin ? cloud.Identity.AdminAccount : cloud.Identity.MemberAccount;
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject { ["user"] = new JsonObject { ["name"] = user.Name, ["domain"] = new JsonObject { ["name"] = "Default" }, ["password"] = user.Password.Reveal() } },
                },
                ["scope"] = new JsonObject { ["project"] = new JsonObject { ["name"] = user.DefaultProject.Name, ["domain"] = new JsonObject { ["id"] = "default" } } },
            },
        };
        using var response = await http.PostAsync(cloud.AuthUrl + "/auth/tokens", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient http, RunningCloud cloud, HttpMethod method,
        string path, string? token, string? body = null, string? microversion = null)
    {
        var request = new HttpRequestMessage(method, cloud.BaseUrl.AbsoluteUri.TrimEnd('/') + path);
        if (token is not null) request.Headers.Add("X-Auth-Token", token);
        if (microversion is not null) request.Headers.Add("OpenStack-API-Version", microversion);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    [Fact]
    public async Task A_wrong_password_is_Keystones_401_and_names_no_secret()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();
        var body = """{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "smog-admin", "domain": {"id": "default"}, "password": "not-it"}}}}}""";

        var (status, json, _) = await SendAsync(http, cloud, HttpMethod.Post, "/identity/v3/auth/tokens", null, body);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(401, json!["error"]!["code"]!.GetValue<int>());
        Assert.Equal("Unauthorized", json["error"]!["title"]!.GetValue<string>());
        Assert.DoesNotContain(cloud.Identity.AdminAccount.Password.Reveal(), json.ToJsonString());
    }

    [Theory]
    [InlineData("/compute/v2.1/flavors/detail")]
    [InlineData("/placement/resource_providers")]
    [InlineData("/image/v2/images")]
    [InlineData("/network/v2.0/ports")]
    public async Task Every_service_answers_a_missing_token_with_Keystones_401(string path)
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();

        var (status, json, response) = await SendAsync(http, cloud, HttpMethod.Get, path, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The request you have made requires authentication.", json!["error"]!["message"]!.GetValue<string>());
        Assert.StartsWith("Keystone uri=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty(), new EmbeddedCloudOptions { Time = time, TokenLifetime = TimeSpan.FromMinutes(10) });
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: false);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, cloud, HttpMethod.Get, "/image/v2/images", token)).Status);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, cloud, HttpMethod.Get, "/image/v2/images", token)).Status);
    }

    [Fact]
    public async Task The_token_expiry_fault_kills_tokens_early_although_they_promise_an_hour()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var faults = FaultPlan.Parse(["token-expiry=30s"]);
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty(), new EmbeddedCloudOptions { Time = time, Faults = faults });
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: false);

        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, cloud, HttpMethod.Get, "/image/v2/images", token)).Status);
        Assert.True(cloud.Identity.Validate(token) is null);
    }

    [Theory]
    [InlineData("POST", "/compute/v2.1/flavors", """{"flavor": {"name": "f", "ram": 64, "vcpus": 1, "disk": 1}}""", "os_compute_api:os-flavor-manage:create")]
    [InlineData("POST", "/compute/v2.1/os-aggregates", """{"aggregate": {"name": "a"}}""", "os_compute_api:os-aggregates:create")]
    [InlineData("GET", "/compute/v2.1/os-hypervisors/detail", null, "os_compute_api:os-hypervisors:list-detail")]
    [InlineData("GET", "/compute/v2.1/os-services", null, "os_compute_api:os-services:list")]
    [InlineData("GET", "/compute/v2.1/servers/detail?all_tenants=1", null, "os_compute_api:servers:index:get_all_tenants")]
    public async Task Members_get_Novas_policy_403_for_admin_work(string method, string path, string? body, string rule)
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: false);

        var (status, json, _) = await SendAsync(http, cloud, new HttpMethod(method), path, token, body, "compute 2.88");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal($"Policy doesn't allow {rule} to be performed.", json!["forbidden"]!["message"]!.GetValue<string>());
        Assert.Equal(403, json["forbidden"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Members_get_Placements_403_with_its_error_list()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: false);

        var (status, json, _) = await SendAsync(http, cloud, HttpMethod.Get, "/placement/resource_providers", token, microversion: "placement 1.39");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        var error = Assert.Single(json!["errors"]!.AsArray())!;
        Assert.Equal(403, error["status"]!.GetValue<int>());
        Assert.Contains("placement:resource_providers:list", error["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("compute 2.94", 406)]
    [InlineData("compute 2.0", 406)]
    [InlineData("compute two", 400)]
    public async Task Nova_refuses_microversions_it_does_not_have(string header, int expected)
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: true);

        var (status, json, response) = await SendAsync(http, cloud, HttpMethod.Get, "/compute/v2.1/os-aggregates", token, microversion: header);

        Assert.Equal(expected, (int)status);
        if (expected == 406)
        {
            Assert.Equal("Version " + header.Split(' ')[1] + " is not supported by the API. Minimum is 2.1 and maximum is 2.93.", json!["computeFault"]!["message"]!.GetValue<string>());
            Assert.Equal(header, response.Headers.GetValues("OpenStack-API-Version").Single());
        }
        Assert.True(response.Headers.Contains("x-compute-request-id"));
    }

    [Fact]
    public async Task The_compute_version_document_needs_no_token_and_offers_2_1_to_2_93()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();

        var (status, json, _) = await SendAsync(http, cloud, HttpMethod.Get, "/compute/v2.1", token: null);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("2.1", "2.93"), (json!["version"]!["min_version"]!.GetValue<string>(), json["version"]!["version"]!.GetValue<string>()));
        Assert.StartsWith(cloud.BaseUrl.AbsoluteUri.TrimEnd('/') + "/compute/v2.1", json["version"]!["links"]![0]!["href"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_answer_in_the_services_own_error_shape()
    {
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty());
        using var http = new HttpClient();
        var token = await TokenAsync(http, cloud, admin: true);

        var nova = await SendAsync(http, cloud, HttpMethod.Get, "/compute/v2.1/no-such-thing", token, microversion: "compute 2.88");
        var neutron = await SendAsync(http, cloud, HttpMethod.Get, "/network/v2.0/ports/nope", token);

        Assert.Equal(404, nova.Body!["itemNotFound"]!["code"]!.GetValue<int>());
        Assert.Equal("PortNotFound", neutron.Body!["NeutronError"]!["type"]!.GetValue<string>());
    }
}
