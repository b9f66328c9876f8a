using System.Text;
using Smog.Hosts.Editing;

namespace Smog.Hosts.Libvirt;

/// <summary>
/// Copies of domain XML kept on the domain's own host (the parent) before smog redefines it:
/// <c>DIR/NAME.xml</c>, written atomically, mode 600. The first copy wins — a second edit keeps
/// the original, so a restore always goes back to what was there before smog's first change.
/// </summary>
public sealed class DomainBackups(ICommandRunner host, string directory)
{
    public const string DefaultDirectory = "/var/lib/smog/domain-backups";

    public string PathFor(string domain) =>
        domain.Contains('/') || domain is "." or ".." ? throw new HostAccessException($"{host.HostName}: domain name '{domain}' cannot name a backup file")
        : $"{directory.TrimEnd('/')}/{domain}.xml";

    /// <summary>Scratch file for <c>virsh define</c>, beside the backups.</summary>
    public string ScratchFor(string domain) => $"{directory.TrimEnd('/')}/.{domain.Replace('/', '_')}.define.xml";

    /// <summary>Saves <paramref name="xml"/> unless a backup exists; true when it wrote one.</summary>
    public async Task<bool> SaveIfAbsentAsync(string domain, string xml, CancellationToken ct)
    {
        var path = PathFor(domain);
        if ((await HostFiles.ReadAsync(host, path, ct)).Exists) return false;
        await EnsureDirectoryAsync(ct);
        await HostFiles.WriteAtomicallyAsync(host, path, HostFiles.TempPathFor(path, "backup"), Encoding.UTF8.GetBytes(xml), "600", null, ct);
        return true;
    }

    public async Task<string?> ReadAsync(string domain, CancellationToken ct)
    {
        var file = await HostFiles.ReadAsync(host, PathFor(domain), ct);
        return file.Exists ? Encoding.UTF8.GetString(file.Content) : null;
    }

    public Task RemoveAsync(string domain, CancellationToken ct) => HostFiles.RemoveAsync(host, PathFor(domain), ct);

    public async Task EnsureDirectoryAsync(CancellationToken ct)
    {
        var result = await host.RunAsync("mkdir", ["-p", "-m", "700", "--", directory], ct)
            ?? throw new HostAccessException($"{host.HostName}: mkdir is not installed");
        if (!result.Succeeded) throw new HostAccessException($"{host.HostName}: cannot create {directory}: {result.FirstErrorLine}");
    }
}
