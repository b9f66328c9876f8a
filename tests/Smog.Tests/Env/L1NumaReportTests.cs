using Smog.Env;
using Smog.Libvirt.FakeNuma;
using Smog.Topology;
using Smog.Units;

namespace Smog.Tests.Env;

public sealed class L1NumaReportTests
{
    private const string Two = "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 470 MB\nnode 1 cpus: 2 3\nnode 1 size: 500 MB\n";

    private static readonly FakeNumaCell[] Cells =
        [new(CpuSet.Range(0, 1), ByteSize.FromMiB(512)), new(CpuSet.Range(2, 3), ByteSize.FromMiB(512))];

    [Fact]
    public void The_last_complete_report_of_a_console_log_is_taken_with_serial_line_ends_removed()
    {
        var log = "[ 0.1] boot\r\nsmog-l1: begin\r\navailable: 1 nodes (0)\r\nsmog-l1: end\r\n"
                  + "smog-l1: begin\r\n" + Two.Replace("\n", "\r\n") + "smog-l1: end\r\nsmog-l1: begin\r\navail";
        Assert.Equal(Two, L1NumaReport.FromConsole(log));
    }

    [Fact]
    public void No_complete_report_yet_is_null()
    {
        Assert.Null(L1NumaReport.FromConsole("smog-l1: begin\navailable: 2 nodes (0-1)\n"));
        Assert.Null(L1NumaReport.FromConsole(""));
    }

    [Fact]
    public void A_report_matching_the_cells_has_no_problems()
    {
        var seen = L1NumaReport.Parse(Two, "t").Value;
        Assert.Empty(L1NumaReport.Compare([.. Cells], seen));
    }

    [Fact]
    public void Wrong_node_count_cpus_and_memory_are_each_named()
    {
        var one = L1NumaReport.Parse("available: 1 nodes (0)\nnode 0 cpus: 0 1 2 3\nnode 0 size: 958 MB\n", "t").Value;
        var problems = L1NumaReport.Compare([.. Cells], one);
        Assert.Contains(problems, p => p.Contains("sees 1 NUMA node(s), expected 2"));
        Assert.Contains(problems, p => p.Contains("node 0 has CPUs 0-3, expected 0-1"));
        Assert.Contains(problems, p => p.Contains("node 0 has 958 MiB, expected 512 MiB"));
    }

    [Fact]
    public void Memory_below_the_kernels_share_is_a_problem()
    {
        var small = L1NumaReport.Parse(Two.Replace("470 MB", "300 MB"), "t").Value;
        Assert.Contains("node 0 has 300 MiB", Assert.Single(L1NumaReport.Compare([.. Cells], small)));
    }
}
