using System.Net;
using Smog.OpenStack.Http;
using Smog.OpenStack.Network;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Network;

public class NetworkClientTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creates_a_direct_port_under_v2_0()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Post, "/v2.0/ports", FakeOpenStack.Json(HttpStatusCode.Created,
                """{"port": {"id": "pt1", "name": "smog-vf", "network_id": "n1", "status": "DOWN", "binding:vnic_type": "direct", "fixed_ips": []}}"""));
        using var cloud = FakeCloud.Cloud(server, time);
        var neutron = await cloud.NetworkAsync(Ct);

        var port = await neutron.CreatePortAsync(new PortCreate { NetworkId = "n1", Name = "smog-vf", VnicType = "direct" }, Ct);

        Assert.Equal("""{"port":{"network_id":"n1","name":"smog-vf","binding:vnic_type":"direct"}}""", Assert.Single(server.To("/v2.0/ports")).Body);
        Assert.Equal("direct", port.VnicType);
        Assert.Equal("DOWN", port.Status);
    }

    [Fact]
    public async Task Neutron_errors_carry_type_and_message()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Delete, "/v2.0/ports/nope", FakeOpenStack.Json(HttpStatusCode.NotFound,
                """{"NeutronError": {"type": "PortNotFound", "message": "Port nope could not be found.", "detail": ""}}"""));
        using var cloud = FakeCloud.Cloud(server, time);
        var neutron = await cloud.NetworkAsync(Ct);

        var error = await Assert.ThrowsAsync<OpenStackNotFoundException>(() => neutron.DeletePortAsync("nope", Ct));

        Assert.Equal("delete port: neutron DELETE /ports/nope: 404 PortNotFound: Port nope could not be found.", error.Message);
    }
}
