using System.Net;
using Smog.OpenStack.Http;

namespace Smog.Tests.OpenStack.Http;

public class ErrorMapperTests
{
    public static TheoryData<string, int, string, string, string> ShapeRows => new()
    {
        // description, status, body, expected code, expected message
        { "Nova badRequest", 400, """{"badRequest": {"code": 400, "message": "Invalid input for field/attribute vcpus. Value: 0."}}""",
          "badRequest", "Invalid input for field/attribute vcpus. Value: 0." },
        { "Nova itemNotFound", 404, """{"itemNotFound": {"code": 404, "message": "Flavor smog-x could not be found."}}""",
          "itemNotFound", "Flavor smog-x could not be found." },
        { "Nova forbidden", 403, """{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."}}""",
          "forbidden", "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed." },
        { "Nova 406 computeFault", 406, """{"computeFault": {"code": 406, "message": "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93."}}""",
          "computeFault", "Version 2.99 is not supported by the API. Minimum is 2.1 and maximum is 2.93." },
        { "Keystone error", 401, """{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}""",
          "Unauthorized", "The request you have made requires authentication." },
        { "Placement errors", 404, """{"errors": [{"status": 404, "title": "Not Found", "detail": "The resource could not be found.\n\n No resource provider with uuid x found  ", "code": "placement.undefined_code", "request_id": "req-p"}]}""",
          "placement.undefined_code", "The resource could not be found. No resource provider with uuid x found" },
        { "Neutron error", 404, """{"NeutronError": {"type": "NetworkNotFound", "message": "Network n1 could not be found.", "detail": ""}}""",
          "NetworkNotFound", "Network n1 could not be found." },
        { "Glance JSON", 404, """{"message": "No image found with ID i1", "code": "404 Not Found", "title": "Not Found"}""",
          "Not Found", "No image found with ID i1" },
        { "Glance plain text", 404, "404 Not Found\n\nThe resource could not be found.\n\n   ",
          "Not Found", "404 Not Found The resource could not be found." },
        { "HTML page from a proxy", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>",
          "Bad Gateway", "502 Bad Gateway" },
        { "empty body", 503, "", "Service Unavailable", "Service Unavailable" },
    };

    [Theory]
    [MemberData(nameof(ShapeRows))]
    public void Reads_every_services_error_shape(string description, int status, string body, string code, string message)
    {
        _ = description;
        var reason = new HttpResponseMessage((HttpStatusCode)status).ReasonPhrase;

        var error = ErrorMapper.Map("svc", HttpMethod.Get, "/p", (HttpStatusCode)status, "req-1", body, reason);

        Assert.Equal(code, error.Error.Code);
        Assert.Equal(message, error.ServiceMessage);
        Assert.Equal(status, error.Status);
        Assert.Equal($"svc GET /p: {status} {code}: {message} (request req-1)", error.Message);
    }

    public static TheoryData<string, int, Type> TypeRows => new()
    {
        { "400 bad request", 400, typeof(OpenStackBadRequestException) },
        { "401 unauthorized", 401, typeof(OpenStackUnauthorizedException) },
        { "403 forbidden", 403, typeof(OpenStackForbiddenException) },
        { "404 not found", 404, typeof(OpenStackNotFoundException) },
        { "409 conflict", 409, typeof(OpenStackConflictException) },
        { "413 over limit", 413, typeof(OpenStackOverLimitException) },
        { "429 rate limited", 429, typeof(OpenStackRateLimitedException) },
        { "500 compute fault", 500, typeof(OpenStackServerFaultException) },
        { "502 from a proxy", 502, typeof(OpenStackServerFaultException) },
        { "503 unavailable", 503, typeof(OpenStackServerFaultException) },
        { "405 has no class of its own", 405, typeof(OpenStackApiException) },
        { "406 has no class of its own", 406, typeof(OpenStackApiException) },
    };

    [Theory]
    [MemberData(nameof(TypeRows))]
    public void Status_picks_the_exception_type(string description, int status, Type type)
    {
        _ = description;
        Assert.IsType(type, ErrorMapper.Map("svc", HttpMethod.Get, "/p", (HttpStatusCode)status, null, "", null), exactMatch: true);
    }

    [Fact]
    public void The_operation_leads_the_message_when_known()
    {
        var error = ErrorMapper.Map("nova", HttpMethod.Get, "/flavors/x", HttpStatusCode.NotFound, "req-9",
            """{"itemNotFound": {"code": 404, "message": "Flavor x could not be found."}}""", "Not Found", "show flavor");
        Assert.Equal("show flavor: nova GET /flavors/x: 404 itemNotFound: Flavor x could not be found. (request req-9)", error.Message);
        Assert.Equal("show flavor", error.Error.Operation);
    }

    [Fact]
    public void Forbidden_names_the_policy_rule()
    {
        var error = (OpenStackForbiddenException)ErrorMapper.Map("nova", HttpMethod.Post, "/flavors", HttpStatusCode.Forbidden, null,
            """{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."}}""", "Forbidden");
        Assert.Equal("os_compute_api:os-flavor-manage:create", error.PolicyRule);
    }

    [Theory]
    [InlineData("x-openstack-request-id", "req-a")]
    [InlineData("x-compute-request-id", "req-b")]
    [InlineData("openstack-request-id", "req-c")]
    public void Request_id_comes_from_any_of_the_services_headers(string header, string id)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound);
        response.Headers.TryAddWithoutValidation(header, id);
        Assert.Equal(id, ErrorMapper.RequestId(response));
    }
}
