using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Smog.OpenStack;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.OpenStack.Identity;

namespace Smog.Tests.OpenStack;

/// <summary>Canned Keystone answers and a cloud wired to a <see cref="FakeOpenStack"/> on a fake clock.</summary>
internal static class FakeCloud
{
    public const string Password = "pw-Very-Secret-42";
    public const string TokenUrl = "/v3/auth/tokens";
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static CloudConfig CloudConfig(AuthType type = AuthType.Password) => new()
    {
        Name = "fake",
        AuthType = type,
        Auth = new AuthSettings
        {
            AuthUrl = "http://keystone:5000/v3",
            Username = "operator",
            UserDomainName = "Default",
            Password = new Secret(Password),
            ProjectName = "numa",
            ProjectDomainName = "Default",
        },
        RegionName = "RegionOne",
    };

    public static string TokenBody(DateTimeOffset expires, params string[] roles) => """
        {"token": {
          "methods": ["password"], "expires_at": "__EXPIRES__", "issued_at": "__ISSUED__",
          "user": {"id": "u1", "name": "operator", "domain": {"id": "default", "name": "Default"}},
          "project": {"id": "p1", "name": "numa", "domain": {"id": "default", "name": "Default"}},
          "roles": [__ROLES__],
          "audit_ids": ["a1"],
          "catalog": [
            {"type": "compute", "name": "nova", "id": "s1", "endpoints": [
              {"id": "e1", "interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://nova:8774/v2.1"},
              {"id": "e2", "interface": "internal", "region_id": "RegionOne", "region": "RegionOne", "url": "http://nova-int:8774/v2.1"}]},
            {"type": "placement", "name": "placement", "id": "s2", "endpoints": [
              {"id": "e3", "interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://placement:8778"}]},
            {"type": "image", "name": "glance", "id": "s3", "endpoints": [
              {"id": "e4", "interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://glance:9292"}]},
            {"type": "network", "name": "neutron", "id": "s4", "endpoints": [
              {"id": "e5", "interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://neutron:9696"}]}
          ]}}
        """.Replace("__EXPIRES__", Iso(expires)).Replace("__ISSUED__", Iso(Now))
        .Replace("__ROLES__", string.Join(",", roles.Select(r => "{\"id\": \"r-" + r + "\", \"name\": \"" + r + "\"}")));

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    public static Func<SeenRequest, HttpResponseMessage> Token(string value, TimeSpan lifetime, TimeProvider time, params string[] roles) =>
        _ => FakeOpenStack.Json(HttpStatusCode.Created, TokenBody(time.GetUtcNow() + lifetime, roles.Length == 0 ? ["admin"] : roles), ("X-Subject-Token", value));

    public const string NovaVersion = """
        {"version": {"id": "v2.1", "status": "CURRENT", "version": "2.93", "min_version": "2.1", "updated": "2013-07-23T11:33:21Z",
          "links": [{"rel": "self", "href": "http://nova:8774/v2.1/"}], "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}]}}
        """;

    public static FakeTimeProvider Clock() => new(Now);

    public static OpenStackCloud Cloud(FakeOpenStack server, FakeTimeProvider time, CloudConfig? config = null, CollectingLoggerFactory? logs = null, RetryPolicy? retry = null) =>
        new(config ?? CloudConfig(), new OpenStackClientOptions
        {
            PrimaryHandler = server,
            Time = time,
            Loggers = (Microsoft.Extensions.Logging.ILoggerFactory?)logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            Retry = retry ?? RetryPolicy.Default,
        });

    /// <summary>A server with Keystone (token "tok-1") and Nova's version document answered.</summary>
    public static FakeOpenStack WithNova(FakeTimeProvider time, string versionDoc = NovaVersion) => new FakeOpenStack(time)
        .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
        .On(HttpMethod.Get, "/v2.1", FakeOpenStack.Json(HttpStatusCode.OK, versionDoc));

    public static ImmutableDictionary<string, string> NoOptions => ImmutableDictionary<string, string>.Empty;
}
