using System.Diagnostics;
using Smog.Hosts;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.Suite.Ledger;
using Smog.Suite.Results;
using Smog.Suite.Runner;
using Smog.Suite.Scenarios;
using Smog.Suite.Selection;
using Smog.Tests.Integration.OpenStack;

namespace Smog.Tests.Integration.Suite;

/// <summary>
/// <c>smog run</c> against the real lab (SMOG_LAB_CLOUDS, SMOG_LAB_INVENTORY): the single-node
/// scenarios pass, the multi-NUMA ones skip with their reasons (or pass, when the lab runs its
/// simulated hosts), foreign servers,
/// flavors and aggregates survive a run and a cleanup, nothing the run made is left, and a run
/// killed with SIGKILL is cleaned up from its ledger.
/// </summary>
[Trait("Category", "Lab")]
[Collection(LabCollection.Name)]
public sealed class SuiteLabTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string stateDir = Directory.CreateTempSubdirectory("smog-suite-it-").FullName;

    public void Dispose() => Directory.Delete(stateDir, recursive: true);

    private static string CloudsFile()
    {
        if (Environment.GetEnvironmentVariable("SMOG_LAB_CLOUDS") is not { Length: > 0 } && Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail("CI=true but SMOG_LAB_CLOUDS is not set: .ci/run should have started the lab");
        return Lab.CloudsFile;
    }

    private static string InventoryFile() =>
        Environment.GetEnvironmentVariable("SMOG_LAB_INVENTORY") is { Length: > 0 } given ? given : Path.Combine(Path.GetDirectoryName(CloudsFile())!, "inventory.yml");

    private sealed record Snapshot(HashSet<string> Servers, HashSet<string> Flavors, HashSet<string> Aggregates);

    private static async Task<Snapshot> ListAsync(NovaClient nova) => new(
        [.. (await nova.Servers.ListAsync(new ServerQuery { AllProjects = true }, Ct)).Select(s => $"{s.Id} {s.Name}")],
        [.. (await nova.Flavors.ListAsync(includePrivate: true, Ct)).Select(f => $"{f.Id} {f.Name}")],
        [.. (await nova.Aggregates.ListAsync(Ct)).Select(a => $"{a.Id} {a.Name} {string.Join(",", a.Hosts ?? [])}")]);

    [Fact]
    public async Task The_single_node_scenarios_pass_the_rest_skip_and_foreign_resources_survive_a_run_and_a_cleanup()
    {
        CloudsFile();
        using var admin = Lab.Connect(Lab.Admin, "suite_run");
        using var member = Lab.Connect(Lab.Member, "suite_run");
        await Lab.SweepLeftoversAsync(admin, Ct);
        var nova = await admin.ComputeAsync(Ct);
        var foreignName = Lab.NewRunId() + "-foreign";
        await using var cleanup = new Cleanup();

        // Given a foreign flavor, aggregate (with the lab host) and server that are not the run's
        var host = (await nova.Services.ListAsync("nova-compute", null, Ct)).First().Host;
        var flavor = await nova.Flavors.CreateAsync(new FlavorCreate { Name = foreignName, RamMiB = 64, Vcpus = 1, DiskGiB = 1 }, Ct);
        cleanup.Add("foreign flavor", () => nova.Flavors.DeleteAsync(flavor.Id, CancellationToken.None));
        var aggregate = await nova.Aggregates.CreateAsync(foreignName, null, Ct);
        cleanup.Add("foreign aggregate", () => nova.Aggregates.DeleteAsync(aggregate.Id, CancellationToken.None));
        await nova.Aggregates.AddHostAsync(aggregate.Id, host, Ct);
        cleanup.Add("foreign aggregate host", () => nova.Aggregates.RemoveHostAsync(aggregate.Id, host, CancellationToken.None));
        var image = await (await admin.ImagesAsync(Ct)).FindByNameAsync(Lab.Image, Ct) ?? throw new InvalidOperationException($"lab image {Lab.Image} missing");
        var server = await nova.Servers.CreateAsync(new ServerCreateRequest
        {
            Server = new ServerCreateBody { Name = foreignName, FlavorRef = flavor.Id, ImageRef = image.Id, Networks = ServerNetworks.None },
        }, Ct);
        cleanup.Add("foreign server", async () =>
        {
            await nova.Servers.DeleteAsync(server.Id, CancellationToken.None);
            await admin.ServerWaiter(nova).WaitForDeletionAsync(server.Id, WaitOptions.Delete, CancellationToken.None);
        });
        await admin.ServerWaiter(nova).WaitForStatusAsync(server.Id, "ACTIVE", WaitOptions.Build with { Timeout = TimeSpan.FromSeconds(240) }, Ct);
        var before = await ListAsync(nova);

        // When the suite runs (single-node scenarios and two that need two NUMA nodes)
        string[] ids = ["numa.one-node", "numa.too-many-nodes", "numa.invalid-split", "pinning.simple", "hugepages.2m", "numa.two-nodes", "pinning.several-nodes"];
        var report = await RunAsync(admin, member, ids);

        // Then the single-node ones pass; the others skip with a machine-readable reason on the
        // single-node lab, and pass when the lab runs its simulated multi-NUMA hosts (up --hosts)
        var multiNode = Lab.HasSimulatedHosts();
        foreach (var id in multiNode ? ids : ids[..5])
        {
            var result = report.Scenarios.Single(s => s.Id == id);
            Assert.True(result.Verdict == Verdict.Passed, $"{id}: {result.Verdict} {result.Skip?.Code} {result.Error} {string.Join("; ", result.Findings.Select(f => $"{f.Rule}: {f.Message}"))}");
        }
        if (!multiNode)
        {
            Assert.Equal("one-numa-node", report.Scenarios.Single(s => s.Id == "numa.two-nodes").Skip?.Code);
            Assert.NotNull(report.Scenarios.Single(s => s.Id == "pinning.several-nodes").Skip);
        }
        var pinned = report.Scenarios.Single(s => s.Id == "pinning.simple").Guests.Single();
        // one host: Smog predicts the exact placement; with several the weighers choose the host
        if (!multiNode) Assert.True(pinned.Predicted!.Determinate, pinned.Predicted.Reason);
        Assert.NotNull(pinned.DomainXml);
        Assert.Empty(report.Cleanup.Leftovers);

        // And nothing is left behind: the listing is what it was, foreign resources included
        var after = await ListAsync(nova);
        Assert.Equal(before.Servers.Order(), after.Servers.Order());
        Assert.Equal(before.Flavors.Order(), after.Flavors.Order());
        Assert.Equal(before.Aggregates.Order(), after.Aggregates.Order());

        // And a cleanup of the run touches nothing else either
        var state = LedgerReader.Read(RunLedger.PathOf(stateDir, RunIdOf(report)));
        Assert.Empty(state.Leftovers);
        var again = await new RunCleaner(nova, admin.ServerWaiter(nova), RunIdOf(report), null)
            .CleanAsync([new Leftover(ResourceKind.Server, foreignName, server.Id, null), new Leftover(ResourceKind.Flavor, foreignName, flavor.Id, null)], false, Ct);
        Assert.All(again.Actions, a => Assert.StartsWith("refused", a.Outcome, StringComparison.Ordinal));
        Assert.Equal(before.Servers.Order(), (await ListAsync(nova)).Servers.Order());
        Assert.Equal(before.Flavors.Order(), (await ListAsync(nova)).Flavors.Order());
    }

    [Fact]
    public async Task A_run_killed_with_SIGKILL_is_cleaned_up_from_its_ledger()
    {
        var clouds = CloudsFile();
        using var admin = Lab.Connect(Lab.Admin, "suite_kill");
        await Lab.SweepLeftoversAsync(admin, Ct);
        var nova = await admin.ComputeAsync(Ct);

        // Given smog run, killed with SIGKILL once its ledger says a server was created
        var smog = typeof(Smog.Cli.SmogApp).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", [smog, "run", "--os-cloud", Lab.Admin, "--member-cloud", Lab.Member, "--inventory", InventoryFile(),
            "--state-dir", stateDir, "--scenario", "numa.one-node", "--scenario", "pinning.simple"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["OS_CLIENT_CONFIG_FILE"] = clouds;
        using var process = Process.Start(psi)!;
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        _ = process.StandardError.ReadToEndAsync(Ct);
        string? ledger = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            ledger = Directory.EnumerateFiles(stateDir, "smog-*.jsonl").FirstOrDefault();
            if (ledger is not null && File.ReadAllText(ledger).Contains("\"op\":\"created\",\"kind\":\"Server\"", StringComparison.Ordinal)) break;
            await Task.Delay(200, Ct);
        }
        Assert.False(process.HasExited, "smog run ended before it created a server");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(Ct);
        var run = RunIdOf(ledger!);
        Assert.NotEmpty(LedgerReader.Read(ledger!).Leftovers);

        // When smog cleanup --run ID runs
        var env = new Dictionary<string, string?> { ["OS_CLIENT_CONFIG_FILE"] = clouds };
        var (exit, stdout, stderr) = await CliProcessAsync(smog, env, "cleanup", "--run", run.Value, "--state-dir", stateDir);

        // Then nothing named after the run is left, and the ledger says so
        Assert.True(exit == 0, $"cleanup exit {exit}: {stdout} {stderr}");
        var now = await ListAsync(nova);
        Assert.DoesNotContain(now.Servers, s => s.Contains(run.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(now.Flavors, f => f.Contains(run.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(now.Aggregates, a => a.Contains(run.Value, StringComparison.Ordinal));
        Assert.Empty(LedgerReader.Read(ledger!).Leftovers);
    }

    private async Task<RunReport> RunAsync(OpenStackCloud admin, OpenStackCloud member, string[] ids)
    {
        var clients = await SuiteClients.ConnectAsync(admin, member, Ct);
        await using var access = new HostAccessPool(InventoryParser.Load(InventoryFile()));
        using var ledger = RunLedger.Create(stateDir, RunId.New(DateTimeOffset.UtcNow), Lab.Admin, Lab.Member);
        // One at a time: the test asserts a determinate prediction, which a concurrent boot on the one host makes undecidable.
        var runner = new SuiteRunner(clients, access, ledger, new SuiteOptions { Image = Lab.Image, Parallel = 1 });
        return await runner.RunAsync([.. Catalogue.All.Where(s => ids.Contains(s.Id))],
            new RunTarget { Kind = "openstack", AdminCloud = Lab.Admin, BootCloud = Lab.Member, BootsAsMember = true }, Ct);
    }

    private static RunId RunIdOf(RunReport report) => RunId.TryParse(report.RunId, out var id) ? id : throw new InvalidOperationException(report.RunId);

    private static RunId RunIdOf(string ledgerPath) => RunId.TryParse(Path.GetFileNameWithoutExtension(ledgerPath), out var id) ? id : throw new InvalidOperationException(ledgerPath);

    private static async Task<(int Exit, string Out, string Err)> CliProcessAsync(string smog, Dictionary<string, string?> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [smog, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }
}
