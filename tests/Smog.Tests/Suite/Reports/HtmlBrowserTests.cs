using System.Diagnostics;
using System.Text.RegularExpressions;
using Smog.Suite.Reports;

namespace Smog.Tests.Suite.Reports;

/// <summary>
/// Renders the realistic report and opens it in headless Chromium (Debian's <c>chromium</c>):
/// the DOM Chromium builds holds every scenario section and every placement picture, and
/// screenshots at a wide and a narrow window are non-empty PNGs, kept as artifacts under
/// <c>$SMOG_ARTIFACTS</c> or the test output's TestResults/reports. Under CI=true a missing
/// chromium fails; locally the test skips saying how to install it.
/// </summary>
public class HtmlBrowserTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2); // a hung browser fails the test instead of hanging the run

    private static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable("SMOG_CHROMIUM") is { Length: > 0 } configured) return File.Exists(configured) ? configured : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in new[] { "chromium", "chromium-browser" })
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    private static string ArtifactDir()
    {
        var dir = Environment.GetEnvironmentVariable("SMOG_ARTIFACTS") is { Length: > 0 } root
            ? Path.Combine(root, "reports")
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "reports");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string RequireChromium()
    {
        var chromium = FindChromium();
        if (chromium is not null) return chromium;
        var why = "chromium is not installed (apt-get install -y chromium, or set SMOG_CHROMIUM)";
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(why + "; CI must test the HTML report in a browser");
        Assert.Skip(why);
        return "";
    }

    private static (int Code, string Stdout, string Stderr) Run(string exe, string profile, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}" }.Concat(args))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(Guard))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish within {Guard.TotalSeconds} s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Chromium_renders_every_scenario_and_picture_and_screenshots_the_page()
    {
        var chromium = RequireChromium();
        var dir = ArtifactDir();
        var page = Path.Combine(dir, "report-realistic.html");
        var report = SampleReports.Realistic();
        File.WriteAllText(page, HtmlReport.Render(report));
        var profile = Directory.CreateTempSubdirectory("smog-chromium-").FullName;
        try
        {
            var (code, dom, stderr) = Run(chromium, profile, "--dump-dom", new Uri(page).AbsoluteUri);
            Assert.True(code == 0, $"chromium --dump-dom exited {code}: {stderr}");

            // Every scenario is a section Chromium built, with its id as the section's data attribute.
            var sections = Regex.Matches(dom, "<section class=\"scenario (\\w+)\" id=\"[^\"]+\" data-scenario=\"([^\"]+)\"")
                .Select(m => (m.Groups[2].Value, m.Groups[1].Value)).ToList();
            Assert.Equal(report.Scenarios.Select(s => (s.Id, s.Verdict.ToString().ToLowerInvariant())), sections);

            // Every picture: the actual placement of each guest on a host with known topology, and
            // the prediction where it differs (isolate). None for NoValidHost or the host without access.
            string[] pictures = ["pic-s0-g0-actual", "pic-s1-g0-actual", "pic-s1-g0-predicted", "pic-s2-g0-actual", "pic-s2-g1-actual"];
            var svgs = Regex.Matches(dom, "<svg [^>]*id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(pictures, svgs);
            foreach (var id in pictures)
            {
                var svg = Regex.Match(dom, $"<svg [^>]*id=\"{id}\".*?</svg>", RegexOptions.Singleline).Value;
                Assert.Equal(4, Regex.Count(svg, "<g class=\"cell[ \"]")); // the 4-node host's cells
                Assert.Equal(32, Regex.Count(svg, "<g class=\"cpu ")); // and its 32 pCPUs
            }
            Assert.Contains("Coverage</h2>", dom);

            foreach (var (name, size) in new[] { ("wide", "1280,2000"), ("narrow", "660,2000") })
            {
                var png = Path.Combine(dir, $"report-realistic-{name}.png");
                File.Delete(png);
                var shot = Run(chromium, profile, $"--screenshot={png}", $"--window-size={size}", "--hide-scrollbars", new Uri(page).AbsoluteUri);
                Assert.True(shot.Code == 0, $"chromium --screenshot exited {shot.Code}: {shot.Stderr}");
                var bytes = File.ReadAllBytes(png);
                Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
                TestContext.Current.TestOutputHelper?.WriteLine($"screenshot ({name}): {png}");
            }
            TestContext.Current.TestOutputHelper?.WriteLine($"page: {page}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
