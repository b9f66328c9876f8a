using System.Net;
using System.Net.Sockets;
using Smog.Cli;
using Smog.Tests.Cli;

namespace Smog.Tests.Cloud;

/// <summary><c>smog cloud serve</c>'s bad-input paths: one stderr line, exit 2, no half-written state.</summary>
public sealed class CloudServeCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("smog-serve-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_taken_port_is_one_line_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, _, stderr) = CliRunner.Run(["cloud", "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--for", "0s", "--state-dir", dir]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal($"smog: port {port} on 127.0.0.1 is in use (choose another with --port, or 0 for any free port)", stderr.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "clouds.yaml")));
    }

    [Fact]
    public void A_bad_lab_names_the_file_line_and_field()
    {
        var lab = Path.Combine(dir, "lab.yml");
        File.WriteAllText(lab, "version: 1\nhosts:\n  - name: h\n    topology:\n      cells: zero\n");

        var (exit, _, stderr) = CliRunner.Run(["cloud", "serve", "--lab", lab, "--for", "0s", "--state-dir", dir]);

        Assert.Equal(ExitCodes.BadInput, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"smog: {lab}:5:", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--fault", "latency=soon" }, "smog: --fault 'latency=soon': expected a duration like 50ms, 2s or 1m, found 'soon'")]
    [InlineData(new[] { "--defect", "nope" }, "smog: --defect: unknown defect 'nope' (known: ")]
    [InlineData(new[] { "--fault", "service-down=compute-9" }, "smog: --fault service-down=compute-9: no such host in default-lab.yml")]
    [InlineData(new[] { "--build-time", "fast" }, "smog: --build-time: expected a duration like 50ms, 2s or 1m, found 'fast'")]
    public void Bad_knobs_are_one_line_and_exit_2(string[] more, string expected)
    {
        var (exit, _, stderr) = CliRunner.Run(["cloud", "serve", "--for", "0s", "--state-dir", dir, .. more]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.StartsWith(expected, stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_writes_the_files_prints_how_to_use_them_and_no_secret()
    {
        var (exit, stdout, stderr) = CliRunner.Run(["cloud", "serve", "--for", "0s", "--state-dir", dir]);

        Assert.True(exit == 0, stderr);
        Assert.Contains($"OS_CLIENT_CONFIG_FILE={Path.Combine(dir, "clouds.yaml")}", stdout);
        Assert.Contains("openstack --os-cloud smog-admin hypervisor list", stdout);
        var secure = File.ReadAllText(Path.Combine(dir, "secure.yaml"));
        var passwords = secure.Split('\n').Where(l => l.Contains("password:", StringComparison.Ordinal)).Select(l => l.Split('"')[1]).ToList();
        Assert.Equal(2, passwords.Count);
        foreach (var password in passwords)
        {
            Assert.DoesNotContain(password, stdout + stderr);
            Assert.DoesNotContain(password, File.ReadAllText(Path.Combine(dir, "clouds.yaml")));
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "secure.yaml")));
    }
}
