using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Smog.Tests.Cloud;

/// <summary>
/// Debian's <c>openstack</c> CLI (python3-openstackclient, python3-osc-placement) against
/// <c>smog cloud serve</c> run as a real process, configured only by the files it writes:
/// flavors, aggregates, a server built and deleted, hypervisors and placement inventories.
/// Under CI=true a missing CLI fails the test; elsewhere it skips, saying why.
/// </summary>
public sealed partial class OpenStackCliTests
{
    private const string Cli = "/usr/bin/openstack";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_openstack_cli_manages_flavors_aggregates_and_servers_on_smog_cloud_serve()
    {
        if (!File.Exists(Cli))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{Cli} is missing (python3-openstackclient is in .ci/run's packages)");
            Assert.Skip($"{Cli} is not installed (apt install python3-openstackclient python3-osc-placement)");
        }
        var state = Directory.CreateTempSubdirectory("smog-osc-").FullName;
        using var serve = StartServe(state);
        try
        {
            await WaitForFilesAsync(serve, state);
            var env = new Dictionary<string, string>
            {
                ["OS_CLIENT_CONFIG_FILE"] = Path.Combine(state, "clouds.yaml"),
                ["OS_CLIENT_SECURE_FILE"] = Path.Combine(state, "secure.yaml"),
            };
            async Task<string> Osc(params string[] args)
            {
                var (exit, stdout, stderr) = await RunAsync(Cli, ["--os-cloud", "smog-admin", .. args], env);
                Assert.True(exit == 0, $"openstack {string.Join(' ', args)}: exit {exit}: {stderr}");
                return stdout.Trim();
            }

            var flavor = await Osc("flavor", "create", "--vcpus", "2", "--ram", "1024", "--disk", "1", "osc-pinned", "-f", "value", "-c", "id");
            await Osc("flavor", "set", "--property", "hw:cpu_policy=dedicated", "--property", "aggregate_instance_extra_specs:pinned=true", "osc-pinned");
            Assert.Contains("'hw:cpu_policy': 'dedicated'", await Osc("flavor", "show", flavor, "-f", "value", "-c", "properties"));
            await Osc("aggregate", "create", "osc-pinned-hosts");
            await Osc("aggregate", "set", "--property", "pinned=true", "osc-pinned-hosts");
            Assert.Contains("compute-1", await Osc("aggregate", "add", "host", "osc-pinned-hosts", "compute-1", "-f", "value", "-c", "hosts"));

            var created = await Osc("server", "create", "--flavor", "osc-pinned", "--image", "smog-blank", "--nic", "none", "--wait", "osc-vm", "-f", "value", "-c", "status");
            Assert.Equal("ACTIVE", created);
            var shown = await Osc("server", "show", "osc-vm", "-f", "value", "-c", "OS-EXT-SRV-ATTR:host");
            Assert.Equal("compute-1", shown);

            var hypervisors = await Osc("hypervisor", "list", "-f", "value", "-c", "Hypervisor Hostname");
            Assert.Equal(["compute-0", "compute-1", "compute-2", "compute-3"], hypervisors.Split('\n').Select(l => l.Trim()).Order(StringComparer.Ordinal));
            var providers = await Osc("resource", "provider", "list", "--name", "compute-1", "-f", "value", "-c", "uuid");
            var inventory = await Osc("resource", "provider", "inventory", "list", providers, "-f", "value", "-c", "resource_class", "-c", "used");
            Assert.Contains("PCPU 2", inventory);

            await Osc("server", "delete", "--wait", "osc-vm");
            Assert.DoesNotContain("osc-vm", await Osc("server", "list", "-f", "value", "-c", "Name"));
        }
        finally
        {
            // SIGTERM is how a service manager stops it: a clean exit 0.
            if (!serve.HasExited)
            {
                Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
                await serve.WaitForExitAsync(Ct);
            }
            Directory.Delete(state, recursive: true);
        }
        Assert.Equal(0, serve.ExitCode);
    }

    private static Process StartServe(string state)
    {
        var smog = Path.Combine(AppContext.BaseDirectory, "smog.dll");
        var info = new ProcessStartInfo("dotnet", ["exec", smog, "cloud", "serve", "--state-dir", state, "--for", "5m", "--build-time", "100ms"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start smog cloud serve");
    }

    private static async Task WaitForFilesAsync(Process serve, string state)
    {
        var line = await serve.StandardOutput.ReadLineAsync(Ct);
        Assert.True(line is not null && EmbeddedLine().IsMatch(line), $"smog cloud serve printed '{line}' first; stderr: {(serve.HasExited ? await serve.StandardError.ReadToEndAsync(Ct) : "")}");
        Assert.True(File.Exists(Path.Combine(state, "clouds.yaml")));
        // Keep reading so the child never blocks on a full pipe.
        _ = serve.StandardOutput.ReadToEndAsync(CancellationToken.None);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, string[] args, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^Embedded cloud on http://127\.0\.0\.1:\d+ ")]
    private static partial Regex EmbeddedLine();
}
