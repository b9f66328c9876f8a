namespace Smog.Tests.Cli;

/// <summary>
/// Faults found by walking the CLI as a new user (issue 9): each error names the value as the
/// user wrote it, in the user's words, and sizes read in binary units.
/// </summary>
public sealed class InputWordingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("smog-wording-").FullName;
    private static readonly string L1 = Fixtures.PathOf("domains/virsh-dumpxml-running-kvm-hostpassthrough.xml");
    private static readonly string Flavor = Fixtures.PathOf("verify/b5-flavor.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void A_whole_number_too_big_is_out_of_range_not_a_non_integer()
    {
        var path = Write("flavor.json", """{"vcpus": 99999999999999999999, "memory_mb": 1024}""");

        var (exit, _, stderr) = CliRunner.Run(["lint", "--flavor", path]);

        Assert.Equal(2, exit);
        Assert.Equal($"smog: {path}: vcpus is out of range, found 99999999999999999999", stderr.Trim());
    }

    [Fact]
    public void A_nested_image_property_is_named_by_its_key()
    {
        var path = Write("image.json", """{"hw_cpu_policy": {"a": 1}}""");

        var (exit, _, stderr) = CliRunner.Run(["lint", "--flavor", Flavor, "--image", path]);

        Assert.Equal(2, exit);
        Assert.Equal($"smog: {path}: hw_cpu_policy in the image properties must be a string, number or boolean, found an object", stderr.Trim());
    }

    [Fact]
    public void A_bad_memory_size_echoes_what_was_typed()
    {
        var (exit, _, stderr) = CliRunner.Run(["xml", "fake-numa", "--in", L1, "--cells", "2", "--memory", "abc", "--out", Path.Combine(_dir, "o.xml")]);

        Assert.Equal(2, exit);
        Assert.Equal("smog: --memory must be a size above 0 in MiB or with a libvirt unit (4096, 4G, 4096MiB), not 'abc'", stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_dir, "o.xml")));
    }

    [Fact]
    public void The_wrote_line_reads_cell_sizes_in_binary_units()
    {
        // Given a 4-vCPU, 2 GiB L1 guest split in two
        var output = Path.Combine(_dir, "o.xml");

        var (exit, stdout, stderr) = CliRunner.Run(["xml", "fake-numa", "--in", L1, "--cells", "2", "--out", output]);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"wrote {output}: 2 cell(s) [0-1: 1 GiB] [2-3: 1 GiB]", stdout.Trim());
    }

    [Fact]
    public void Two_json_values_in_a_case_file_are_explained_without_serializer_positions()
    {
        var path = Write("two.json", "{}\n{}\n");

        var (exit, _, stderr) = CliRunner.Run(["plan", "--case", path]);

        Assert.Equal(2, exit);
        Assert.Equal($"smog: {path}:2: not valid JSON ({{ is invalid after a single JSON value. Expected end of data)", stderr.Trim());
    }

    [Fact]
    public void A_case_host_with_a_cpu_in_two_cells_is_bad_input()
    {
        // Given a host whose cells 0 and 1 both list CPUs 2-3 (a copy-paste slip)
        var path = Write("case.json", """
            {"host": {"cells": [{"id": 0, "cpus": [0, 1, 2, 3], "memory_mb": 4096}, {"id": 1, "cpus": [2, 3, 4, 5], "memory_mb": 4096}]},
             "flavor": {"vcpus": 2, "memory_mb": 1024, "extra_specs": {}}}
            """);

        var (exit, stdout, stderr) = CliRunner.Run(["plan", "--case", path]);

        // Then it is refused, not planned as a host that cannot exist
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"smog: {path}: host.cells[1]: CPUs 2-3 are also in cell 0", stderr.Trim());
    }

    [Fact]
    public void The_verify_verdict_is_one_line_however_long_the_path()
    {
        // Given the b5 inputs in a folder whose path alone is wider than 80 columns, with spaces and Unicode
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "dir with spaces", "ünïcødé ✓", "and a rather long folder name for the guest domain files")).FullName;
        foreach (var name in new[] { "b5-broken.xml", "b5-host.json", "b5-flavor.json" })
            File.Copy(Fixtures.PathOf($"verify/{name}"), Path.Combine(dir, name));
        var domain = Path.Combine(dir, "b5-broken.xml");

        // When verify prints its table at 80 columns
        var (exit, stdout, _) = CliRunner.Run(["verify", "--domain", domain, "--host", Path.Combine(dir, "b5-host.json"), "--flavor", Path.Combine(dir, "b5-flavor.json")], width: 80);

        // Then the verdict is still one line a script can grep
        Assert.Equal(1, exit);
        Assert.Contains($"\nfailed {domain}: 3 error(s), 1 warning(s)\n", stdout.ReplaceLineEndings("\n"));
    }
}
