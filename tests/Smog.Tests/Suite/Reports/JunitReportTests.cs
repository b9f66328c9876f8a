using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using CsCheck;
using Smog.Suite.Reports;
using Smog.Suite.Results;

namespace Smog.Tests.Suite.Reports;

public class JunitReportTests
{
    private static readonly XmlSchemaSet Schema = LoadSchema();

    private static XmlSchemaSet LoadSchema()
    {
        var set = new XmlSchemaSet();
        using var reader = XmlReader.Create(Fixtures.Require("junit/junit-jenkins.xsd"));
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    /// <summary>Parses the XML and validates it against the Jenkins/GitLab schema; fails listing every schema error.</summary>
    internal static XDocument ParseValid(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        Assert.True(errors.Count == 0, "schema errors:\n" + string.Join("\n", errors));
        return document;
    }

    private static XElement Case(XDocument doc, string id) =>
        doc.Descendants("testcase").Single(c => (string?)c.Attribute("name") == id);

    [Fact]
    public void A_realistic_run_is_valid_JUnit_with_one_suite_and_its_counts()
    {
        var doc = ParseValid(JunitReport.Render(SampleReports.Realistic()));

        Assert.Equal("testsuites", doc.Root!.Name.LocalName);
        var suite = Assert.Single(doc.Root.Elements("testsuite"));
        Assert.Equal("smog", (string?)suite.Attribute("name"));
        Assert.Equal("r1a2b3", (string?)suite.Attribute("id"));
        Assert.Equal(("6", "1", "1", "1"), ((string?)suite.Attribute("tests"), (string?)suite.Attribute("failures"),
            (string?)suite.Attribute("errors"), (string?)suite.Attribute("skipped")));
        Assert.Equal("450.125", (string?)suite.Attribute("time"));
        Assert.Equal("2026-12-03T10:00:00", (string?)suite.Attribute("timestamp"));
        Assert.Equal(6, suite.Elements("testcase").Count());
    }

    [Fact]
    public void The_target_is_in_the_suite_properties()
    {
        var doc = ParseValid(JunitReport.Render(SampleReports.Realistic()));

        var properties = doc.Descendants("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        Assert.Equal("r1a2b3", properties["run_id"]);
        Assert.Equal("openstack", properties["target.kind"]);
        Assert.Equal("smog-admin", properties["target.admin_cloud"]);
        Assert.Equal("smog-member", properties["target.boot_cloud"]);
        Assert.Equal("member", properties["target.boots_as"]);
        Assert.Equal("2.93", properties["target.compute_microversion"]);
        Assert.False(properties.ContainsKey("target.defect"));
    }

    [Fact]
    public void Every_scenario_is_a_testcase_named_by_id_in_its_group_class()
    {
        var doc = ParseValid(JunitReport.Render(SampleReports.Realistic()));

        Assert.Equal(
            [("smog.numa", "numa.two-nodes", "41.500"), ("smog.pinning", "pinning.isolate", "38.250"),
             ("smog.pinning", "pinning.dedicated-and-shared", "52.000"), ("smog.numa", "numa.too-many-nodes", "9.750"),
             ("smog.hugepages", "hugepages.1g", "0.000"), ("smog.lifecycle", "lifecycle.live-migrate", "300.500")],
            doc.Descendants("testcase").Select(c => ((string)c.Attribute("classname")!, (string)c.Attribute("name")!, (string)c.Attribute("time")!)));
    }

    [Fact]
    public void A_failed_scenario_has_one_failure_listing_its_error_findings_with_expected_and_actual()
    {
        var failed = Case(ParseValid(JunitReport.Render(SampleReports.Realistic())), "pinning.isolate");

        var failure = Assert.Single(failed.Elements("failure"));
        Assert.Equal("2 findings: thread.isolate, prediction.pins", (string?)failure.Attribute("message"));
        Assert.Equal("thread.isolate", (string?)failure.Attribute("type"));
        Assert.Contains("[error] thread.isolate: vCPUs 0 and 1 run on SMT siblings of one core", failure.Value);
        Assert.Contains("expected: each vCPU on its own core, siblings unused", failure.Value);
        Assert.Contains("actual:   vCPU 0 → 12, vCPU 1 → 28 (sibling of 12)", failure.Value);
        Assert.Contains("xml lines: 12, 13", failure.Value);
        Assert.DoesNotContain("emulator.share", failure.Value); // a warning is not a failure ...
        Assert.Contains("[warning] emulator.share", failed.Element("system-out")!.Value); // ... it is logged
        Assert.Empty(failed.Elements("error").Concat(failed.Elements("skipped")));
    }

    [Fact]
    public void Skipped_errored_and_passed_scenarios_carry_their_own_element_only()
    {
        var doc = ParseValid(JunitReport.Render(SampleReports.Realistic()));

        var skipped = Assert.Single(Case(doc, "hugepages.1g").Elements("skipped"));
        Assert.Equal("no-1g-pages: no host has a free 1G page on a cell with room for the guest", (string?)skipped.Attribute("message"));

        var errored = Case(doc, "lifecycle.live-migrate");
        var error = Assert.Single(errored.Elements("error"));
        Assert.Equal("timed out after 300 s waiting for the server to leave MIGRATING", (string?)error.Attribute("message"));
        Assert.Contains("step 'live migrate' failed: still MIGRATING after 300 s", error.Value);

        var passed = Case(doc, "numa.two-nodes");
        Assert.Equal(["system-out"], passed.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void System_out_holds_the_steps_and_the_not_checked_notes()
    {
        var side = Case(ParseValid(JunitReport.Render(SampleReports.Realistic())), "pinning.dedicated-and-shared");

        var output = side.Element("system-out")!.Value;
        Assert.Contains("step ok   boot dedicated (30.100 s)", output);
        Assert.Contains("not checked: domain XML of compute-1 guests: no host access to compute-1", output);
    }

    [Fact]
    public void Hostile_strings_stay_text_lose_their_control_characters_and_no_secret_leaks()
    {
        var xml = JunitReport.Render(SampleReports.HostileReport());

        var doc = ParseValid(xml);
        var expected = SampleReports.Hostile.Replace("\u0001", "", StringComparison.Ordinal).Replace("\u001b", "", StringComparison.Ordinal);
        Assert.Equal("r-" + expected, (string?)doc.Descendants("testsuite").Single().Attribute("id"));
        var failure = doc.Descendants("failure").Single();
        Assert.Contains("expected: " + expected, failure.Value); // "]]>", "<script>" and "<!--" survive as text
        Assert.Empty(doc.Descendants("script"));
        Assert.DoesNotContain("\u0001", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", xml, StringComparison.Ordinal);
        Assert.Equal("https://keystone.example:5000/v3",
            (string?)doc.Descendants("property").Single(p => (string?)p.Attribute("name") == "target.auth_url").Attribute("value"));
    }

    [Fact]
    public void Any_text_in_a_finding_yields_valid_JUnit_that_keeps_every_XML_character()
    {
        var template = SampleReports.Realistic();
        Property.Check(Gen.String[Gen.Char[(char)0, (char)0xFFFF], 0, 40], text =>
        {
            if (text.Length == 0) return null; // an empty expectation is left out, by design
            var report = template with
            {
                Scenarios = [template.Scenarios[1] with
                {
                    Findings = [template.Scenarios[1].Findings[0] with { Message = text, Expected = text }],
                }],
            };
            var failure = ParseValid(JunitReport.Render(report)).Descendants("failure").Single();
            var kept = ReportText.Clean(text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
            return failure.Value.Contains("expected: " + kept, StringComparison.Ordinal);
        }, minimum: 150, iter: 200);
    }

    [Fact]
    public void An_empty_run_is_valid_with_zero_counts()
    {
        var empty = SampleReports.Realistic() with { Scenarios = [] };

        var suite = ParseValid(JunitReport.Render(empty)).Descendants("testsuite").Single();

        Assert.Equal("0", (string?)suite.Attribute("tests"));
        Assert.Empty(suite.Elements("testcase"));
    }

    [Fact]
    public void Clean_keeps_tabs_newlines_and_surrogate_pairs_and_drops_what_XML_forbids() =>
        Assert.Equal("a\tb\nc\r😀d", ReportText.Clean("a\tb\nc\r\u0000😀\uD800d\uFFFE\u0008"));
}
