using System.Net;
using Smog.Nova;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Compute;

/// <summary>Negotiating the compute microversion with a server (the type itself: Smog.Tests.Nova.MicroversionTests).</summary>
public class MicroversionNegotiationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    public static TheoryData<string, string?, string> RequestedRows => new()
    {
        // description, compute_api_version, effective against a 2.1–2.93 server
        { "no preference: Smog's highest", null, "2.88" },
        { "2 means no preference", "2", "2.88" },
        { "2.1 means no preference", "2.1", "2.88" },
        { "a configured minor is the request", "2.79", "2.79" },
        { "a request above the server is capped", "2.99", "2.93" },
    };

    [Theory]
    [MemberData(nameof(RequestedRows))]
    public async Task Negotiates_min_of_wanted_and_server_max(string description, string? configured, string effective)
    {
        _ = description;
        var time = Clock();
        var server = WithNova(time).On(HttpMethod.Get, "/v2.1/flavors/detail", FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}"""));
        var config = CloudConfig() with
        {
            ServiceSettings = configured is null
                ? System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty
                : System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("compute_api_version", configured),
        };
        using var cloud = FakeCloud.Cloud(server, time, config);

        var nova = await cloud.ComputeAsync(Ct);
        await nova.Flavors.ListAsync(false, Ct);

        Assert.Equal(effective, nova.Microversion.ToString());
        var call = Assert.Single(server.To("/v2.1/flavors/detail"));
        Assert.Equal($"compute {effective}", call.Header("OpenStack-API-Version"));
        Assert.Equal(effective, call.Header("X-OpenStack-Nova-API-Version"));
        // Version discovery is unauthenticated.
        Assert.Null(Assert.Single(server.To("/v2.1")).Header("X-Auth-Token"));
    }

    [Fact]
    public async Task An_older_cloud_gets_its_max_and_features_above_it_are_refused_with_both_numbers()
    {
        var time = Clock();
        var server = WithNova(time, """{"version": {"id": "v2.1", "status": "CURRENT", "version": "2.60", "min_version": "2.1"}}""");
        using var cloud = FakeCloud.Cloud(server, time);

        var nova = await cloud.ComputeAsync(Ct);
        var error = await Assert.ThrowsAsync<OpenStackClientException>(() => nova.Servers.TopologyAsync("s1", Ct));

        Assert.Equal("2.60", nova.Microversion.ToString());
        Assert.Equal("nova at 2.60 (cloud supports up to 2.60); server topology needs 2.78", error.Message);
    }

    [Fact]
    public async Task A_server_whose_minimum_is_above_the_wanted_version_is_refused()
    {
        var time = Clock();
        var server = WithNova(time, """{"version": {"id": "v2.1", "status": "CURRENT", "version": "2.99", "min_version": "2.90"}}""");
        using var cloud = FakeCloud.Cloud(server, time);

        var error = await Assert.ThrowsAsync<OpenStackClientException>(() => cloud.ComputeAsync(Ct));

        Assert.Equal("nova supports microversions 2.90–2.99; Smog needs 2.88", error.Message);
    }

    [Fact]
    public async Task A_root_version_list_picks_the_current_entry()
    {
        var time = Clock();
        var server = WithNova(time, """
            {"versions": [{"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": ""},
                          {"id": "v2.1", "status": "CURRENT", "version": "2.93", "min_version": "2.1"}]}
            """);
        using var cloud = FakeCloud.Cloud(server, time);

        Assert.Equal("2.88", (await cloud.ComputeAsync(Ct)).Microversion.ToString());
    }

    [Theory]
    [InlineData("compute 2.88", false)]
    [InlineData("compute 2.60", true)]
    [InlineData(null, true)]
    public async Task A_missing_or_different_microversion_echo_is_a_warning(string? echo, bool warned)
    {
        var time = Clock();
        var logs = new CollectingLoggerFactory();
        var headers = echo is null ? Array.Empty<(string, string)>() : [("OpenStack-API-Version", echo)];
        var server = WithNova(time).On(HttpMethod.Get, "/v2.1/flavors/detail", FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}""", headers));
        using var cloud = FakeCloud.Cloud(server, time, logs: logs);

        await (await cloud.ComputeAsync(Ct)).Flavors.ListAsync(false, Ct);

        Assert.Equal(warned, logs.Lines.Any(l => l.StartsWith("Warning: nova /v2.1/flavors/detail: sent microversion 2.88", StringComparison.Ordinal)));
    }

    [Fact]
    public void Placement_spells_the_max_max_version()
    {
        var range = VersionDiscovery.Range("placement", new VersionInfo { Id = "v1.0", MaxVersion = "1.39", MinVersion = "1.0", Status = "CURRENT" });
        Assert.Equal(new VersionRange(new(1, 0), new(1, 39)), range);
    }

    [Fact]
    public void A_version_without_microversions_is_refused() =>
        Assert.Throws<OpenStackClientException>(() => VersionDiscovery.Range("nova", new VersionInfo { Id = "v2.0", Version = "", MinVersion = "" }));
}
