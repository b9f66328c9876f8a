using CsCheck;
using Smog.Nova.Config;
using Smog.Topology;

namespace Smog.Tests.Nova.Config;

public sealed class NovaConfEditorTests
{
    private const string Sample =
        """
        [DEFAULT]
        # Where instances live.
        state_path = /var/lib/nova
        debug = false

        [compute]
        #
        # Mask of host CPUs for dedicated guests.
        #cpu_dedicated_set = <None>
        #cpu_shared_set = <None>

        [pci]
        device_spec = {"vendor_id": "8086", "product_id": "1520"}
        device_spec = {"vendor_id": "8086", "product_id": "10ed"}
        alias = {"name": "nic", "vendor_id": "8086"}

        [libvirt]
        virt_type = qemu
        ; end

        """;

    private static ConfEdit Edit(ConfEditKind kind, string text)
    {
        var edit = ConfEdit.Parse(kind, text, out var error);
        Assert.Null(error);
        return edit;
    }

    private static NovaConf Read(string text)
    {
        var parsed = NovaConfReader.ParseIni(text, "nova.conf");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    [Fact]
    public void Set_puts_a_new_option_after_its_commented_sample_line_and_touches_nothing_else()
    {
        var result = NovaConfEditor.Apply(Sample, [Edit(ConfEditKind.Set, "compute.cpu_shared_set=0,4")]);

        Assert.Equal(Sample.Replace("#cpu_shared_set = <None>\n", "#cpu_shared_set = <None>\ncpu_shared_set = 0,4\n", StringComparison.Ordinal), result.Text);
        var change = Assert.Single(result.Changes);
        Assert.Equal(("[compute] cpu_shared_set", 0, "0,4"), (change.Name, change.Before.Length, change.After.Single()));
        Assert.Equal(CpuSet.Parse("0,4"), Read(result.Text).CpuSharedSet);
    }

    [Fact]
    public void Set_replaces_every_value_of_a_repeated_option_with_one_line_where_the_first_was()
    {
        var result = NovaConfEditor.Apply(Sample, [Edit(ConfEditKind.Set, """pci.device_spec={"address": "0000:3b:00.0"}""")]);

        Assert.Contains("[pci]\ndevice_spec = {\"address\": \"0000:3b:00.0\"}\nalias = ", result.Text);
        Assert.Equal(["""{"address": "0000:3b:00.0"}"""], Read(result.Text).PciDeviceSpecs);
    }

    [Fact]
    public void Add_appends_one_more_value_after_the_last()
    {
        var result = NovaConfEditor.Apply(Sample, [Edit(ConfEditKind.Add, """pci.alias={"name": "gpu"}""")]);

        Assert.Contains("alias = {\"name\": \"nic\", \"vendor_id\": \"8086\"}\nalias = {\"name\": \"gpu\"}\n\n[libvirt]", result.Text);
        Assert.Equal(2, Read(result.Text).PciAliases.Length);
    }

    [Fact]
    public void Unset_removes_every_line_of_the_option_and_a_missing_section_is_appended()
    {
        var result = NovaConfEditor.Apply(Sample, [Edit(ConfEditKind.Unset, "pci.device_spec"), Edit(ConfEditKind.Set, "filter_scheduler.enabled_filters=A,B")]);

        Assert.DoesNotContain("device_spec", result.Text);
        Assert.EndsWith("; end\n\n[filter_scheduler]\nenabled_filters = A,B\n", result.Text);
        Assert.Equal(["A", "B"], Read(result.Text).Filters);
    }

    [Fact]
    public void Nothing_changed_means_the_same_bytes_even_with_crlf_and_no_final_newline()
    {
        var crlf = Sample.ReplaceLineEndings("\r\n").TrimEnd();

        var result = NovaConfEditor.Apply(crlf, [Edit(ConfEditKind.Set, "libvirt.virt_type=qemu"), Edit(ConfEditKind.Unset, "compute.cpu_shared_set")]);

        Assert.False(result.Changed);
        Assert.Same(crlf, result.Text);
    }

    [Fact]
    public void A_crlf_file_gets_crlf_lines()
    {
        var crlf = Sample.ReplaceLineEndings("\r\n");

        var result = NovaConfEditor.Apply(crlf, [Edit(ConfEditKind.Set, "libvirt.virt_type=kvm"), Edit(ConfEditKind.Set, "compute.cpu_dedicated_set=2-3")]);

        Assert.Equal(crlf.Replace("virt_type = qemu", "virt_type = kvm", StringComparison.Ordinal)
            .Replace("#cpu_dedicated_set = <None>\r\n", "#cpu_dedicated_set = <None>\r\ncpu_dedicated_set = 2-3\r\n", StringComparison.Ordinal), result.Text);
    }

    [Fact]
    public void Add_filter_starts_from_the_default_list_and_is_idempotent()
    {
        var edit = NovaConfEditor.AddFilter(Sample, "NUMATopologyFilter")!;
        var once = NovaConfEditor.Apply(Sample, [edit]).Text;

        Assert.Equal([.. NovaConf.DefaultEnabledFilters, "NUMATopologyFilter"], Read(once).Filters);
        Assert.Null(NovaConfEditor.AddFilter(once, "NUMATopologyFilter"));
        var twice = NovaConfEditor.Apply(once, [NovaConfEditor.AddFilter(once, "AggregateInstanceExtraSpecsFilter")!]).Text;
        Assert.Equal([.. NovaConf.DefaultEnabledFilters, "NUMATopologyFilter", "AggregateInstanceExtraSpecsFilter"], Read(twice).Filters);
    }

    [Theory]
    [InlineData(ConfEditKind.Set, "compute.cpu_shared_set", "expected section.option=value, found 'compute.cpu_shared_set'")]
    [InlineData(ConfEditKind.Set, "cpu_shared_set=1", "expected section.option=value (e.g. compute.cpu_shared_set=0-1), found 'cpu_shared_set=1'")]
    [InlineData(ConfEditKind.Set, "compute.=1", "expected section.option=value (e.g. compute.cpu_shared_set=0-1), found 'compute.=1'")]
    [InlineData(ConfEditKind.Unset, "compute", "expected section.option (e.g. compute.cpu_shared_set), found 'compute'")]
    [InlineData(ConfEditKind.Set, "a b.c=1", "expected section.option=value (e.g. compute.cpu_shared_set=0-1), found 'a b.c=1'")]
    public void Malformed_edits_say_what_was_expected(ConfEditKind kind, string text, string expected)
    {
        ConfEdit.Parse(kind, text, out var error);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Values_with_shell_and_ini_metacharacters_are_kept_verbatim()
    {
        var value = """$(touch /tmp/x); `id` 'q' "d" # not a comment = : ;""";
        var result = NovaConfEditor.Apply(Sample, [Edit(ConfEditKind.Add, "pci.alias=" + value)]);

        Assert.Equal(value, Read(result.Text).PciAliases[^1]);
    }

    // ---- Property: edit, re-read, and everything else is as it was ----

    private static Gen<string> Any(params string[] values) => Gen.OneOf(values.Select(Gen.Const).ToArray());

    private static readonly string[] Sections = ["DEFAULT", "compute", "libvirt", "pci", "filter_scheduler"];

    private static readonly (string Section, string Option, Gen<string> Value)[] Options =
    [
        ("compute", "cpu_shared_set", Gen.Int[0, 7].Select(i => $"{i}-{i + 1}")),
        ("compute", "cpu_dedicated_set", Gen.Int[10, 15].Select(i => $"{i},{i + 2}")),
        ("libvirt", "virt_type", Any("kvm", "qemu")),
        ("libvirt", "cpu_mode", Any("host-model", "host-passthrough")),
        ("pci", "device_spec", Gen.Int[0, 99].Select(i => $$"""{"address": "0000:{{i:00}}:00.0"}""")),
        ("pci", "alias", Gen.Int[0, 99].Select(i => $$"""{"name": "a{{i}}"}""")),
        ("filter_scheduler", "enabled_filters", Any("ComputeFilter", "ComputeFilter,NUMATopologyFilter")),
        ("DEFAULT", "reserved_host_memory_mb", Gen.Int[0, 4096].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        ("DEFAULT", "debug", Any("true", "false")),
        ("libvirt", "images_type", Any("qcow2", "raw")),
    ];

    private static readonly Gen<string> Line = Gen.OneOf(
        Gen.Int[0, Options.Length - 1].SelectMany(i => Options[i].Value.Select(v => $"{Options[i].Option} = {v}")),
        Any("# a comment", "", "; old style", "#cpu_shared_set = <None>", "#alias = <None>"));

    private static readonly Gen<string> Document =
        Gen.Select(Gen.Select(Any(Sections), Line.Array[0, 6]).Array[0, 6], Gen.Bool, Gen.Bool)
            .Select(x =>
            {
                var text = string.Concat(x.Item1.Select(s => $"[{s.Item1}]\n" + string.Concat(s.Item2.Select(l => l + "\n"))));
                if (x.Item2) text = text.ReplaceLineEndings("\r\n");
                return x.Item3 ? text.TrimEnd('\r', '\n') : text;
            });

    private static readonly Gen<ConfEdit> AnEdit =
        Gen.Select(Gen.Int[0, Options.Length - 1], Gen.Enum<ConfEditKind>())
            .SelectMany(x => Options[x.Item1].Value.Select(v =>
                new ConfEdit(x.Item2, Options[x.Item1].Section, Options[x.Item1].Option, x.Item2 == ConfEditKind.Unset ? "" : v)));

    /// <summary>The test's own reading of the file: (section, option) → values in order, non-indented option lines only.</summary>
    private static Dictionary<(string, string), List<string>> Raw(string text)
    {
        var values = new Dictionary<(string, string), List<string>>();
        string? section = null;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith('[')) { section = t[1..^1]; continue; }
            if (t.Length == 0 || t[0] is '#' or ';' || section is null) continue;
            var eq = t.IndexOf('=', StringComparison.Ordinal);
            var key = (section, t[..eq].Trim());
            if (!values.TryGetValue(key, out var list)) values[key] = list = [];
            list.Add(t[(eq + 1)..].Trim());
        }
        return values;
    }

    [Fact]
    public void Editing_then_rereading_gives_the_edited_values_and_leaves_every_other_option_equal()
    {
        Property.ForAll(Gen.Select(Document, AnEdit.Array[1, 4]), x =>
        {
            var (text, edits) = x;
            var before = Raw(text);
            var result = NovaConfEditor.Apply(text, edits);
            var after = Raw(result.Text);

            // The expected values of each edited option, applied in order to the test's own reading.
            var expected = before.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
            foreach (var e in edits)
            {
                var key = (e.Section, e.Option);
                var current = expected.GetValueOrDefault(key) ?? [];
                expected[key] = e.Kind switch
                {
                    ConfEditKind.Set => [e.Value],
                    ConfEditKind.Add => [.. current, e.Value],
                    _ => [],
                };
            }
            foreach (var key in expected.Keys.Union(after.Keys))
                Assert.Equal(expected.GetValueOrDefault(key) ?? [], after.GetValueOrDefault(key) ?? []);
            Assert.Equal(result.Changed, text != result.Text);
            // The reader Nova's engine uses agrees, on the options it knows.
            var conf = Read(result.Text);
            string? Last(string s, string o) => after.GetValueOrDefault((s, o))?.LastOrDefault();
            Assert.Equal(Last("libvirt", "virt_type") ?? "kvm", conf.VirtType);
            Assert.Equal(Last("compute", "cpu_shared_set") is { } shared ? CpuSet.Parse(shared) : null, conf.CpuSharedSet);
            Assert.Equal(after.GetValueOrDefault(("pci", "device_spec")) ?? [], conf.PciDeviceSpecs);
            Assert.Equal(after.GetValueOrDefault(("pci", "alias")) ?? [], conf.PciAliases);
        }, iter: 300);
    }

    [Fact]
    public void Setting_what_is_there_changes_no_byte()
    {
        Property.Check(Document, text =>
        {
            var raw = Raw(text);
            var single = raw.Where(kv => kv.Value.Count == 1).Select(kv => new ConfEdit(ConfEditKind.Set, kv.Key.Item1, kv.Key.Item2, kv.Value[0])).ToList();
            if (single.Count == 0) return null;
            var result = NovaConfEditor.Apply(text, single);
            return !result.Changed && ReferenceEquals(text, result.Text);
        }, minimum: 50, iter: 200);
    }
}
