using Smog.Hosts;
using Smog.Hosts.Prefixed;

namespace Smog.Tests.Hosts;

/// <summary>The inventory's <c>command_prefix</c> and <c>files_root</c>: parsing, and the runner they give.</summary>
public class InventoryPrefixTests
{
    private static HostInventory Parse(string yaml) => InventoryParser.Parse(yaml, "hosts.yml", "/etc/smog");

    [Fact]
    public void A_simulated_lab_host_keeps_its_prefix_words_and_files_root()
    {
        // As lab/allinone writes lab/.state/inventory.yml for a simulated host.
        var host = Parse("""
            hosts:
              - name: compute-0
                access: local
                libvirt_uri: "test:///smog-sim/compute-0"
                command_prefix: [/usr/bin/python3, /lab/allinone.d/simhost.py, exec, --state, /var/lib/smog-lab/sim/compute-0, --]
                files_root: /var/lib/smog-lab/sim/compute-0/root
            """).Find("compute-0");
        Assert.Equal(["/usr/bin/python3", "/lab/allinone.d/simhost.py", "exec", "--state", "/var/lib/smog-lab/sim/compute-0", "--"], host.CommandPrefix);
        Assert.Equal("/var/lib/smog-lab/sim/compute-0/root", host.FilesRoot);
        Assert.Equal(HostAccess.Local, host.Access);
    }

    [Theory]
    [InlineData("podman exec nova_libvirt", new[] { "podman", "exec", "nova_libvirt" })]
    [InlineData("docker exec nova_compute", new[] { "docker", "exec", "nova_compute" })]
    [InlineData("sudo -n", new[] { "sudo", "-n" })]
    [InlineData("  sudo   -n  ", new[] { "sudo", "-n" })]
    [InlineData("env 'A=two words' \"B=x y\" C=a\\ b D=''", new[] { "env", "A=two words", "B=x y", "C=a b", "D=" })]
    public void A_prefix_string_splits_like_a_shell_word_list(string text, string[] words)
    {
        var host = Parse($"hosts:\n  - name: c\n    address: 10.0.0.5\n    key: /k\n    command_prefix: {Yaml(text)}\n").Find("c");
        Assert.Equal(words, host.CommandPrefix);
        Assert.NotNull(host.Ssh);
    }

    private static string Yaml(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static TheoryData<string, string, string> BadRows => new()
    {
        { "an open quote", "hosts:\n  - name: a\n    access: local\n    command_prefix: \"sudo 'x\"", "hosts.yml:4: hosts[0].command_prefix: a single quote is not closed in 'sudo 'x'" },
        { "no words", "hosts:\n  - name: a\n    access: local\n    command_prefix: []", "hosts.yml:4: hosts[0].command_prefix: expected at least one word" },
        { "blank string", "hosts:\n  - name: a\n    access: local\n    command_prefix: '  '", "hosts.yml:4: hosts[0].command_prefix: expected at least one word" },
        { "an empty word", "hosts:\n  - name: a\n    access: local\n    command_prefix:\n      - sudo\n      - ''", "hosts.yml:6: hosts[0].command_prefix[1]: expected a non-empty word" },
        { "a mapping", "hosts:\n  - name: a\n    access: local\n    command_prefix: {run: sudo}", "hosts.yml:4: hosts[0].command_prefix: expected a list of words or one string" },
        { "a relative files_root", "hosts:\n  - name: a\n    access: local\n    files_root: sim/root", "hosts.yml:4: hosts[0].files_root: expected an absolute path on the host, found 'sim/root'" },
        { "an empty files_root", "hosts:\n  - name: a\n    access: local\n    files_root:", "hosts.yml:4: hosts[0].files_root: expected a non-empty value" },
        { "a prefix on an embedded host", "hosts:\n  - name: a\n    access: embedded\n    url: http://127.0.0.1:1/smog/hosts/a\n    key: k\n    command_prefix: sudo -n", "hosts.yml:6: hosts[0].command_prefix: only for access: local or ssh" },
        { "a files_root on an embedded host", "hosts:\n  - name: a\n    access: embedded\n    url: http://127.0.0.1:1/smog/hosts/a\n    key: k\n    files_root: /x", "hosts.yml:6: hosts[0].files_root: only for access: local or ssh" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void Bad_prefixes_and_roots_are_one_line_naming_file_line_and_field(string description, string yaml, string expectedStart)
    {
        _ = description;
        var error = Assert.Throws<InventoryException>(() => Parse(yaml));
        Assert.StartsWith(expectedStart, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_host_without_prefix_or_root_gets_the_plain_runner_and_one_with_them_the_prefixed_one()
    {
        var inventory = Parse("hosts:\n  - {name: a, access: local}\n  - {name: b, access: local, command_prefix: sudo -n, files_root: /srv/b}\n");
        Assert.IsType<LocalCommandRunner>(await HostInventory.ConnectAsync(inventory.Find("a"), TestContext.Current.CancellationToken));
        var runner = Assert.IsType<PrefixedCommandRunner>(await HostInventory.ConnectAsync(inventory.Find("b"), TestContext.Current.CancellationToken));
        Assert.Equal(["sudo", "-n"], runner.Prefix);
        Assert.Equal("/srv/b/sys/devices", runner.Map("/sys/devices"));
    }
}
