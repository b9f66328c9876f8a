using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;

namespace Smog.Tests.Integration.OpenStack;

/// <summary>
/// The real single-node lab (lab/allinone). Tests run only when SMOG_LAB_CLOUDS names its
/// clouds.yaml; with SMOG_RECORD_EXCHANGES=DIR each test appends its sanitised exchanges to
/// DIR/&lt;test&gt;.jsonl.
/// </summary>
internal static partial class Lab
{
    public const string Admin = "smog-admin";
    public const string Member = "smog-member";
    public const string Image = "smog-blank";

    public static string CloudsFile
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SMOG_LAB_CLOUDS");
            if (string.IsNullOrEmpty(path)) Assert.Skip("SMOG_LAB_CLOUDS is not set: start the lab with lab/allinone up and export SMOG_LAB_CLOUDS=lab/.state/clouds.yaml");
            return path;
        }
    }

    /// <summary>A short unique prefix for every name a test creates, so cleanup can find leftovers.</summary>
    public static string NewRunId() => $"smog-it-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// A cloud from the lab's clouds.yaml only: the machine's own OS_* variables are not read,
    /// so a stale OS_PASSWORD cannot change what the test does.
    /// </summary>
    public static OpenStackCloud Connect(string cloudName, string recordAs, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        var vars = ImmutableDictionary<string, string>.Empty.Add("OS_CLIENT_CONFIG_FILE", CloudsFile);
        var env = new ConfigEnvironment(vars, "/nonexistent", "/nonexistent", PhysicalConfigFileSystem.Instance);
        var config = new CloudConfigResolver(env).Resolve(CloudSelection.Named(cloudName));
        return new OpenStackCloud(config, new OpenStackClientOptions
        {
            RecordExchangesTo = RecordingFile(recordAs),
            Loggers = logs ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        });
    }

    /// <summary>A cloud built only from the given OS_* variables (the env cloud), as a user's shell would.</summary>
    public static OpenStackCloud ConnectFromVariables(IReadOnlyDictionary<string, string> variables, string recordAs)
    {
        var env = new ConfigEnvironment(variables.ToImmutableDictionary(), "/nonexistent", "/nonexistent", PhysicalConfigFileSystem.Instance);
        var config = new CloudConfigResolver(env).Resolve(CloudSelection.None);
        return new OpenStackCloud(config, new OpenStackClientOptions { RecordExchangesTo = RecordingFile(recordAs) });
    }

    /// <summary>
    /// Removes what an earlier, killed run left behind (servers and aggregates named smog-it-*
    /// older than 15 minutes): on a one-PCPU host a leftover pinned server would turn the
    /// pinned-boot test into NoValidHost. Young objects may belong to a run in progress.
    /// </summary>
    public static async Task SweepLeftoversAsync(OpenStackCloud admin, CancellationToken ct)
    {
        var nova = await admin.ComputeAsync(ct);
        var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(15);
        foreach (var server in await nova.Servers.ListAsync(new ServerQuery { Name = "^smog-it-", AllProjects = true }, ct))
        {
            if (server.Created is not { } created || created > cutoff) continue;
            await nova.Servers.DeleteAsync(server.Id, ct);
            await admin.ServerWaiter(nova).WaitForDeletionAsync(server.Id, WaitOptions.Delete, ct);
        }
        foreach (var aggregate in await nova.Aggregates.ListAsync(ct))
        {
            if (!aggregate.Name.StartsWith("smog-it-", StringComparison.Ordinal) || aggregate.CreatedAt is not { } at || at > cutoff.UtcDateTime) continue;
            foreach (var host in aggregate.Hosts ?? []) await nova.Aggregates.RemoveHostAsync(aggregate.Id, host, ct);
            await nova.Aggregates.DeleteAsync(aggregate.Id, ct);
        }
    }

    /// <summary>Polls until the condition holds (1 s apart); false when the timeout passes first.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static readonly HashSet<string> Started = [];

    /// <summary>The recording file for one test, emptied the first time the test asks for it in this run.</summary>
    private static string? RecordingFile(string recordAs)
    {
        if (Environment.GetEnvironmentVariable("SMOG_RECORD_EXCHANGES") is not { Length: > 0 } dir) return null;
        var file = Path.Combine(dir, recordAs + ".jsonl");
        lock (Started)
        {
            if (Started.Add(file) && File.Exists(file)) File.Delete(file);
        }
        return file;
    }

    /// <summary>libvirt URI from the lab's inventory.yml (SMOG_LAB_INVENTORY, else next to clouds.yaml); the lab's libvirtd may use a private socket.</summary>
    public static string LibvirtUri()
    {
        var inventory = Environment.GetEnvironmentVariable("SMOG_LAB_INVENTORY") is { Length: > 0 } given
            ? given
            : Path.Combine(Path.GetDirectoryName(CloudsFile)!, "inventory.yml");
        if (File.Exists(inventory) && LibvirtLine().Match(File.ReadAllText(inventory)) is { Success: true } m) return m.Groups[1].Value;
        return Environment.GetEnvironmentVariable("SMOG_LAB_LIBVIRT_URI") ?? "qemu:///system";
    }

    /// <summary>
    /// The real QEMU compute host: the first host of the lab's inventory.yml (lab/allinone lists it
    /// first; with <c>up --hosts</c> the simulated hosts follow it).
    /// </summary>
    public static string QemuHost()
    {
        var inventory = InventoryPath();
        if (File.Exists(inventory) && FirstHostLine().Match(File.ReadAllText(inventory)) is { Success: true } m) return m.Groups[1].Value;
        Assert.Fail($"no host in the lab inventory {inventory}");
        return "";
    }

    /// <summary>
    /// Keeps a flavor's servers on the QEMU host, which may share the lab with simulated hosts: an
    /// aggregate holding only that host, and the flavor asking for the aggregate's metadata
    /// (AggregateInstanceExtraSpecsFilter). Works for the member too, unlike a forced host.
    /// </summary>
    public static async Task KeepOnQemuHostAsync(NovaClient nova, string flavorId, string run, Cleanup cleanup, CancellationToken ct)
    {
        var host = QemuHost();
        var aggregate = await nova.Aggregates.CreateAsync(run + "-qemu", null, ct);
        cleanup.Add("aggregate", () => nova.Aggregates.DeleteAsync(aggregate.Id, CancellationToken.None));
        await nova.Aggregates.AddHostAsync(aggregate.Id, host, ct);
        cleanup.Add("aggregate host", () => nova.Aggregates.RemoveHostAsync(aggregate.Id, host, CancellationToken.None));
        await nova.Aggregates.SetMetadataAsync(aggregate.Id, new Dictionary<string, string?> { ["smog-it-host"] = run }, ct);
        await nova.Flavors.SetExtraSpecsAsync(flavorId, new Dictionary<string, string> { ["aggregate_instance_extra_specs:smog-it-host"] = run }, ct);
    }

    /// <summary>Whether the lab runs simulated hosts (lab/allinone up --hosts lists them with a command_prefix).</summary>
    public static bool HasSimulatedHosts()
    {
        var inventory = InventoryPath();
        return File.Exists(inventory) && File.ReadAllText(inventory).Contains("command_prefix:", StringComparison.Ordinal);
    }

    public static string InventoryPath() => Environment.GetEnvironmentVariable("SMOG_LAB_INVENTORY") is { Length: > 0 } given
        ? given
        : Path.Combine(Path.GetDirectoryName(CloudsFile)!, "inventory.yml");

    public static async Task<string> VirshDumpXmlAsync(string domain, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("virsh", ["-c", LibvirtUri(), "dumpxml", domain])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start virsh");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"virsh dumpxml {domain} failed: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"libvirt_uri:\s*""?([^""\n]+)""?")]
    private static partial Regex LibvirtLine();

    [GeneratedRegex(@"^\s*-\s*name:\s*""?([^""\s]+)""?", RegexOptions.Multiline)]
    private static partial Regex FirstHostLine();
}

/// <summary>
/// The lab's test classes that create servers, flavors or aggregates run one at a time:
/// SuiteLabTests compares the cloud's listings before and after a run.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LabCollection
{
    public const string Name = "lab";
}

/// <summary>
/// Undo actions run in reverse order even when the test failed; "already gone" (404) is fine,
/// other failures are reported after the rest ran.
/// </summary>
internal sealed class Cleanup : IAsyncDisposable
{
    private readonly Stack<(string What, Func<Task> Undo)> undo = new();

    public void Add(string what, Func<Task> action) => undo.Push((what, action));

    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        while (undo.TryPop(out var step))
        {
            try
            {
                await step.Undo();
            }
            catch (OpenStackNotFoundException)
            {
            }
            catch (Exception e)
            {
                failures.Add($"{step.What}: {e.Message}");
            }
        }
        if (failures.Count > 0) TestContext.Current.SendDiagnosticMessage("cleanup problems: " + string.Join("; ", failures));
    }
}
