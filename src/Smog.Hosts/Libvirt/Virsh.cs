using System.Globalization;
using System.Text;
using Smog.Hosts.Editing;

namespace Smog.Hosts.Libvirt;

/// <summary>
/// <c>virsh</c> on a host through its <see cref="ICommandRunner"/>: arguments go as a list (never
/// through a shell), so domain names with shell metacharacters are plain names. Failures become
/// <see cref="HostAccessException"/> naming the host, the command and virsh's first error line.
/// </summary>
public sealed class Virsh(ICommandRunner host, string? uri)
{
    public ICommandRunner Host { get; } = host;

    public string? Uri { get; } = uri;

    /// <summary>The persistent definition (what <c>virsh define</c> took), without live-only parts.</summary>
    public Task<string> DumpInactiveXmlAsync(string domain, CancellationToken ct) => RunAsync(ct, "dumpxml", "--inactive", "--", domain);

    /// <summary>The running definition (live device paths and ids) or, when shut off, the persistent one.</summary>
    public Task<string> DumpXmlAsync(string domain, CancellationToken ct) => RunAsync(ct, "dumpxml", "--", domain);

    /// <summary>"running", "shut off", "paused", … as <c>virsh domstate</c> prints it.</summary>
    public async Task<string> StateAsync(string domain, CancellationToken ct) => (await RunAsync(ct, "domstate", "--", domain)).Trim();

    public async Task<IReadOnlyList<string>> RunningAsync(CancellationToken ct) =>
        (await RunAsync(ct, "list", "--name")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Task<string> CapabilitiesAsync(CancellationToken ct) => RunAsync(ct, "capabilities");

    /// <summary>The host's memory from <c>virsh nodeinfo</c> ("Memory size: N KiB"); null when absent.</summary>
    public async Task<ulong?> NodeMemoryKiBAsync(CancellationToken ct)
    {
        foreach (var line in (await RunAsync(ct, "nodeinfo")).Split('\n'))
            if (line.StartsWith("Memory size:", StringComparison.Ordinal)
                && ulong.TryParse(line["Memory size:".Length..].Replace("KiB", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                return kib;
        return null;
    }

    public Task ShutdownAsync(string domain, CancellationToken ct) => RunAsync(ct, "shutdown", "--", domain);

    public Task DestroyAsync(string domain, CancellationToken ct) => RunAsync(ct, "destroy", "--", domain);

    public Task StartAsync(string domain, CancellationToken ct) => RunAsync(ct, "start", "--", domain);

    /// <summary>
    /// Defines <paramref name="xml"/> from a file on the host: written atomically next to
    /// <paramref name="scratchPath"/>, defined, then removed.
    /// </summary>
    public async Task DefineAsync(string xml, string scratchPath, CancellationToken ct)
    {
        await HostFiles.WriteAtomicallyAsync(Host, scratchPath, HostFiles.TempPathFor(scratchPath, "define"), Encoding.UTF8.GetBytes(xml), "600", null, ct);
        try
        {
            await RunAsync(ct, "define", "--", scratchPath);
        }
        finally
        {
            await HostFiles.RemoveAsync(Host, scratchPath, ct);
        }
    }

    private async Task<string> RunAsync(CancellationToken ct, params string[] arguments)
    {
        string[] args = Uri is null ? arguments : ["-c", Uri, .. arguments];
        var result = await Host.RunAsync("virsh", args, ct)
            ?? throw new HostAccessException($"{Host.HostName}: virsh is not installed");
        return result.Succeeded ? result.StandardOutput
            : throw new HostAccessException($"{Host.HostName}: virsh {string.Join(' ', arguments)} failed: {result.FirstErrorLine}");
    }
}
