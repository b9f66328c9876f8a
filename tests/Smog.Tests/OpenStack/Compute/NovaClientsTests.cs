using System.Net;
using System.Text.Json.Nodes;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Compute;

/// <summary>Each operation: the request it sends and what it makes of Nova's answer (Tempest's check_service_client_function).</summary>
public class NovaClientsTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private const string FlavorJson = """
        {"flavor": {"id": "f1", "name": "smog-pinned", "ram": 1024, "vcpus": 2, "disk": 1, "swap": 0,
          "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": false, "os-flavor-access:is_public": true,
          "rxtx_factor": 1.0, "description": null, "extra_specs": {"hw:cpu_policy": "dedicated"},
          "links": [{"rel": "self", "href": "http://nova:8774/v2.1/flavors/f1"}]}}
        """;

    private static async Task<(NovaClient Nova, FakeOpenStack Server)> Connect(Action<FakeOpenStack> routes)
    {
        var time = Clock();
        var server = WithNova(time);
        routes(server);
        var cloud = FakeCloud.Cloud(server, time);
        return (await cloud.ComputeAsync(Ct), server);
    }

    private static JsonNode Body(FakeOpenStack server, string path) => JsonNode.Parse(server.To(path).Last().Body!)!;

    [Fact]
    public async Task Create_flavor_sends_the_required_keys_and_reads_the_flavor()
    {
        var (nova, server) = await Connect(s => s.On(HttpMethod.Post, "/v2.1/flavors", FakeOpenStack.Json(HttpStatusCode.OK, FlavorJson)));

        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = "smog-pinned", RamMiB = 1024, Vcpus = 2, DiskGiB = 1, IsPublic = true }, Ct);

        Assert.Equal("""{"flavor":{"name":"smog-pinned","ram":1024,"vcpus":2,"disk":1,"os-flavor-access:is_public":true}}""", Body(server, "/v2.1/flavors").ToJsonString());
        Assert.Equal("f1", flavor.Id);
        Assert.Equal(0, flavor.SwapMiB);
        Assert.Equal("dedicated", flavor.ExtraSpecs!["hw:cpu_policy"]);
    }

    [Fact]
    public async Task Swap_before_2_75_is_an_empty_string()
    {
        var (nova, _) = await Connect(s => s.On(HttpMethod.Get, "/v2.1/flavors/f1",
            FakeOpenStack.Json(HttpStatusCode.OK, """{"flavor": {"id": "f1", "name": "x", "ram": 1, "vcpus": 1, "disk": 0, "swap": ""}}""")));
        Assert.Equal(0, (await nova.Flavors.ShowAsync("f1", Ct)).SwapMiB);
    }

    [Fact]
    public async Task Extra_specs_set_show_and_unset_escape_the_key()
    {
        var (nova, server) = await Connect(s => s
            .On(HttpMethod.Post, "/v2.1/flavors/f1/os-extra_specs", FakeOpenStack.Json(HttpStatusCode.OK, """{"extra_specs": {"hw:cpu_policy": "dedicated", "hw:mem_page_size": "2MB"}}"""))
            .On(HttpMethod.Get, "/v2.1/flavors/f1/os-extra_specs/hw%3Amem_page_size", FakeOpenStack.Json(HttpStatusCode.OK, """{"hw:mem_page_size": "2MB"}"""))
            .On(HttpMethod.Delete, "/v2.1/flavors/f1/os-extra_specs/hw%3Amem_page_size", FakeOpenStack.Status(HttpStatusCode.OK)));

        var echo = await nova.Flavors.SetExtraSpecsAsync("f1", new Dictionary<string, string> { ["hw:cpu_policy"] = "dedicated", ["hw:mem_page_size"] = "2MB" }, Ct);
        var one = await nova.Flavors.ShowExtraSpecAsync("f1", "hw:mem_page_size", Ct);
        await nova.Flavors.UnsetExtraSpecAsync("f1", "hw:mem_page_size", Ct);

        Assert.Equal("""{"extra_specs":{"hw:cpu_policy":"dedicated","hw:mem_page_size":"2MB"}}""", Body(server, "/v2.1/flavors/f1/os-extra_specs").ToJsonString());
        Assert.Equal(2, echo.Count);
        Assert.Equal("2MB", one.Value);
        Assert.Single(server.To("/v2.1/flavors/f1/os-extra_specs/hw%3Amem_page_size"), r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task An_unset_extra_spec_is_not_found()
    {
        var (nova, _) = await Connect(s => s.On(HttpMethod.Get, "/v2.1/flavors/f1/os-extra_specs/hw%3Anope",
            FakeOpenStack.Json(HttpStatusCode.NotFound, """{"itemNotFound": {"code": 404, "message": "Flavor f1 has no extra specs with key hw:nope."}}""")));
        var error = await Assert.ThrowsAsync<OpenStackNotFoundException>(() => nova.Flavors.ShowExtraSpecAsync("f1", "hw:nope", Ct));
        Assert.Equal("Flavor f1 has no extra specs with key hw:nope.", error.ServiceMessage);
    }

    [Fact]
    public async Task Flavor_access_add_uses_the_action_body()
    {
        var (nova, server) = await Connect(s => s.On(HttpMethod.Post, "/v2.1/flavors/f1/action",
            FakeOpenStack.Json(HttpStatusCode.OK, """{"flavor_access": [{"flavor_id": "f1", "tenant_id": "p2"}]}""")));

        var access = await nova.Flavors.AddAccessAsync("f1", "p2", Ct);

        Assert.Equal("""{"addTenantAccess":{"tenant":"p2"}}""", Body(server, "/v2.1/flavors/f1/action").ToJsonString());
        Assert.Equal("p2", Assert.Single(access).TenantId);
    }

    private const string AggregateJson = """
        {"aggregate": {"id": 7, "uuid": "a-uuid", "name": "smog-agg", "availability_zone": null, "hosts": ["vm"],
          "metadata": {"pinned": "true"}, "created_at": "2026-11-26T10:00:00.000000", "updated_at": null, "deleted": false, "deleted_at": null}}
        """;

    [Fact]
    public async Task Aggregate_metadata_null_deletes_a_key()
    {
        var (nova, server) = await Connect(s => s.On(HttpMethod.Post, "/v2.1/os-aggregates/7/action", FakeOpenStack.Json(HttpStatusCode.OK, AggregateJson)));

        var aggregate = await nova.Aggregates.SetMetadataAsync(7, new Dictionary<string, string?> { ["pinned"] = "true", ["old"] = null }, Ct);

        Assert.Equal("""{"set_metadata":{"metadata":{"pinned":"true","old":null}}}""", Body(server, "/v2.1/os-aggregates/7/action").ToJsonString());
        Assert.Equal(["vm"], aggregate.Hosts);
        Assert.Equal(7, aggregate.Id);
    }

    [Fact]
    public async Task Aggregate_add_host_and_create()
    {
        var (nova, server) = await Connect(s => s
            .On(HttpMethod.Post, "/v2.1/os-aggregates/7/action", FakeOpenStack.Json(HttpStatusCode.OK, AggregateJson))
            .On(HttpMethod.Post, "/v2.1/os-aggregates", FakeOpenStack.Json(HttpStatusCode.OK, AggregateJson)));

        await nova.Aggregates.CreateAsync("smog-agg", null, Ct);
        await nova.Aggregates.AddHostAsync(7, "vm", Ct);

        Assert.Equal("""{"aggregate":{"name":"smog-agg"}}""", Body(server, "/v2.1/os-aggregates").ToJsonString());
        Assert.Equal("""{"add_host":{"host":"vm"}}""", Body(server, "/v2.1/os-aggregates/7/action").ToJsonString());
    }

    [Fact]
    public async Task Create_server_with_no_networks_hints_tags_and_metadata()
    {
        var (nova, server) = await Connect(s => s.On(HttpMethod.Post, "/v2.1/servers", FakeOpenStack.Json(HttpStatusCode.Accepted,
            """{"server": {"id": "s1", "links": [], "OS-DCF:diskConfig": "MANUAL", "security_groups": [{"name": "default"}], "adminPass": "hunter2"}}""")));

        var created = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody
            {
                Name = "smog-r1-vm",
                FlavorRef = "f1",
                ImageRef = "i1",
                Networks = ServerNetworks.None,
                Tags = ["smog-r1"],
                Metadata = new() { ["smog-run"] = "r1" },
                Host = "vm",
            },
            SchedulerHints = new() { ["group"] = "g1" },
        }, Ct);

        Assert.Equal("s1", created.Id);
        Assert.Equal(
            """{"server":{"name":"smog-r1-vm","flavorRef":"f1","imageRef":"i1","networks":"none","metadata":{"smog-run":"r1"},"tags":["smog-r1"],"host":"vm"},"os:scheduler_hints":{"group":"g1"}}""",
            Body(server, "/v2.1/servers").ToJsonString());
    }

    [Fact]
    public void Port_networks_are_a_list()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(ServerNetworks.Ports("p1"), ComputeJsonContext.Default.ServerNetworks);
        Assert.Equal("""[{"port":"p1"}]""", json);
    }

    [Fact]
    public async Task List_servers_by_tag_and_name()
    {
        var (nova, server) = await Connect(s => s.On(HttpMethod.Get, "/v2.1/servers/detail?name=%5Esmog-&tags=smog-r1&all_tenants=1",
            FakeOpenStack.Json(HttpStatusCode.OK, """{"servers": [{"id": "s1", "status": "ACTIVE", "tags": ["smog-r1"]}]}""")));

        var servers = await nova.Servers.ListAsync(new ServerQuery { Name = "^smog-", Tags = ["smog-r1"], AllProjects = true }, Ct);

        Assert.Equal("s1", Assert.Single(servers).Id);
    }

    [Fact]
    public async Task Topology_reads_pinning_with_string_keys()
    {
        var (nova, _) = await Connect(s => s.On(HttpMethod.Get, "/v2.1/servers/s1/topology", FakeOpenStack.Json(HttpStatusCode.OK,
            """{"nodes": [{"vcpu_set": [0, 1], "siblings": [[0, 1]], "memory_mb": 1024, "host_node": 0, "cpu_pinning": {"0": 5, "1": 6}}], "pagesize_kb": 2048}""")));

        var topology = await nova.Servers.TopologyAsync("s1", Ct);

        var node = Assert.Single(topology.Nodes);
        Assert.Equal(6, node.CpuPinning![1]);
        Assert.Equal(2048, topology.PageSizeKiB);
    }

    [Fact]
    public async Task Hypervisors_with_their_service_host_and_no_match_as_empty()
    {
        var (nova, _) = await Connect(s => s
            .On(HttpMethod.Get, "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=vm&with_servers=true", FakeOpenStack.Json(HttpStatusCode.OK,
                """{"hypervisors": [{"id": "h-uuid", "hypervisor_hostname": "vm", "state": "up", "status": "enabled", "hypervisor_type": "QEMU", "hypervisor_version": 7002000, "host_ip": "127.0.0.1", "service": {"host": "vm", "id": "svc-uuid", "disabled_reason": null}, "uptime": null, "servers": [{"uuid": "s1", "name": "instance-00000001"}]}]}"""))
            .On(HttpMethod.Get, "/v2.1/os-hypervisors/detail?hypervisor_hostname_pattern=nope", FakeOpenStack.Json(HttpStatusCode.NotFound,
                """{"itemNotFound": {"code": 404, "message": "No hypervisor matching 'nope' could be found."}}""")));

        var hypervisor = Assert.Single(await nova.Hypervisors.ListAsync("vm", withServers: true, Ct));
        Assert.Equal("vm", hypervisor.Service!.Host);
        Assert.Equal("s1", Assert.Single(hypervisor.Servers!).Uuid);
        Assert.Empty(await nova.Hypervisors.ListAsync("nope", withServers: false, Ct));
    }

    [Fact]
    public async Task Services_filtered_by_binary_and_host()
    {
        var (nova, _) = await Connect(s => s.On(HttpMethod.Get, "/v2.1/os-services?binary=nova-compute&host=vm", FakeOpenStack.Json(HttpStatusCode.OK,
            """{"services": [{"id": "svc-uuid", "binary": "nova-compute", "host": "vm", "zone": "nova", "status": "enabled", "state": "up", "updated_at": "2026-11-26T10:00:00.000000", "disabled_reason": null, "forced_down": false}]}""")));

        var service = Assert.Single(await nova.Services.ListAsync("nova-compute", "vm", Ct));
        Assert.Equal("up", service.State);
    }

    [Fact]
    public async Task Forbidden_create_reports_the_policy_rule()
    {
        var (nova, _) = await Connect(s => s.On(HttpMethod.Post, "/v2.1/flavors", FakeOpenStack.Json(HttpStatusCode.Forbidden,
            """{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:os-flavor-manage:create to be performed."}}""",
            ("x-openstack-request-id", "req-f"), ("x-compute-request-id", "req-f"))));

        var error = await Assert.ThrowsAsync<OpenStackForbiddenException>(() =>
            nova.Flavors.CreateAsync(new FlavorCreate { Name = "x", RamMiB = 1, Vcpus = 1, DiskGiB = 0 }, Ct));

        Assert.Equal("os_compute_api:os-flavor-manage:create", error.PolicyRule);
        Assert.Equal("req-f", error.RequestId);
    }
}
