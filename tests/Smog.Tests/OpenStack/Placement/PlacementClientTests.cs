using System.Net;
using Smog.OpenStack.Placement;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Placement;

public class PlacementClientTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<(PlacementClient Client, FakeOpenStack Server)> Connect(string maxVersion, Action<FakeOpenStack> routes)
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Get, "/", FakeOpenStack.Json(HttpStatusCode.OK,
                "{\"versions\": [{\"id\": \"v1.0\", \"max_version\": \"" + maxVersion + "\", \"min_version\": \"1.0\", \"status\": \"CURRENT\", \"links\": [{\"rel\": \"self\", \"href\": \"\"}]}]}"));
        routes(server);
        var cloud = FakeCloud.Cloud(server, time);
        return (await cloud.PlacementAsync(Ct), server);
    }

    [Theory]
    [InlineData("1.39", "placement 1.39")]
    [InlineData("1.36", "placement 1.36")]
    public async Task Sends_the_negotiated_placement_microversion(string serverMax, string header)
    {
        var (placement, server) = await Connect(serverMax, s => s.On(HttpMethod.Get, "/resource_providers?name=vm", FakeOpenStack.Json(HttpStatusCode.OK,
            """{"resource_providers": [{"uuid": "rp1", "name": "vm", "generation": 3, "parent_provider_uuid": null, "root_provider_uuid": "rp1", "links": []}]}""")));

        var provider = Assert.Single(await placement.ListProvidersAsync("vm", Ct));

        Assert.Equal("rp1", provider.Uuid);
        Assert.Equal(header, Assert.Single(server.To("/resource_providers?name=vm")).Header("OpenStack-API-Version"));
        Assert.Null(server.To("/resource_providers?name=vm").Single().Header("X-OpenStack-Nova-API-Version"));
    }

    [Fact]
    public async Task Inventory_capacity_is_total_minus_reserved_times_ratio()
    {
        var (placement, _) = await Connect("1.39", s => s.On(HttpMethod.Get, "/resource_providers/rp1/inventories", FakeOpenStack.Json(HttpStatusCode.OK,
            """{"inventories": {"PCPU": {"total": 4, "reserved": 1, "min_unit": 1, "max_unit": 4, "step_size": 1, "allocation_ratio": 1.0}, "VCPU": {"total": 2, "reserved": 0, "min_unit": 1, "max_unit": 2, "step_size": 1, "allocation_ratio": 16.0}}, "resource_provider_generation": 5}""")));

        var inventories = await placement.InventoriesAsync("rp1", Ct);

        Assert.Equal(3.0, inventories.ByResourceClass["PCPU"].Capacity);
        Assert.Equal(32.0, inventories.ByResourceClass["VCPU"].Capacity);
    }

    [Fact]
    public async Task Consumer_allocations_sum_per_class_and_an_unknown_consumer_has_none()
    {
        var (placement, _) = await Connect("1.39", s => s
            .On(HttpMethod.Get, "/allocations/s1", FakeOpenStack.Json(HttpStatusCode.OK,
                """{"allocations": {"rp1": {"generation": 6, "resources": {"PCPU": 1, "MEMORY_MB": 256, "DISK_GB": 1}}}, "consumer_generation": 1, "project_id": "p1", "user_id": "u1", "consumer_type": "INSTANCE"}"""))
            .On(HttpMethod.Get, "/allocations/gone", FakeOpenStack.Json(HttpStatusCode.OK, """{"allocations": {}}""")));

        Assert.Equal(1, (await placement.ConsumerAllocationsAsync("s1", Ct)).Total("PCPU"));
        Assert.Equal(0, (await placement.ConsumerAllocationsAsync("gone", Ct)).Total("PCPU"));
    }

    [Fact]
    public async Task Placement_errors_carry_the_detail_and_request_id()
    {
        var (placement, _) = await Connect("1.39", s => s.On(HttpMethod.Get, "/resource_providers/nope/traits", FakeOpenStack.Json(HttpStatusCode.NotFound,
            """{"errors": [{"status": 404, "title": "Not Found", "detail": "No resource provider with uuid nope found", "code": "placement.undefined_code", "request_id": "req-p1"}]}""",
            ("openstack-request-id", "req-p1"))));

        var error = await Assert.ThrowsAsync<Smog.OpenStack.Http.OpenStackNotFoundException>(() => placement.ProviderTraitsAsync("nope", Ct));

        Assert.Equal("show provider traits: placement GET /resource_providers/nope/traits: 404 placement.undefined_code: No resource provider with uuid nope found (request req-p1)", error.Message);
    }
}
