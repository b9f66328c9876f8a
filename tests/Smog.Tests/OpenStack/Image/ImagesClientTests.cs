using System.Net;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.OpenStack.Image;

public class ImagesClientTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static string Img(string id, string status, string created) =>
        "{\"id\": \"" + id + "\", \"name\": \"blank\", \"status\": \"" + status + "\", \"visibility\": \"public\", \"created_at\": \"" + created + "\", \"hw_numa_nodes\": \"1\"}";

    [Fact]
    public async Task Find_by_name_takes_the_newest_active_image()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Get, "/v2/images?name=blank", FakeOpenStack.Json(HttpStatusCode.OK,
                "{\"images\": [" + Img("old", "active", "2026-01-01T00:00:00Z") + "," + Img("new", "active", "2026-02-01T00:00:00Z") + ","
                + Img("newest-but-queued", "queued", "2026-03-01T00:00:00Z") + "], \"first\": \"/v2/images?name=blank\", \"schema\": \"/v2/schemas/images\"}"));
        using var cloud = FakeCloud.Cloud(server, time);
        var images = await cloud.ImagesAsync(Ct);

        var image = await images.FindByNameAsync("blank", Ct);

        Assert.Equal("new", image!.Id);
        Assert.Equal("1", image.Property("hw_numa_nodes"));
    }

    [Fact]
    public async Task Create_upload_and_wait_for_active()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Post, "/v2/images", FakeOpenStack.Json(HttpStatusCode.Created, Img("i1", "queued", "2026-01-01T00:00:00Z")))
            .On(HttpMethod.Put, "/v2/images/i1/file", FakeOpenStack.Status(HttpStatusCode.NoContent))
            .On(HttpMethod.Get, "/v2/images/i1",
                FakeOpenStack.Json(HttpStatusCode.OK, Img("i1", "saving", "2026-01-01T00:00:00Z")),
                FakeOpenStack.Json(HttpStatusCode.OK, Img("i1", "active", "2026-01-01T00:00:00Z")));
        using var cloud = FakeCloud.Cloud(server, time);
        var images = await cloud.ImagesAsync(Ct);

        var created = await images.CreateAsync(new ImageCreate("smog-img", "raw") { Properties = new Dictionary<string, string> { ["hw_numa_nodes"] = "2" } }, Ct);
        await images.UploadAsync(created.Id, new byte[] { 1, 2, 3 }, Ct);
        var active = await Clock.Run(time, images.WaitForActiveAsync(created.Id, null, Ct));

        Assert.Equal("""{"name":"smog-img","disk_format":"raw","container_format":"bare","visibility":"private","hw_numa_nodes":"2"}""",
            server.To("/v2/images").Single(r => r.Method == HttpMethod.Post).Body);
        var upload = Assert.Single(server.To("/v2/images/i1/file"));
        Assert.Equal("\u0001\u0002\u0003", upload.Body);
        Assert.Equal("active", active.Status);
    }

    [Fact]
    public async Task Glance_plain_text_errors_are_one_line()
    {
        var time = Clock();
        var server = new FakeOpenStack(time)
            .On(HttpMethod.Post, TokenUrl, Token("tok-1", TimeSpan.FromHours(1), time))
            .On(HttpMethod.Get, "/v2/images/nope", _ => new HttpResponseMessage(HttpStatusCode.NotFound)
            {
                Content = new StringContent("404 Not Found\n\nNo image found with ID nope\n\n   "),
            });
        using var cloud = FakeCloud.Cloud(server, time);
        var images = await cloud.ImagesAsync(Ct);

        var error = await Assert.ThrowsAsync<OpenStackNotFoundException>(() => images.ShowAsync("nope", Ct));

        Assert.Equal("404 Not Found No image found with ID nope", error.ServiceMessage);
    }
}
