using System.Net;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Http;

/// <summary>The one send path: expected statuses per operation, request ids on results and errors, readable bodies.</summary>
public class ApiConnectionTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly (string, string)[] RequestId = [("x-openstack-request-id", "req-42"), ("x-compute-request-id", "req-42")];

    private const string FlavorJson = """{"flavor": {"id": "f1", "name": "smog", "ram": 64, "vcpus": 1, "disk": 0}}""";
    private static readonly FlavorCreate NewFlavor = new() { Name = "smog", RamMiB = 64, Vcpus = 1, DiskGiB = 0 };

    private static async Task<NovaClient> Nova(Action<FakeOpenStack> routes)
    {
        var time = Clock();
        var server = WithNova(time);
        routes(server);
        return await FakeCloud.Cloud(server, time).ComputeAsync(Ct);
    }

    [Fact]
    public async Task A_success_status_the_operation_does_not_answer_with_is_an_error_naming_it()
    {
        // Given a cloud that answers flavor create with 202 (Nova answers 200)
        var nova = await Nova(s => s.On(HttpMethod.Post, "/v2.1/flavors", FakeOpenStack.Json(HttpStatusCode.Accepted, FlavorJson, RequestId)));

        // When the flavor is created
        var error = await Assert.ThrowsAsync<UnexpectedStatusException>(() => nova.Flavors.CreateAsync(NewFlavor, Ct));

        // Then the error names the operation, both statuses and the request
        Assert.Equal("create flavor: expected 200, got 202 (request req-42)", error.Message);
        Assert.Equal("create flavor", error.Operation);
    }

    [Fact]
    public async Task A_delete_answered_with_another_success_status_is_an_error_too()
    {
        var nova = await Nova(s => s.On(HttpMethod.Delete, "/v2.1/servers/s1", FakeOpenStack.Status(HttpStatusCode.OK, RequestId)));
        var error = await Assert.ThrowsAsync<UnexpectedStatusException>(() => nova.Servers.DeleteAsync("s1", Ct));
        Assert.Equal("delete server: expected 204, got 200 (request req-42)", error.Message);
    }

    [Fact]
    public async Task Records_lists_maps_and_receipts_carry_the_request_id()
    {
        var nova = await Nova(s => s
            .On(HttpMethod.Post, "/v2.1/flavors", FakeOpenStack.Json(HttpStatusCode.OK, FlavorJson, ("x-openstack-request-id", "req-create")))
            .On(HttpMethod.Get, "/v2.1/flavors/detail", FakeOpenStack.Json(HttpStatusCode.OK, """{"flavors": []}""", ("x-openstack-request-id", "req-list")))
            .On(HttpMethod.Get, "/v2.1/flavors/f1/os-extra_specs", FakeOpenStack.Json(HttpStatusCode.OK, """{"extra_specs": {"a": "b"}}""", ("x-compute-request-id", "req-specs")))
            .On(HttpMethod.Delete, "/v2.1/flavors/f1", FakeOpenStack.Status(HttpStatusCode.Accepted, ("x-openstack-request-id", "req-delete"))));

        Assert.Equal("req-create", (await nova.Flavors.CreateAsync(NewFlavor, Ct)).RequestId);
        Assert.Equal("req-list", (await nova.Flavors.ListAsync(false, Ct)).RequestId);
        Assert.Equal("req-specs", (await nova.Flavors.ListExtraSpecsAsync("f1", Ct)).RequestId);
        Assert.Equal(new ApiReceipt(202, "req-delete"), await nova.Flavors.DeleteAsync("f1", Ct));
    }

    [Fact]
    public async Task An_answer_without_a_request_id_has_none()
    {
        var nova = await Nova(s => s.On(HttpMethod.Get, "/v2.1/flavors/f1", FakeOpenStack.Json(HttpStatusCode.OK, FlavorJson)));
        Assert.Null((await nova.Flavors.ShowAsync("f1", Ct)).RequestId);
    }

    [Fact]
    public async Task Errors_carry_the_request_id_and_the_operation()
    {
        var nova = await Nova(s => s.On(HttpMethod.Post, "/v2.1/os-aggregates", FakeOpenStack.Json(HttpStatusCode.Conflict,
            """{"conflictingRequest": {"code": 409, "message": "Aggregate smog already exists."}}""", RequestId)));

        var error = await Assert.ThrowsAsync<OpenStackConflictException>(() => nova.Aggregates.CreateAsync("smog", null, Ct));

        Assert.Equal("req-42", error.RequestId);
        Assert.Equal("create aggregate: nova POST /os-aggregates: 409 conflictingRequest: Aggregate smog already exists. (request req-42)", error.Message);
    }

    [Fact]
    public async Task A_body_that_does_not_read_as_the_operations_DTO_names_the_operation_and_request()
    {
        var nova = await Nova(s => s.On(HttpMethod.Get, "/v2.1/flavors/f1", FakeOpenStack.Json(HttpStatusCode.OK, """{"flavor": {"id": 7}}""", RequestId)));

        var error = await Assert.ThrowsAsync<UnreadableResponseException>(() => nova.Flavors.ShowAsync("f1", Ct));

        Assert.StartsWith("show flavor: response does not match FlavorEnvelope`1: ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(request req-42)", error.Message, StringComparison.Ordinal);
        Assert.Equal("req-42", error.RequestId);
    }

    [Fact]
    public async Task No_hypervisor_matching_is_an_empty_list_with_the_404s_request_id()
    {
        var nova = await Nova(s => s.On(HttpMethod.Get, "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=nope", FakeOpenStack.Json(HttpStatusCode.NotFound,
            """{"itemNotFound": {"code": 404, "message": "No hypervisor matching 'nope' could be found."}}""", RequestId)));

        var none = await nova.Hypervisors.ListAsync("nope", withServers: false, Ct);

        Assert.Empty(none);
        Assert.Equal("req-42", none.RequestId);
    }

    public static TheoryData<int, Type> ErrorStatusRows => new()
    {
        { 400, typeof(OpenStackBadRequestException) },
        { 409, typeof(OpenStackConflictException) },
        { 413, typeof(OpenStackOverLimitException) },
        { 429, typeof(OpenStackRateLimitedException) },
        { 500, typeof(OpenStackServerFaultException) },
    };

    [Theory]
    [MemberData(nameof(ErrorStatusRows))]
    public async Task Each_error_status_reaches_the_caller_as_its_exception_type(int status, Type type)
    {
        // POST is not retried on a status, so the first answer is the one the caller sees.
        var nova = await Nova(s => s.On(HttpMethod.Post, "/v2.1/flavors", FakeOpenStack.Json((HttpStatusCode)status,
            """{"someFault": {"code": 0, "message": "refused"}}""", RequestId)));

        var error = await Assert.ThrowsAnyAsync<OpenStackApiException>(() => nova.Flavors.CreateAsync(NewFlavor, Ct));

        Assert.IsType(type, error, exactMatch: true);
        Assert.Equal("req-42", error.RequestId);
    }
}
