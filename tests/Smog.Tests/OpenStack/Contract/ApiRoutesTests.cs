using System.Net;
using Smog.OpenStack.Contract;
using Smog.OpenStack.Http;

namespace Smog.Tests.OpenStack.Contract;

public class ApiRoutesTests
{
    public static TheoryData<string, string, string, string?> FindRows => new()
    {
        // service, method, wire path, operation found (null: none)
        { "nova", "GET", "/v2.1/flavors/detail?is_public=None", "list flavors" },
        { "nova", "GET", "/v2.1/flavors/f1", "show flavor" },
        { "nova", "GET", "/v2.1/flavors/f1/os-extra_specs/hw%3Amem_page_size", "show extra spec" },
        { "nova", "DELETE", "/v2.1/flavors/f1/os-extra_specs/hw%3Amem_page_size", "unset extra spec" },
        { "nova", "GET", "/v2.1/os-hypervisors/detail", "list hypervisors" },
        { "nova", "GET", "/v2.1/os-hypervisors/h-uuid", "show hypervisor" },
        { "nova", "GET", "/v2.1", "show compute version" },
        { "placement", "GET", "/", "show placement versions" },
        { "placement", "GET", "/traits?name=startswith%3ACUSTOM_", "list traits" },
        { "glance", "PUT", "/v2/images/i1/file", "upload image data" },
        { "keystone", "POST", "/v3/auth/tokens", "issue token" },
        { "nova", "PATCH", "/v2.1/flavors/f1", null },
        { "nova", "GET", "/v2.1/flavors/f1/unknown", null },
        { "nova", "GET", "/compute/v2.1/flavors/f1", null },
    };

    [Theory]
    [MemberData(nameof(FindRows))]
    public void Find_prefers_a_literal_segment_to_a_parameter(string service, string method, string path, string? operation) =>
        Assert.Equal(operation, ApiRoutes.Find(service, new HttpMethod(method), path)?.Operation);

    [Fact]
    public void Fill_escapes_each_value_as_one_segment()
    {
        Assert.Equal("/flavors/a%2Fb/os-extra_specs/hw%3Acpu_policy", ApiRoutes.Nova.ShowExtraSpec.Fill("a/b", "hw:cpu_policy"));
        Assert.Throws<ArgumentException>(() => ApiRoutes.Nova.ShowExtraSpec.Fill("only-one"));
        Assert.Throws<ArgumentException>(() => ApiRoutes.Nova.ShowFlavor.Fill("f1", "extra"));
    }

    public static TheoryData<string, int> StatusRows => new()
    {
        // operation, the one success status the real API answers with
        { "create flavor", 200 },
        { "delete flavor", 202 },
        { "unset extra spec", 200 },
        { "delete aggregate", 200 },
        { "create server", 202 },
        { "delete server", 204 },
        { "create image", 201 },
        { "upload image data", 204 },
        { "create port", 201 },
        { "delete port", 204 },
        { "issue token", 201 },
        { "create application credential", 201 },
    };

    [Theory]
    [MemberData(nameof(StatusRows))]
    public void Each_operation_expects_the_status_the_api_answers_with(string operation, int status) =>
        Assert.Equal([status], ApiRoutes.All.Single(r => r.Operation == operation).Expected);

    [Fact]
    public void Every_route_expects_a_success_status_and_names_its_operation_once()
    {
        Assert.All(ApiRoutes.All, r => Assert.All(r.Expected, s => Assert.InRange(s, 200, 299)));
        Assert.Equal(ApiRoutes.All.Length, ApiRoutes.All.Select(r => r.Operation).Distinct().Count());
        Assert.Equal(["keystone", "nova", "placement", "glance", "neutron"], ApiRoutes.All.Select(r => r.Service).Distinct());
    }

    [Fact]
    public void Only_routes_without_a_response_body_lack_response_metadata() =>
        Assert.All(ApiRoutes.All.Where(r => r.ResponseType is null), r => Assert.True(
            r.Method == HttpMethod.Delete || r.Operation is "upload image data" or "server action", $"{r} has no response DTO"));

    [Fact]
    public void An_unexpected_success_status_names_the_operation_and_the_request()
    {
        var error = Assert.Throws<UnexpectedStatusException>(() => ApiRoutes.Nova.CreateFlavor.EnsureExpected((int)HttpStatusCode.Accepted, "req-7"));
        Assert.Equal("create flavor: expected 200, got 202 (request req-7)", error.Message);
        Assert.Equal(202, error.Status);
        Assert.Equal("req-7", error.RequestId);
    }
}
