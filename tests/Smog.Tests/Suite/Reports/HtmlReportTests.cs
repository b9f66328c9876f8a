using System.Text.RegularExpressions;
using Smog.Suite.Reports;

namespace Smog.Tests.Suite.Reports;

/// <summary>The HTML page's content and safety, read from the markup (rendering in a browser: <see cref="HtmlBrowserTests"/>).</summary>
public class HtmlReportTests
{
    private static readonly string Page = HtmlReport.Render(SampleReports.Realistic());

    private static string Svg(string html, string id) =>
        Regex.Match(html, $"<svg [^>]*id=\"{id}\".*?</svg>", RegexOptions.Singleline).Value;

    private static string Cpu(string svg, int cpu) =>
        Regex.Match(svg, $"<g class=\"cpu [^\"]*\"><title>pCPU {cpu} \\(.*?</g>", RegexOptions.Singleline).Value;

    [Fact]
    public void The_page_is_self_contained_with_no_script_and_no_external_resource()
    {
        Assert.StartsWith("<!DOCTYPE html>", Page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", Page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", Page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", Page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", Page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", Page, StringComparison.OrdinalIgnoreCase);
        // The only URLs: the SVG namespace (an identifier, never fetched) and the auth URL shown as text.
        Assert.Equal(["http://www.w3.org/2000/svg", "https://keystone.example:5000/v3"],
            Regex.Matches(Page, "https?://[^\"<\\s]+").Select(m => m.Value).Distinct().Order());
        Assert.DoesNotContain("href=\"http", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_names_the_target_the_boot_identity_the_times_and_the_totals()
    {
        Assert.Contains("<dt>cloud</dt><dd>openstack: admin cloud smog-admin</dd>", Page);
        Assert.Contains("<dt>servers booted as</dt><dd>member (cloud smog-member, not admin)</dd>", Page);
        Assert.Contains("<dt>compute microversion</dt><dd>2.93</dd>", Page);
        Assert.Contains("<dt>started</dt><dd>2026-12-03 10:00:00 +00:00</dd>", Page);
        Assert.Contains("<dt>duration</dt><dd>450.125 s</dd>", Page);
        Assert.Contains("<span class=\"badge failed\">FAILED</span> 1</span>", Page);
        Assert.Contains("<span class=\"badge passed\">PASSED</span> 3</span>", Page);
        Assert.DoesNotContain("defect switched on", Page);
        var withDefect = HtmlReport.Render(SampleReports.Realistic() with { Target = SampleReports.Realistic().Target with { Defect = "ignore-thread-policy" } });
        Assert.Contains("<dt>defect switched on</dt><dd><strong class=\"fault\">ignore-thread-policy</strong></dd>", withDefect);
    }

    [Fact]
    public void The_coverage_matrix_marks_where_scenarios_ran_and_what_they_need()
    {
        var coverage = Regex.Match(Page, "<section id=\"coverage\">.*?</section>", RegexOptions.Singleline).Value;
        var migrate = Regex.Match(coverage, "<tr><th scope=\"row\"><a href=\"#s5-lifecycle.live-migrate\">.*?</tr>", RegexOptions.Singleline).Value;

        Assert.Equal(["", "● ran", "✓ needed", "", "", "", "", "✓ needed", ""],
            Regex.Matches(migrate, "<td class=\"c[^\"]*\">(.*?)</td>").Select(m => m.Groups[1].Value));
        Assert.Contains("<span class=\"badge skipped\">SKIPPED</span> <code>no-1g-pages</code>", coverage);
        var unmet = HtmlReport.Render(SampleReports.Realistic() with
        {
            Scenarios = [SampleReports.Realistic().Scenarios[4] with { Needs = ["sriov"] }],
        });
        Assert.Contains("<td class=\"c need-missing\">✗ needed</td>", unmet);
    }

    [Fact]
    public void A_failed_scenario_shows_its_findings_with_the_numbered_XML_lines_they_point_at()
    {
        var isolate = Regex.Match(Page, "<section class=\"scenario failed\".*?</section>", RegexOptions.Singleline).Value;

        Assert.Contains("<span class=\"sev\">error</span> <code>thread.isolate</code> vCPUs 0 and 1 run on SMT siblings of one core", isolate);
        Assert.Contains("<mark class=\"hit\"><span class=\"ln\">12</span> ▶     &lt;vcpupin vcpu=&quot;0&quot; cpuset=&quot;12&quot;/&gt;</mark>", isolate);
        Assert.Contains("<mark class=\"hit\"><span class=\"ln\">13</span> ▶     &lt;vcpupin vcpu=&quot;1&quot; cpuset=&quot;28&quot;/&gt;</mark>", isolate);
        Assert.Contains("<span><span class=\"ln\">10</span>     &lt;cputune&gt;</span>", isolate); // context, not marked
        Assert.Contains("<tr class=\"mismatch\"><th scope=\"row\">pins (vCPU→pCPU)</th><td>0→12, 1→13</td><td>0→12, 1→28</td><td class=\"flag\">≠ differs</td></tr>", isolate);
        Assert.Contains("<strong class=\"fault\">✗ failed:</strong> verify domain XML", isolate);
    }

    [Fact]
    public void Skipped_errored_and_NoValidHost_scenarios_say_why()
    {
        Assert.Contains("<p><strong>Skipped</strong> (<code>no-1g-pages</code>): no host has a free 1G page on a cell with room for the guest</p>", Page);
        Assert.Contains("<p class=\"fault\"><strong>Errored:</strong> timed out after 300 s waiting for the server to leave MIGRATING</p>", Page);
        Assert.Contains("<p class=\"fault\">Fault: No valid host was found. There are not enough hosts available.</p>", Page);
        Assert.Contains("<p class=\"note\">No placement to draw: the guest was not placed.</p>", Page);
        Assert.Contains("<p class=\"note\">No picture of the actual placement on compute-1: its topology is unknown (no host access).</p>", Page);
        Assert.Contains("<tr><th scope=\"row\">outcome</th><td>no-valid-host</td><td>no-valid-host</td><td></td></tr>", Page);
    }

    [Fact]
    public void The_picture_marks_vcpus_emulator_floating_and_other_guests_and_says_so_in_text()
    {
        var isolate = Svg(Page, "pic-s1-g0-actual");
        Assert.Contains("<g class=\"cpu vcpu ded\"><title>pCPU 28 (cell 3, dedicated); this guest&#39;s vCPU 1; this guest&#39;s emulator threads</title>", isolate);
        Assert.Contains(">v1</text>", Cpu(isolate, 28));
        Assert.Contains("class=\"emu-corner\"", Cpu(isolate, 28));
        Assert.Contains("<g class=\"cpu idle ded\"><title>pCPU 13 (cell 3, dedicated)</title>", isolate);
        Assert.Contains("<g class=\"cpu idle shr\"><title>pCPU 0 (cell 0, shared)</title>", isolate);
        Assert.Contains("host cell 3 · guest cell 0", isolate);

        var predicted = Svg(Page, "pic-s1-g0-predicted");
        Assert.Contains(">v1</text>", Cpu(predicted, 13));

        var shared = Svg(Page, "pic-s2-g1-actual");
        Assert.Contains("<g class=\"cpu other ded\"><title>pCPU 6 (cell 1, dedicated); pinned by guest dedicated</title>", shared);
        Assert.Contains(">×</text>", Cpu(shared, 6));
        Assert.Contains("<g class=\"cpu floating shr\"><title>pCPU 16 (cell 0, shared); this guest&#39;s emulator threads; this guest&#39;s floating vCPUs may run here</title>", shared);
        Assert.Contains(">f</text>", Cpu(shared, 16));
    }

    [Fact]
    public void Memory_and_huge_page_bars_show_the_guest_share_per_cell()
    {
        var twoNodes = Svg(Page, "pic-s0-g0-actual");

        // 2048 MiB of 2M pages per guest cell = 1024 pages on host cells 1 and 2; none elsewhere.
        Assert.Contains("<title>2M pages: guest 1024 / 2048 (1984 free)</title>", twoNodes);
        Assert.Contains("<title>2M pages: guest 1024 / 2048 (1920 free)</title>", twoNodes);
        Assert.Contains("<title>2M pages: guest 0 / 2048 (2048 free)</title>", twoNodes);
        Assert.Contains("<title>4K memory: guest 0 MiB / 16 GiB (14.6 GiB free)</title>", twoNodes);
        Assert.Equal(2, Regex.Count(twoNodes, "class=\"bar-guest\""));
    }

    [Fact]
    public void Hostile_names_extra_specs_and_messages_are_escaped_everywhere()
    {
        var html = HtmlReport.Render(SampleReports.HostileReport());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
        Assert.DoesNotContain("]]>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0001", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\" class=\"mono\">hw:&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;amp;]]&gt;&lt;!--[31m</th>", html);
        // Every attribute value is quoted and free of raw quotes, so nothing can open a new attribute or tag.
        Assert.DoesNotMatch("=\"[^\"]*<", html);
        // The number of elements a hostile report renders equals the realistic one's: nothing injected.
        Assert.Equal(Regex.Count(Page, "<(section|svg|table|mark|figure)[ >]"), Regex.Count(html, "<(section|svg|table|mark|figure)[ >]"));
    }
}
