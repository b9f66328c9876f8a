using System.Net;
using System.Text.Json.Nodes;
using Smog.OpenStack;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Http;

public class ExchangeRecorderTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public void Sanitizer_redacts_secret_keys_and_known_values()
    {
        var exchange = JsonNode.Parse("""
            {"request_body": {"auth": {"identity": {"methods": ["password", "token"],
               "password": {"user": {"name": "op", "password": "pw1"}}, "token": {"id": "tok-abc"}},
               "application_credential": {"id": "ac", "secret": "s3cret"}}},
             "response_body": {"server": {"id": "s1", "adminPass": "hunter2", "note": "contains tok-abc inside"}}}
            """)!;

        var clean = ExchangeSanitizer.Sanitize(exchange, ["tok-abc"]).ToJsonString(ExchangeSanitizer.Output);

        Assert.Equal(
            """{"request_body":{"auth":{"identity":{"methods":["password","token"],"password":{"user":{"name":"op","password":"<redacted>"}},"token":{"id":"<redacted>"}},"application_credential":{"id":"ac","secret":"<redacted>"}}},"response_body":{"server":{"id":"s1","adminPass":"<redacted>","note":"contains <redacted> inside"}}}""",
            clean);
        Assert.Empty(ExchangeSanitizer.Leaks(clean, ["tok-abc", "pw1"]));
        Assert.NotEmpty(ExchangeSanitizer.Leaks(exchange.ToJsonString(), []));
    }

    [Fact]
    public async Task Records_each_exchange_sanitised_with_microversion_and_request_id()
    {
        var time = Clock();
        var server = WithNova(time).On(HttpMethod.Get, "/v2.1/flavors/detail",
            FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}""", ("x-openstack-request-id", "req-9")));
        var file = Path.Combine(Path.GetTempPath(), $"smog-rec-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var cloud = new OpenStackCloud(CloudConfig(), new OpenStackClientOptions { PrimaryHandler = server, Time = time, RecordExchangesTo = file }))
            {
                var nova = await cloud.ComputeAsync(Ct);
                await nova.Flavors.ListAsync(false, Ct);
            }

            var lines = File.ReadAllLines(file);
            Assert.Equal(3, lines.Length); // token, version document, flavors
            Assert.All(lines, l => Assert.Empty(ExchangeSanitizer.Leaks(l, [Password, "tok-1"])));
            var token = JsonNode.Parse(lines[0])!;
            Assert.Equal("keystone", (string?)token["service"]);
            Assert.Equal("<redacted>", (string?)token["request_body"]!["auth"]!["identity"]!["password"]!["user"]!["password"]);
            var flavors = JsonNode.Parse(lines[2])!;
            Assert.Equal("nova", (string?)flavors["service"]);
            Assert.Equal("/v2.1/flavors/detail", (string?)flavors["path"]);
            Assert.Equal("compute 2.88", (string?)flavors["microversion"]);
            Assert.Equal(200, (int)flavors["status"]!);
            Assert.Equal("req-9", (string?)flavors["request_id"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
