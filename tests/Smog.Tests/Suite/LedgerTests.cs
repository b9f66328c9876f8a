using System.Net;
using Smog.OpenStack.Compute;
using Smog.Suite.Builders;
using Smog.Suite.Ledger;
using Smog.Suite.Runner;
using Smog.Tests.OpenStack;
using static Smog.Tests.OpenStack.FakeCloud;

namespace Smog.Tests.Suite;

public sealed class LedgerTests : IDisposable
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly string dir = Directory.CreateTempSubdirectory("smog-ledger-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static RunId Run(string text = "smog-20261203-1412-ab12") => RunId.TryParse(text, out var id) ? id : throw new InvalidOperationException(text);

    [Fact]
    public void A_run_id_has_the_minute_and_four_hex_digits_and_owns_only_its_names()
    {
        var id = RunId.New(new DateTimeOffset(2026, 12, 3, 14, 12, 59, TimeSpan.Zero));

        Assert.Matches("^smog-20261203-1412-[0-9a-f]{4}$", id.Value);
        Assert.True(RunId.TryParse(id.Value, out _));
        Assert.False(RunId.TryParse("smog-2026-1412-ab12", out _));
        Assert.Equal($"{id}-pinning-simple-guest", id.Name("pinning.simple", "guest"));
        Assert.True(id.Owns(id.Name("x")));
        Assert.False(id.Owns(id.Value + "0-x"));
        Assert.False(id.Owns("production-db"));
    }

    [Fact]
    public void Intent_then_created_then_deleted_leaves_nothing_and_intent_alone_is_an_unconfirmed_leftover()
    {
        var run = Run();
        using (var ledger = RunLedger.Create(dir, run, "admin", "member"))
        {
            ledger.Intent(ResourceKind.Flavor, run.Name("f"));
            ledger.Created(ResourceKind.Flavor, run.Name("f"), "f1");
            ledger.Deleted(ResourceKind.Flavor, run.Name("f"), "f1");
            ledger.Intent(ResourceKind.Server, run.Name("vm"));
            ledger.Intent(ResourceKind.AggregateHost, run.Name("agg"), "c1");
            ledger.Created(ResourceKind.AggregateHost, run.Name("agg"), "7", "c1");
        }

        var state = LedgerReader.Read(RunLedger.PathOf(dir, run));

        Assert.Equal(("admin", "member"), (state.AdminCloud, state.BootCloud));
        Assert.Equal(2, state.Leftovers.Length);
        Assert.True(state.Leftovers[0] is { Kind: ResourceKind.Server, Unconfirmed: true });
        Assert.True(state.Leftovers[1] is { Kind: ResourceKind.AggregateHost, Id: "7", Host: "c1" });
    }

    [Fact]
    public void The_ledger_refuses_a_name_without_the_run_id()
    {
        using var ledger = RunLedger.Create(dir, Run(), "admin", "admin");

        Assert.Throws<InvalidOperationException>(() => ledger.Intent(ResourceKind.Flavor, "m1.small"));
    }

    [Fact]
    public void A_torn_last_line_is_ignored_but_a_bad_line_in_the_middle_names_its_line()
    {
        var run = Run();
        using (var ledger = RunLedger.Create(dir, run, "admin", "admin")) ledger.Intent(ResourceKind.Server, run.Name("vm"));
        var path = RunLedger.PathOf(dir, run);
        File.AppendAllText(path, "{\"at\":\"2026-12-0");

        Assert.Single(LedgerReader.Read(path).Leftovers);

        File.WriteAllLines(path, [File.ReadAllLines(path)[0], "garbage", File.ReadAllLines(path)[1]]);
        var error = Assert.Throws<LedgerException>(() => LedgerReader.Read(path));
        Assert.Equal($"{path}:2: not a ledger line", error.Message);
    }

    /// <summary>
    /// Crash safety: when the create call reaches the cloud, the intent is already on disk, so a
    /// run killed during the call still names the resource.
    /// </summary>
    [Fact]
    public async Task The_intent_is_on_disk_before_the_create_call_reaches_the_cloud()
    {
        var run = Run();
        var path = RunLedger.PathOf(dir, run);
        var name = run.Name("numa.one-node", "guest");
        string? ledgerWhenCalled = null;
        var time = Clock();
        var server = WithNova(time)
            .On(HttpMethod.Get, "/", FakeOpenStack.Json(HttpStatusCode.OK,
                """{"versions": [{"id": "v1.0", "max_version": "1.39", "min_version": "1.0", "status": "CURRENT", "links": []}]}"""))
            .On(HttpMethod.Post, "/v2.1/flavors", _ =>
            {
                using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                ledgerWhenCalled = reader.ReadToEnd();
                return FakeOpenStack.Json(HttpStatusCode.OK, "{\"flavor\": {\"id\": \"f9\", \"name\": \"" + name + "\", \"ram\": 128, \"vcpus\": 1, \"disk\": 1}}");
            });
        using var cloud = FakeCloud.Cloud(server, time);
        var clients = await SuiteClients.ConnectAsync(cloud, null, Ct);
        using var ledger = RunLedger.Create(dir, run, "fake", "fake");

        await new ResourceTracker(clients, ledger, SuiteTimeouts.Default).CreateFlavorAsync("numa.one-node", name, FlavorSpec.Create(128, 1), Ct);

        Assert.NotNull(ledgerWhenCalled);
        Assert.Contains($"\"op\":\"intent\",\"kind\":\"Flavor\",\"name\":\"{name}\"", ledgerWhenCalled);
        Assert.DoesNotContain("\"op\":\"created\"", ledgerWhenCalled);
        Assert.DoesNotContain(LedgerReader.Read(path).Leftovers, l => l.Unconfirmed);
        Assert.Equal("f9", Assert.Single(LedgerReader.Read(path).Leftovers).Id);
    }

    [Fact]
    public async Task Cleanup_refuses_anything_whose_name_lacks_the_run_id_without_calling_the_cloud()
    {
        var time = Clock();
        var server = WithNova(time);
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);
        var cleaner = new RunCleaner(nova, cloud.ServerWaiter(nova), Run(), null);
        var before = server.Seen.Count;

        var outcome = await cleaner.CleanAsync([new Leftover(ResourceKind.Flavor, "m1.small", "1", null), new Leftover(ResourceKind.Server, "smog-20261203-1412-ffff-vm", "s1", null)], dryRun: false, Ct);

        Assert.All(outcome.Actions, a => Assert.StartsWith("refused", a.Outcome, StringComparison.Ordinal));
        Assert.Equal(before, server.Seen.Count);
    }

    [Fact]
    public async Task Cleanup_refuses_a_resource_whose_live_name_is_not_the_ledgers()
    {
        var run = Run();
        var time = Clock();
        var server = WithNova(time).On(HttpMethod.Get, "/v2.1/flavors/f1", FakeOpenStack.Json(HttpStatusCode.OK,
            """{"flavor": {"id": "f1", "name": "someone-elses", "ram": 128, "vcpus": 1, "disk": 1}}"""));
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);

        var outcome = await new RunCleaner(nova, cloud.ServerWaiter(nova), run, null).CleanAsync([new Leftover(ResourceKind.Flavor, run.Name("f"), "f1", null)], false, Ct);

        Assert.StartsWith("refused: flavor f1 is named 'someone-elses'", Assert.Single(outcome.Actions).Outcome, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Seen, s => s.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task Cleanup_deletes_an_image_the_run_uploaded_and_refuses_one_renamed_since()
    {
        var run = Run();
        var time = Clock();
        var server = WithNova(time)
            .On(HttpMethod.Get, "/v2/images/i1", FakeOpenStack.Json(HttpStatusCode.OK, $$"""{"id": "i1", "name": "{{run.Name("img")}}", "status": "active"}"""))
            .On(HttpMethod.Delete, "/v2/images/i1", FakeOpenStack.Json(HttpStatusCode.NoContent, ""))
            .On(HttpMethod.Get, "/v2/images/i2", FakeOpenStack.Json(HttpStatusCode.OK, """{"id": "i2", "name": "golden", "status": "active"}"""));
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);
        var images = await cloud.ImagesAsync(Ct);

        var outcome = await new RunCleaner(nova, cloud.ServerWaiter(nova), run, null, images: images).CleanAsync(
            [new Leftover(ResourceKind.Image, run.Name("img"), "i1", null), new Leftover(ResourceKind.Image, run.Name("other"), "i2", null)], false, Ct);

        Assert.Equal(["deleted", "refused: image i2 is named 'golden'"], outcome.Actions.Select(a => a.Outcome).Order(StringComparer.Ordinal));
        Assert.Single(server.Seen, s => s.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task Cleanup_removes_ports_then_subnets_then_networks_before_flavors_and_a_dry_run_only_looks()
    {
        var run = Run();
        var time = Clock();
        string Named(string kind, string id, string name) => "{\"" + kind + "\": {\"id\": \"" + id + "\", \"name\": \"" + name + "\", \"network_id\": \"n1\"}}";
        var server = WithNova(time)
            .On(HttpMethod.Get, "/v2.0/networks/n1", FakeOpenStack.Json(HttpStatusCode.OK, Named("network", "n1", run.Name("s", "net"))))
            .On(HttpMethod.Get, "/v2.0/subnets/sn1", FakeOpenStack.Json(HttpStatusCode.OK, Named("subnet", "sn1", run.Name("s", "subnet"))))
            .On(HttpMethod.Get, "/v2.0/ports/p1", FakeOpenStack.Json(HttpStatusCode.OK, Named("port", "p1", run.Name("s", "port"))))
            .On(HttpMethod.Get, "/v2.1/flavors/f1", FakeOpenStack.Json(HttpStatusCode.OK, "{\"flavor\": {\"id\": \"f1\", \"name\": \"" + run.Name("s", "guest") + "\", \"ram\": 128, \"vcpus\": 1, \"disk\": 1}}"))
            .On(HttpMethod.Delete, "/v2.0/networks/n1", FakeOpenStack.Json(HttpStatusCode.NoContent, ""))
            .On(HttpMethod.Delete, "/v2.0/subnets/sn1", FakeOpenStack.Json(HttpStatusCode.NoContent, ""))
            .On(HttpMethod.Delete, "/v2.0/ports/p1", FakeOpenStack.Json(HttpStatusCode.NoContent, ""))
            .On(HttpMethod.Delete, "/v2.1/flavors/f1", FakeOpenStack.Json(HttpStatusCode.Accepted, ""));
        using var cloud = FakeCloud.Cloud(server, time);
        var nova = await cloud.ComputeAsync(Ct);
        var network = await cloud.NetworkAsync(Ct);
        // In creation order, as the ledger names them.
        Leftover[] leftovers =
        [
            new(ResourceKind.Flavor, run.Name("s", "guest"), "f1", null),
            new(ResourceKind.Network, run.Name("s", "net"), "n1", null),
            new(ResourceKind.Subnet, run.Name("s", "subnet"), "sn1", null),
            new(ResourceKind.Port, run.Name("s", "port"), "p1", null),
        ];
        var cleaner = new RunCleaner(nova, cloud.ServerWaiter(nova), run, null, network: network);

        var dry = await cleaner.CleanAsync(leftovers, dryRun: true, Ct);
        Assert.DoesNotContain(server.Seen, s => s.Method == HttpMethod.Delete);
        var outcome = await cleaner.CleanAsync(leftovers, dryRun: false, Ct);

        Assert.Equal([ResourceKind.Port, ResourceKind.Subnet, ResourceKind.Network, ResourceKind.Flavor], dry.Actions.Select(a => a.Resource.Kind));
        Assert.All(dry.Actions, a => Assert.Equal("would delete", a.Outcome));
        Assert.Equal(["/v2.0/ports/p1", "/v2.0/subnets/sn1", "/v2.0/networks/n1", "/v2.1/flavors/f1"],
            server.Seen.Where(s => s.Method == HttpMethod.Delete).Select(s => s.Path));
        Assert.All(outcome.Actions, a => Assert.Equal("deleted", a.Outcome));
    }

    [Fact]
    public void The_cleanup_order_puts_what_uses_a_resource_before_it()
    {
        var order = RunCleaner.Order;

        Assert.Equal(Enum.GetValues<ResourceKind>().Order(), order.Order());
        Assert.True(order.IndexOf(ResourceKind.Server) < order.IndexOf(ResourceKind.Port));
        Assert.True(order.IndexOf(ResourceKind.Port) < order.IndexOf(ResourceKind.Subnet));
        Assert.True(order.IndexOf(ResourceKind.Subnet) < order.IndexOf(ResourceKind.Network));
        Assert.True(order.IndexOf(ResourceKind.Server) < order.IndexOf(ResourceKind.Flavor));
    }
}
