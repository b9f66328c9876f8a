using Smog.Env;
using Smog.Hosts.Libvirt;
using System.Xml.Linq;

namespace Smog.Hosts.Env;

/// <summary>
/// Waits for a freshly started L1 to report its NUMA layout: over its own access (SSH, local)
/// by running <c>numactl -H</c>, or — for an L1 without network — from its serial console log
/// on the parent (a <c>&lt;serial type='file'&gt;</c> in the domain) between the
/// <see cref="L1NumaReport"/> markers.
/// </summary>
public sealed class L1Confirmation(Virsh parent, InventoryHost l1, TimeProvider? clock = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Call before starting the domain: remembers how much of an appended console log is old.</summary>
    public async Task<ConsoleMark?> MarkConsoleAsync(string domain, CancellationToken ct)
    {
        if (l1.Access != HostAccess.None) return null;
        var (path, append) = ConsoleOf(await parent.DumpInactiveXmlAsync(domain, ct), domain);
        var before = append ? (await parent.Host.ReadFileAsync(path, ct))?.Length ?? 0 : 0;
        return new ConsoleMark(path, before);
    }

    /// <summary>The report text and where it came from; throws when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<(string Report, string Source)> WaitAsync(string domain, ConsoleMark? console, TimeSpan timeout, CancellationToken ct)
    {
        var start = _clock.GetTimestamp();
        string? lastProblem = null;
        while (true)
        {
            if (console is { } mark)
            {
                var log = await parent.Host.ReadFileAsync(mark.Path, ct) ?? "";
                if (L1NumaReport.FromConsole(log.Length >= mark.Offset ? log[mark.Offset..] : log) is { } report)
                    return (report, $"{parent.Host.HostName}:{mark.Path} (serial console of {domain})");
                if (await parent.StateAsync(domain, ct) is not ("running" or "paused"))
                    throw new HostAccessException($"{parent.Host.HostName}: domain '{domain}' stopped before its console printed a NUMA report ({mark.Path})");
            }
            else
            {
                try
                {
                    var runner = await HostInventory.ConnectAsync(l1, ct);
                    try
                    {
                        var result = await runner.RunAsync("numactl", ["-H"], ct);
                        if (result is { Succeeded: true }) return (result.StandardOutput, $"numactl -H on {l1.Name}");
                        lastProblem = result is null ? "numactl is not installed in the L1" : $"numactl -H failed: {result.FirstErrorLine}";
                    }
                    finally
                    {
                        (runner as IDisposable)?.Dispose();
                    }
                }
                catch (HostAccessException e)
                {
                    lastProblem = e.Message; // still booting: sshd not up yet
                }
            }
            if (_clock.GetElapsedTime(start) > timeout)
                throw new HostAccessException($"{l1.Name}: no NUMA report within {timeout.TotalSeconds:0} s" + (lastProblem is null ? "" : $" (last: {lastProblem})"));
            await Task.Delay(Poll, _clock, ct);
        }
    }

    private static (string Path, bool Append) ConsoleOf(string xml, string domain)
    {
        var serial = XElement.Parse(xml).Element("devices")?.Elements("serial").FirstOrDefault(s => (string?)s.Attribute("type") == "file");
        var path = (string?)serial?.Element("source")?.Attribute("path")
            ?? throw new HostAccessException($"domain '{domain}' has no access of its own and no <serial type='file'> console to confirm from: give it SSH access in the inventory or a file console");
        return (path, (string?)serial!.Element("source")?.Attribute("append") == "on");
    }
}

/// <summary>The console log's path and how many characters of it predate this start.</summary>
public sealed record ConsoleMark(string Path, int Offset);
