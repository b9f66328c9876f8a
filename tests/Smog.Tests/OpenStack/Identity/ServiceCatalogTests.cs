using Smog.OpenStack.Http;
using Smog.OpenStack.Identity;

namespace Smog.Tests.OpenStack.Identity;

public class ServiceCatalogTests
{
    private static CatalogEndpoint E(string iface, string? regionId, string? region, string? url) =>
        new() { Interface = iface, RegionId = regionId, Region = region, Url = url };

    private static readonly ServiceCatalog Catalog = new(
    [
        new CatalogService { Type = "identity", Endpoints = [E("public", "RegionOne", "RegionOne", "http://k/v3")] },
        new CatalogService
        {
            Type = "compute",
            Endpoints =
            [
                E("admin", "RegionOne", "RegionOne", "http://admin1/v2.1"),
                E("public", "RegionTwo", "RegionTwo", "http://public2/v2.1"),
                E("public", "RegionOne", "RegionOne", ""),
                E("public", "RegionOne", "RegionOne", "http://public1/v2.1"),
                E("internalURL", null, "RegionOne", "http://internal1-legacy/v2.1"),
            ],
        },
    ]);

    public static TheoryData<string, string[], string?, string> Rows => new()
    {
        // description, interface preference, region, expected URL
        { "public in the region, skipping an empty url", ["public"], "RegionOne", "http://public1/v2.1" },
        { "another region", ["public"], "RegionTwo", "http://public2/v2.1" },
        { "no region: first endpoint of the interface in any region", ["public"], null, "http://public2/v2.1" },
        { "legacy internalURL and a region only in 'region'", ["internal"], "RegionOne", "http://internal1-legacy/v2.1" },
        { "first interface in the preference list that has endpoints", ["internal", "public"], "RegionTwo", "http://public2/v2.1" },
        { "admin", ["admin"], "RegionOne", "http://admin1/v2.1" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Picks_interface_then_region_then_first_url(string description, string[] interfaces, string? region, string expected)
    {
        _ = description;
        Assert.Equal(expected, Catalog.Endpoint("compute", interfaces, region).AbsoluteUri);
    }

    [Fact]
    public void A_missing_endpoint_names_service_interface_region_and_what_exists()
    {
        var error = Assert.Throws<OpenStackClientException>(() => Catalog.Endpoint("compute", ["internal"], "RegionTwo"));
        Assert.Equal("no compute endpoint with interface internal in region RegionTwo: it offers admin@RegionOne, public@RegionTwo, public@RegionOne, public@RegionOne, internalURL@RegionOne", error.Message);
    }

    [Fact]
    public void A_missing_service_lists_the_catalog()
    {
        var error = Assert.Throws<OpenStackClientException>(() => Catalog.Endpoint("placement", ["public"], null));
        Assert.Equal("no placement endpoint with interface public in region (any): no such service; the catalog has compute, identity", error.Message);
    }
}
