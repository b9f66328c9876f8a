using System.Net;
using System.Text.Json.Nodes;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Identity;

public class KeystoneSessionTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authenticates_once_with_the_password_body_and_reuses_the_token()
    {
        var time = Clock();
        var server = WithNova(time);
        using var cloud = FakeCloud.Cloud(server, time);

        var first = await cloud.Session.TokenAsync(Ct);
        var second = await cloud.Session.TokenAsync(Ct);

        Assert.Same(first, second);
        var post = Assert.Single(server.To(TokenUrl));
        Assert.Equal("http://keystone:5000/v3/auth/tokens", post.Uri.AbsoluteUri);
        var body = JsonNode.Parse(post.Body!)!;
        Assert.Equal(Password, (string?)body["auth"]!["identity"]!["password"]!["user"]!["password"]);
        Assert.Equal("numa", (string?)body["auth"]!["scope"]!["project"]!["name"]);
        Assert.True(first!.IsAdmin);
        Assert.Equal("tok-1", first.Value.Reveal());
    }

    [Fact]
    public async Task Re_authenticates_when_the_token_expires_within_two_minutes()
    {
        var time = Clock();
        var server = new FakeOpenStack(time).On(HttpMethod.Post, TokenUrl,
            Token("tok-1", TimeSpan.FromMinutes(10), time), Token("tok-2", TimeSpan.FromMinutes(10), time));
        using var cloud = FakeCloud.Cloud(server, time);

        Assert.Equal("tok-1", (await cloud.Session.TokenAsync(Ct))!.Value.Reveal());
        time.Advance(TimeSpan.FromMinutes(7)); // 3 minutes left: still fine
        Assert.Equal("tok-1", (await cloud.Session.TokenAsync(Ct))!.Value.Reveal());
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // 119 s left: refresh
        Assert.Equal("tok-2", (await cloud.Session.TokenAsync(Ct))!.Value.Reveal());
        Assert.Equal(2, cloud.Session.Authentications);
    }

    [Fact]
    public async Task A_401_from_a_service_re_authenticates_and_retries_once()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time), Token("tok-2", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Get, "/v2.1", FakeOpenStack.Json(HttpStatusCode.OK, NovaVersion))
            .On(HttpMethod.Get, "/v2.1/flavors/detail", r => r.Header("X-Auth-Token") == "tok-2"
                ? FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}""")
                : FakeOpenStack.Json(HttpStatusCode.Unauthorized, """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"""));
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);

        var flavors = await nova.Flavors.ListAsync(false, Ct);

        Assert.Empty(flavors);
        Assert.Equal(["tok-1", "tok-2"], server.To("/v2.1/flavors/detail").Select(r => r.Header("X-Auth-Token")));
        Assert.Equal(2, cloud.Session.Authentications);
    }

    [Fact]
    public async Task A_second_401_is_final()
    {
        var time = Clock();
        var server = WithNova(time).On(HttpMethod.Get, "/v2.1/flavors/detail",
            FakeOpenStack.Json(HttpStatusCode.Unauthorized, """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
                ("x-openstack-request-id", "req-401")));
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);

        var error = await Assert.ThrowsAsync<OpenStackUnauthorizedException>(() => nova.Flavors.ListAsync(false, Ct));

        Assert.Equal(2, server.To("/v2.1/flavors/detail").Count());
        Assert.Equal("list flavors: nova GET /flavors/detail: 401 Unauthorized: The request you have made requires authentication. (request req-401)", error.Message);
    }

    [Fact]
    public async Task Bad_credentials_give_keystones_message_and_never_the_password()
    {
        var time = Clock();
        var logs = new CollectingLoggerFactory();
        var server = new FakeOpenStack(time).On(HttpMethod.Post, TokenUrl, FakeOpenStack.Json(HttpStatusCode.Unauthorized,
            """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
            ("x-openstack-request-id", "req-k1")));
        using var cloud = FakeCloud.Cloud(server, time, logs: logs);

        var error = await Assert.ThrowsAsync<OpenStackUnauthorizedException>(() => cloud.Session.TokenAsync(Ct));

        Assert.Equal("issue token: keystone POST /v3/auth/tokens: 401 Unauthorized: The request you have made requires authentication. (request req-k1)", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.DoesNotContain(Password, error.Error.ToString());
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_and_passwords_never_reach_logs_or_printed_objects()
    {
        var time = Clock();
        var logs = new CollectingLoggerFactory();
        var server = WithNova(time)
            .On(HttpMethod.Get, "/v2.1/flavors/detail", FakeOpenStack.Status(HttpStatusCode.ServiceUnavailable), FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}"""))
            .On(HttpMethod.Get, "/v2.1/servers/x", FakeOpenStack.Json(HttpStatusCode.NotFound, """{"itemNotFound": {"code": 404, "message": "Instance x could not be found."}}"""));
        using var cloud = FakeCloud.Cloud(server, time, logs: logs);
        var nova = await cloud.ComputeAsync(Ct);

        await Clock.Run(time, nova.Flavors.ListAsync(false, Ct));
        var notFound = await Assert.ThrowsAsync<OpenStackNotFoundException>(() => nova.Servers.ShowAsync("x", Ct));
        var token = await cloud.Session.TokenAsync(Ct);

        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { Password, "tok-1" })
        {
            Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, notFound.ToString());
            Assert.DoesNotContain(secret, token!.ToString());
            Assert.DoesNotContain(secret, cloud.Config.ToString());
        }
    }

    [Fact]
    public async Task A_token_auth_posts_the_token_in_body_and_header()
    {
        var time = Clock();
        var server = new FakeOpenStack(time).On(HttpMethod.Post, TokenUrl, Token("tok-new", TimeSpan.FromHours(1), time));
        var config = CloudConfig(AuthType.Token) with
        {
            Auth = new AuthSettings { AuthUrl = "http://keystone:5000", Token = new Smog.OpenStack.Identity.Secret("tok-old"), ProjectId = "p1" },
        };
        using var cloud = FakeCloud.Cloud(server, time, config);

        await cloud.Session.TokenAsync(Ct);

        var post = Assert.Single(server.Seen);
        Assert.Equal("tok-old", post.Header("X-Auth-Token"));
        Assert.Equal("""{"auth":{"identity":{"methods":["token"],"token":{"id":"tok-old"}},"scope":{"project":{"id":"p1"}}}}""", post.Body);
    }

    [Fact]
    public async Task Endpoints_come_from_the_catalog_with_interface_and_region_or_an_override()
    {
        var time = Clock();
        var server = WithNova(time);
        using var internalCloud = FakeCloud.Cloud(server, time, CloudConfig() with { Interface = "internal" });
        using var overridden = FakeCloud.Cloud(server, time, CloudConfig() with
        {
            ServiceSettings = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("compute_endpoint_override", "http://elsewhere:8774/v2.1"),
        });

        Assert.Equal("http://nova-int:8774/v2.1", (await internalCloud.Session.EndpointAsync("compute", Ct)).AbsoluteUri);
        Assert.Equal("http://elsewhere:8774/v2.1", (await overridden.Session.EndpointAsync("compute", Ct)).AbsoluteUri);
    }
}
