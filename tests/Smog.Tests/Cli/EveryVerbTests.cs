using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Smog.Cli;
using Spectre.Console.Cli;

namespace Smog.Tests.Cli;

/// <summary>
/// Walks every verb and sub-verb the registry declares (read from Spectre's own command model,
/// <c>smog cli xmldoc</c>, so a new verb is walked without editing this file): help works and
/// lists each option, an unknown option is a usage error, and every file a verb reads fails
/// cleanly when missing, empty, garbage or a directory: exit 2, one stderr line naming the path.
/// </summary>
public sealed class EveryVerbTests : IDisposable
{
    private static readonly Lazy<IReadOnlyList<Verb>> Model = new(ReadModel);
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-verbs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A command of the registry: its words after <c>smog</c>, and its settings type (null for a branch).</summary>
    public sealed record Verb(string Path, Type? Settings)
    {
        public string[] Words => Path.Split(' ');
        public override string ToString() => Path;
    }

    public static TheoryData<string> AllVerbs() => [.. Model.Value.Select(v => v.Path)];

    public static TheoryData<string> Commands() => [.. Model.Value.Where(v => v.Settings is not null).Select(v => v.Path)];

    [Fact]
    public void The_registry_has_the_verbs_users_know()
    {
        Assert.Superset(new HashSet<string> { "discover", "lint", "verify", "plan", "xml", "xml fake-numa", "bench", "bench fit", "run", "cleanup" },
            Model.Value.Select(v => v.Path).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(AllVerbs))]
    public void Help_exits_0_and_lists_every_option(string path)
    {
        var verb = Find(path);
        foreach (var flag in new[] { "--help", "-h" })
        {
            // When the user asks for help
            var (exit, stdout, stderr) = CliRunner.Run([.. verb.Words, flag]);

            // Then it is printed, with every option the settings declare
            Assert.True(exit == 0, $"{path} {flag}: exit {exit}: {stderr}");
            Assert.Equal("", stderr);
            foreach (var option in OptionsOf(verb)) Assert.Contains($"--{option}", stdout);
        }
    }

    [Theory]
    [MemberData(nameof(AllVerbs))]
    public void An_unknown_option_exits_2_naming_it(string path)
    {
        var (exit, stdout, stderr) = CliRunner.Run([.. Find(path).Words, "--bogus-option"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"smog: unknown option '--bogus-option' for 'smog {path}' (see smog {path} --help)", OneLine(stderr));
    }

    [Fact]
    public void Smog_alone_and_a_bare_branch_print_help_and_exit_0()
    {
        foreach (var args in new[] { Array.Empty<string>(), ["xml"], ["bench"] })
        {
            var (exit, stdout, stderr) = CliRunner.Run(args);
            Assert.True(exit == 0, $"smog {string.Join(' ', args)}: {stderr}");
            Assert.Contains("USAGE:", stdout);
        }
        Assert.Contains("EXIT CODES:", CliRunner.Run([]).Out);
    }

    [Fact]
    public void Version_names_smog_and_the_nova_release_it_models()
    {
        var (exit, stdout, _) = CliRunner.Run(["--version"]);

        Assert.Equal(0, exit);
        Assert.Matches("""^smog \d+\.\d+\.\d+ \(models OpenStack Nova 26\.2\.2 "Zed"\)$""", stdout.Trim());
    }

    /// <summary>Every file a verb reads, one at a time replaced by a bad one in an otherwise good command line.</summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_file_input_fails_in_one_line_naming_the_path(string path)
    {
        var verb = Find(path);
        var lines = GoodLines();
        Assert.True(lines.ContainsKey(path), $"no good command line for 'smog {path}' in GoodLines: add one so its files are walked");
        var (baseline, files) = lines[path];
        var baseExit = CliRunner.Run(baseline).Exit;
        Assert.True(baseExit is 0 or 1, $"the good command line for {path} exits {baseExit}");
        Assert.Equal(FileOptionsOf(verb).Order(), files.Keys.Order());

        foreach (var (option, withFile) in files)
            foreach (var (kind, bad, reason) in BadFiles(option))
            {
                var args = withFile(bad);
                var (exit, stdout, stderr) = CliRunner.Run(args);
                var what = $"smog {string.Join(' ', args)} ({kind})";
                Assert.True(exit == ExitCodes.BadInput, $"{what}: exit {exit}, stderr {stderr}");
                var line = OneLine(stderr);
                Assert.True(line.StartsWith($"smog: {bad}", StringComparison.Ordinal), $"{what}: {line}");
                Assert.True(reason is null || line.Contains(reason, StringComparison.Ordinal), $"{what}: '{line}' lacks '{reason}'");
                Assert.DoesNotContain("Exception", line);
                AssertPlainWords(what, line);
                if (!IsOutput(option)) Assert.DoesNotContain("wrote", stdout);
            }
    }

    [Theory]
    [InlineData(new[] { "xml", "fake-numa", "--in", "X", "--cells", "abc", "--out", "Y" }, "--cells: 'abc' is not a whole number")]
    [InlineData(new[] { "bench", "fit", "--reps=1.5" }, "--reps: '1.5' is not a whole number")]
    [InlineData(new[] { "plan", "--case" }, "--case needs a value")]
    [InlineData(new[] { "discover", "--from" }, "--from needs a value")]
    [InlineData(new[] { "plan", "--case", "c.json", "--xml", "--output", "json" }, "--xml prints domain XML; it does not go with --output json")]
    [InlineData(new[] { "xml", "fake-numa", "--in", "X", "--cells", "99999999999", "--out", "Y" }, "--cells: '99999999999' is not in range")]
    [InlineData(new[] { "xml", "fake-numa", "--in", "X", "--cells", "0", "--out", "Y" }, "--cells must be at least 1, not '0'")]
    [InlineData(new[] { "xml", "fake-numa", "--in", "X", "--cells", "2", "--cpus-per-cell", "0", "--out", "Y" }, "--cpus-per-cell must be at least 1, not '0'")]
    [InlineData(new[] { "xml", "fake-numa", "--in", "X", "--cells", "2", "--threads", "0", "--out", "Y" }, "--threads must be at least 1, not '0'")]
    [InlineData(new[] { "lint", "--flavor", "f.json", "--microversion", "3.0" }, "--microversion must be between 2.1 and 2.93 (Nova 26), not '3.0'")]
    [InlineData(new[] { "lint", "--flavor", "f.json", "--microversion", "2.999" }, "--microversion must be between 2.1 and 2.93 (Nova 26), not '2.999'")]
    [InlineData(new[] { "plan", "--case", "c.json", "extra" }, "unexpected argument 'extra' for 'smog plan' (see smog plan --help)")]
    [InlineData(new[] { "xml", "fake-numa", "extra" }, "unexpected argument 'extra' for 'smog xml fake-numa' (see smog xml fake-numa --help)")]
    [InlineData(new[] { "run", "--parallel", "0" }, "--parallel must be between 1 and 64, not '0'")]
    [InlineData(new[] { "run", "--list", "--scenario", "nope.*" }, "--scenario/--skip: 'nope.*' matches no scenario (smog run --list shows them)")]
    [InlineData(new[] { "run", "--defect", "nope" }, "--defect: unknown defect 'nope' (known: pin-other-node, ignore-thread-policy, reuse-pinned-pcpu, wrong-page-size, drop-memnode, wrong-cpu-topology, pci-far-node, ignore-aggregate, float-on-dedicated, ignore-numa-nodes)")]
    [InlineData(new[] { "run", "--defect", "drop-memnode", "--os-cloud", "x" }, "--defect: defects exist only in the embedded cloud; drop it or the target (--os-cloud)")]
    [InlineData(new[] { "cleanup" }, "give exactly one of --run ID or --list")]
    [InlineData(new[] { "cleanup", "--run", "bogus" }, "--run: 'bogus' is not a run id (smog-YYYYMMDD-HHMM-xxxx)")]
    [InlineData(new[] { "nosuchverb" }, "unknown verb 'nosuchverb' for 'smog' (see smog --help)")]
    [InlineData(new[] { "xml", "nosuchverb" }, "unknown verb 'nosuchverb' for 'smog xml' (see smog xml --help)")]
    public void Usage_errors_are_one_plain_line(string[] args, string expected)
    {
        var (exit, _, stderr) = CliRunner.Run(args);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal($"smog: {expected}", OneLine(stderr));
        Assert.DoesNotContain("Nullable", stderr);
        Assert.DoesNotContain("Int32", stderr);
    }

    /// <summary>No .NET type names (System.Int32, Smog.Topology.NumaCell) and no serializer positions in what users read.</summary>
    private static void AssertPlainWords(string what, string line)
    {
        Assert.False(Regex.IsMatch(line, @"\b(System|Smog|Microsoft)\.[A-Z]"), $"{what}: a .NET type name in '{line}'");
        Assert.False(line.Contains("LineNumber", StringComparison.Ordinal) || line.Contains("BytePosition", StringComparison.Ordinal), $"{what}: serializer position in '{line}'");
    }

    /// <summary>The one line of stderr; fails on none, on more, and on a stack trace.</summary>
    private static string OneLine(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr);
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Options naming a file smog writes: its directory must exist and it must not be a directory.</summary>
    private static bool IsOutput(string option) => option is "--out" or "--junit" or "--json" or "--html";

    /// <summary>Missing, empty, garbage and directory versions of a file, with the words the error must use.</summary>
    private IEnumerable<(string Kind, string Path, string? Reason)> BadFiles(string option)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "a-directory")).FullName;
        if (IsOutput(option))
        {
            // The one file smog writes: its directory must exist, and it must not be a directory.
            yield return ("missing directory", Path.Combine(_dir, "no-such-dir", "out.xml"), "does not exist");
            yield return ("directory", dir, "is a directory");
            yield break;
        }
        yield return ("missing", Path.Combine(_dir, "no-such-file"), "no such file");
        yield return ("empty", Write("empty-file", ""), "the file is empty");
        yield return ("garbage", Write("garbage-file", "\u0001garbage {{ <not [json] or xml>\n"), null);
        // JSON of the wrong shape: the reader must say where in the user's terms, not the serializer's.
        // "[1, 2]" is also a valid INI file: one empty section, which oslo.config accepts as a nova.conf.
        if (option != "--nova-conf") yield return ("a JSON array", Write("array.json", "[1, 2]"), null);
        yield return ("a JSON string", Write("string.json", "\"x\""), null);
        yield return ("nested wrong types", Write("wrong-types.json",
            """{"cells": [{"id": "a", "memory_mb": 1e40}], "flavor": {"vcpus": "x"}, "vcpus": [], "nodes": "x", "hw_cpu_policy": {}}"""), null);
        yield return ("two JSON values", Write("two-values.json", "{}\n{}\n"), null);
        // discover --from and verify --host read a directory as a sysfs tree; this one is not.
        yield return ("directory", dir, option is "--from" or "FILES" or "--host" ? "not a sysfs tree" : "is a directory, expected a file");
    }

    /// <summary>
    /// A command line per verb that runs (exit 0 or 1), and for each file option a way to put a
    /// bad path in its place. The walk fails when a verb or a file option has no entry here.
    /// </summary>
    private Dictionary<string, (string[] Baseline, Dictionary<string, Func<string, string[]>> Files)> GoodLines()
    {
        var caps = Fixtures.PathOf("caps/virsh-capabilities-local.xml");
        var domain = Fixtures.PathOf("verify/b5-correct.xml");
        var host = Fixtures.PathOf("verify/b5-host.json");
        var flavor = Fixtures.PathOf("verify/b5-flavor.json");
        var image = Write("image.json", """{"hw_cpu_policy": "dedicated"}""");
        var topologyApi = Write("topology.json", """{"nodes": [], "pagesize_kb": null}""");
        var inventory = Write("hosts.yml", "hosts:\n  - name: here\n    access: local\n");
        var @case = Write("case.json", FirstLine("nova-vectors/cases.jsonl"));
        var recorded = Write("recorded.json", FirstLine("nova-vectors/expected.jsonl"));
        var cases = Write("cases.jsonl", FirstLine("nova-vectors/cases.jsonl") + "\n");
        var expected = Write("expected.jsonl", FirstLine("nova-vectors/expected.jsonl") + "\n");
        var topology = Write("host-topology.json", CliRunner.Run(["discover", "--from", caps, "--output", "json"]).Out);
        var l1 = Fixtures.PathOf("domains/virsh-dumpxml-running-kvm-hostpassthrough.xml");
        var output = Path.Combine(_dir, "out.xml");
        string[] EnvFakeNuma(string inv) =>
            ["env", "fake-numa", "--inventory", inv, "--host", "l1", "--cells", "2", "--memory-per-cell", "512", "--resize", "--dry-run"];

        var novaConf = Write("nova.conf", "[DEFAULT]\ndebug = false\n");
        // The libvirt test driver as the L0 (its domain "test" as an L1): env dry runs read it and change nothing.
        var envInventory = Write("env-hosts.yml",
            $"hosts:\n  - name: here\n    access: local\n    nova_conf: {novaConf}\n    libvirt_uri: test:///default\n  - name: l1\n    parent: here\n    domain: test\n");
        var envState = Path.Combine(_dir, "env-state");
        string[] NovaConf(string inv) => ["env", "nova-conf", "--host", "here", "--inventory", inv, "--state-dir", envState, "--set", "compute.cpu_shared_set=0", "--dry-run"];
        string[] HugePages(string inv) => ["env", "hugepages", "--host", "here", "--inventory", inv, "--state-dir", envState, "--size", "2M", "--count", "0", "--dry-run"];
        var runConfig = Write("run.yml", "image: smog-blank\nscenarios: [\"numa.*\"]\n");
        var stateDir = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        string[] Run(string config, string inv, string junit, string json, string html) =>
            ["run", "--list", "--config", config, "--inventory", inv, "--junit", junit, "--json", json, "--html", html];
        var (junitOut, jsonOut, htmlOut) = (Path.Combine(_dir, "r.xml"), Path.Combine(_dir, "r.json"), Path.Combine(_dir, "r.html"));
        string[] Verify(params string[] more) => ["verify", "--domain", domain, "--host", host, "--flavor", flavor, .. more];
        string[] FakeNuma(string input, string caps, string output) =>
            ["xml", "fake-numa", "--in", input, "--cells", "2", "--mode", "custom", "--capabilities", caps, "--out", output];
        return new()
        {
            ["discover"] = (["discover", "--from", caps], new()
            {
                ["--from"] = bad => ["discover", "--from", bad],
                ["FILES"] = bad => ["discover", "--from", caps, bad],
                ["--inventory"] = bad => ["discover", "--host", "here", "--inventory", bad],
            }),
            ["lint"] = (["lint", "--flavor", flavor, "--image", image], new()
            {
                ["--flavor"] = bad => ["lint", "--flavor", bad],
                ["--image"] = bad => ["lint", "--flavor", flavor, "--image", bad],
            }),
            ["verify"] = (Verify("--image", image, "--others", domain, "--topology-api", topologyApi), new()
            {
                ["--domain"] = bad => ["verify", "--domain", bad, "--host", host, "--flavor", flavor],
                ["--host"] = bad => ["verify", "--domain", domain, "--host", bad, "--flavor", flavor],
                ["--flavor"] = bad => ["verify", "--domain", domain, "--host", host, "--flavor", bad],
                ["--image"] = bad => Verify("--image", bad),
                ["--others"] = bad => Verify("--others", bad),
                ["--topology-api"] = bad => Verify("--topology-api", bad),
                ["--nova-conf"] = bad => Verify("--nova-conf", bad),
            }),
            ["xml fake-numa"] = (FakeNuma(l1, caps, output), new()
            {
                ["--in"] = bad => FakeNuma(bad, caps, output),
                ["--capabilities"] = bad => FakeNuma(l1, bad, output),
                ["--out"] = bad => FakeNuma(l1, caps, bad),
            }),
            ["plan"] = (["plan", "--case", @case, "--recorded", recorded], new()
            {
                ["--case"] = bad => ["plan", "--case", bad],
                ["--batch"] = bad => ["plan", "--batch", bad],
                ["--recorded"] = bad => ["plan", "--case", @case, "--recorded", bad],
                ["--host-topology"] = bad => ["plan", "--case", @case, "--host-topology", bad],
                ["--nova-conf"] = bad => ["plan", "--case", @case, "--nova-conf", bad],
            }),
            ["run"] = (Run(runConfig, inventory, junitOut, jsonOut, htmlOut), new()
            {
                ["--config"] = bad => Run(bad, inventory, junitOut, jsonOut, htmlOut),
                ["--inventory"] = bad => Run(runConfig, bad, junitOut, jsonOut, htmlOut),
                ["--junit"] = bad => Run(runConfig, inventory, bad, jsonOut, htmlOut),
                ["--json"] = bad => Run(runConfig, inventory, junitOut, bad, htmlOut),
                ["--html"] = bad => Run(runConfig, inventory, junitOut, jsonOut, bad),
            }),
            ["cleanup"] = (["cleanup", "--list", "--state-dir", stateDir], new()),
            ["cloud serve"] = (["cloud", "serve", "--for", "0s", "--state-dir", Path.Combine(_dir, "cloud-state")], new()
            {
                ["--lab"] = bad => ["cloud", "serve", "--for", "0s", "--state-dir", Path.Combine(_dir, "cloud-state"), "--lab", bad],
            }),
            ["bench fit"] = (["bench", "fit", "--cases", cases, "--expected", expected, "--reps", "1", "--warmup", "0", "--blowup-nodes", ""], new()
            {
                ["--cases"] = bad => ["bench", "fit", "--cases", bad, "--expected", expected, "--reps", "1", "--warmup", "0", "--blowup-nodes", ""],
                ["--expected"] = bad => ["bench", "fit", "--cases", cases, "--expected", bad, "--reps", "1", "--warmup", "0", "--blowup-nodes", ""],
            }),
            ["env nested"] = (["env", "nested", "--inventory", envInventory, "--dry-run"], new()
            {
                ["--inventory"] = bad => ["env", "nested", "--inventory", bad, "--dry-run"],
            }),
            ["env fake-numa"] = (EnvFakeNuma(envInventory), new()
            {
                ["--inventory"] = bad => EnvFakeNuma(bad),
            }),
            ["env nova-conf"] = (NovaConf(envInventory), new() { ["--inventory"] = NovaConf }),
            ["env hugepages"] = (HugePages(envInventory), new() { ["--inventory"] = HugePages }),
            ["env check"] = (["env", "check", "--inventory", envInventory, "--output", "json"], new()
            {
                ["--inventory"] = bad => ["env", "check", "--inventory", bad],
            }),
            ["env restore"] = (["env", "restore", "--inventory", envInventory, "--state-dir", envState], new()
            {
                ["--inventory"] = bad => ["env", "restore", "--inventory", bad, "--state-dir", envState],
            }),
            // No file options: a generated lab.
            ["bench cloud"] = (["bench", "cloud", "--hosts", "4", "--instances", "8", "--decisions", "4"], new()),
        };
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string FirstLine(string fixture) => File.ReadLines(Fixtures.PathOf(fixture)).First();

    private static Verb Find(string path) => Model.Value.Single(v => v.Path == path);

    /// <summary>Long names of the options the settings type declares (reflection, as Spectre itself reads them).</summary>
    private static IEnumerable<string> OptionsOf(Verb verb) =>
        verb.Settings?.GetProperties().Select(p => p.GetCustomAttribute<CommandOptionAttribute>()).OfType<CommandOptionAttribute>()
            .Select(o => o.LongNames[0]) ?? [];

    /// <summary>Options (and arguments) whose value is a file: the value name says FILE or FILES.</summary>
    private static IEnumerable<string> FileOptionsOf(Verb verb)
    {
        foreach (var property in verb.Settings!.GetProperties())
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { ValueName: "FILE" or "FILES" } o) yield return $"--{o.LongNames[0]}";
            if (property.GetCustomAttribute<CommandArgumentAttribute>() is { ValueName: "FILE" or "FILES" } a) yield return a.ValueName;
        }
    }

    /// <summary>Every command and branch of Spectre's model of the registry.</summary>
    private static IReadOnlyList<Verb> ReadModel()
    {
        var (exit, xml, _) = CliRunner.Run(["cli", "xmldoc"], width: 100_000);
        Assert.Equal(0, exit);
        var assembly = typeof(SmogApp).Assembly;
        return [.. XDocument.Parse(xml).Descendants("Command").Select(c => new Verb(
            string.Join(' ', c.AncestorsAndSelf("Command").Reverse().Select(a => (string)a.Attribute("Name")!)),
            (string?)c.Attribute("Settings") is { } settings && (string?)c.Attribute("IsBranch") != "true"
                ? assembly.GetType(settings, throwOnError: true) : null))];
    }
}
