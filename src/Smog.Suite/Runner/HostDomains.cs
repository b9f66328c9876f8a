using System.Collections.Immutable;
using Smog.Hosts;
using Smog.Libvirt.Facts;
using Smog.Suite.Selection;

namespace Smog.Suite.Runner;

/// <summary>The libvirt domains on a host, read through host access (<c>virsh list</c>, then <c>virsh dumpxml</c> each).</summary>
public static class HostDomains
{
    /// <summary>
    /// Every domain but <paramref name="except"/>; with <paramref name="all"/> stopped ones too (Nova
    /// keeps their CPUs and PCI devices claimed). Null when the list itself cannot be read.
    /// </summary>
    public static async Task<ImmutableArray<DomainFacts>?> ReadAsync(HostAccessPool access, InventoryHost entry, string? except, bool all, CancellationToken ct)
    {
        var list = await access.VirshAsync(entry, all ? ["list", "--all", "--name"] : ["list", "--name"], ct).ConfigureAwait(false);
        if (list is not { Succeeded: true }) return null;
        var domains = ImmutableArray.CreateBuilder<DomainFacts>();
        foreach (var name in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name == except) continue;
            var dump = await access.VirshAsync(entry, ["dumpxml", name], ct).ConfigureAwait(false);
            if (dump is { Succeeded: true } && DomainFactsReader.Parse(dump.StandardOutput, name) is { Success: true } parsed) domains.Add(parsed.Value);
        }
        return domains.ToImmutable();
    }
}
