using System.Diagnostics;
using Smog.Hosts;
using Smog.OpenStack;

namespace Smog.Tests.Integration.OpenStack;

/// <summary>
/// <c>smog env nova-conf --restart</c> against a real nova-compute: a simulated lab host, whose
/// inventory entry names its nova.conf and its restart command (<c>lab/allinone restart-host
/// NAME</c>). The verb must return only after Nova reports the service up with a heartbeat newer
/// than the restart, and the new reservation must reach placement; <c>smog env restore
/// --restart</c> must give the file back byte for byte and placement its old reservation.
/// </summary>
[Trait("Category", "Lab")]
[Collection(LabCollection.Name)]
public sealed class NovaConfRestartTests
{
    private const string Host = "compute-3";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nova_conf_restart_waits_for_the_real_service_and_restore_puts_everything_back()
    {
        if (!Lab.HasSimulatedHosts()) Assert.Skip("the lab has no simulated hosts: start it with lab/allinone up --hosts");
        var inventoryPath = Lab.InventoryPath();
        var host = InventoryParser.Load(inventoryPath).Find(Host);
        Assert.True(host.RestartCommand is not null && host.FilesRoot is not null, $"{Host} in {inventoryPath} has no restart/files_root: an inventory from before lab/allinone restart-host");
        var file = host.FilesRoot + host.NovaConfPaths.Single();
        var original = await File.ReadAllBytesAsync(file, Ct);
        var state = Directory.CreateTempSubdirectory("smog-novaconf-restart-").FullName;
        using var admin = Lab.Connect(Lab.Admin, "novaconf_restart");
        var placement = await admin.PlacementAsync(Ct);
        var provider = Assert.Single(await placement.ListProvidersAsync(Host, Ct)).Uuid;
        try
        {
            // When nova-conf sets a new reservation and restarts the host's nova-compute
            var before = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await SmogAsync(["env", "nova-conf", "--inventory", inventoryPath, "--host", Host, "--set", "DEFAULT.reserved_host_memory_mb=1024",
                "--restart", "--os-cloud", Lab.Admin, "--state-dir", state]);
            var took = clock.Elapsed;
            Assert.True(exit == 0, $"smog env nova-conf --restart: exit {exit}\n{stdout}\n{stderr}");

            // Then it returned only once Nova heard from the restarted service
            var service = Assert.Single(await (await admin.ComputeAsync(Ct)).Services.ListAsync("nova-compute", Host, Ct));
            Assert.Equal("up", service.State);
            Assert.True(service.UpdatedAt > before, $"heartbeat {service.UpdatedAt:O} is not newer than the restart at {before:O}");
            Assert.Contains("nova-compute is up", stdout);
            TestContext.Current.SendDiagnosticMessage($"nova-conf --restart on {Host}: {took.TotalSeconds:F1} s until Nova reported it up");

            // And the restarted process reports the new reservation to placement
            Assert.True(await ReservedBecomesAsync(placement, provider, 1024), "placement MEMORY_MB reserved did not become 1024");

            // When restore puts the journal back and restarts the host again
            (exit, stdout, stderr) = await SmogAsync(["env", "restore", "--inventory", inventoryPath, "--host", Host, "--restart", "--state-dir", state]);
            Assert.True(exit == 0, $"smog env restore --restart: exit {exit}\n{stdout}\n{stderr}");

            // Then the file is byte for byte what it was, and placement has the old reservation
            Assert.Equal(original, await File.ReadAllBytesAsync(file, Ct));
            Assert.True(await ReservedBecomesAsync(placement, provider, 512), "placement MEMORY_MB reserved did not go back to 512");
        }
        finally
        {
            if (!(await File.ReadAllBytesAsync(file, CancellationToken.None)).AsSpan().SequenceEqual(original))
            {
                await File.WriteAllBytesAsync(file, original, CancellationToken.None);
                await RunAsync(host.RestartCommand!.Split(' '), null);
            }
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<bool> ReservedBecomesAsync(Smog.OpenStack.Placement.PlacementClient placement, string provider, long reserved) =>
        await Lab.EventuallyAsync(async () => (await placement.InventoriesAsync(provider, Ct)).ByResourceClass["MEMORY_MB"].Reserved == reserved, TimeSpan.FromSeconds(60), Ct);

    /// <summary>smog as its own process, so --os-cloud finds the lab's clouds.yaml through OS_CLIENT_CONFIG_FILE.</summary>
    private static Task<(int Exit, string Out, string Err)> SmogAsync(string[] args) =>
        RunAsync(["dotnet", Path.Combine(AppContext.BaseDirectory, "smog.dll"), .. args], Lab.CloudsFile);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string[] command, string? clouds)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        if (clouds is not null) psi.Environment["OS_CLIENT_CONFIG_FILE"] = clouds;
        psi.Environment.Remove("OS_CLOUD");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {command[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.WaitForExitAsync(CancellationToken.None);
        return (process.ExitCode, await stdout, await stderr);
    }
}
