using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;

namespace Smog.Suite.Ledger;

/// <summary>What cleanup did with one leftover.</summary>
public sealed record CleanupAction(Leftover Resource, string Outcome, bool Ok)
{
    public override string ToString() => $"{Resource}: {Outcome}";
}

public sealed record CleanupOutcome(ImmutableArray<CleanupAction> Actions)
{
    public int Deleted => Actions.Count(a => a.Ok && a.Outcome is "deleted" or "removed");
    public ImmutableArray<string> Failures => [.. Actions.Where(a => !a.Ok).Select(a => a.ToString())];
}

/// <summary>
/// Deletes what a run left behind, in reverse order of creation: servers (and waits until they
/// are gone), ports (Nova keeps ports it did not create), subnets, networks, images, hosts out of
/// aggregates, aggregates, flavors. It touches only what the ledger names
/// AND whose name carries the run id; a resource whose live name differs is refused, never
/// deleted. Each step is retried; "already gone" counts as done.
/// </summary>
public sealed class RunCleaner(NovaClient nova, ServerWaiter waiter, RunId run, RunLedger? ledger, WaitOptions? deleteWait = null, TimeProvider? time = null,
    ImagesClient? images = null, NetworkClient? network = null)
{
    /// <summary>The order kinds are removed in: what uses a resource goes before it.</summary>
    public static readonly ImmutableArray<ResourceKind> Order =
        [ResourceKind.Server, ResourceKind.Port, ResourceKind.Subnet, ResourceKind.Network, ResourceKind.Image, ResourceKind.AggregateHost, ResourceKind.Aggregate, ResourceKind.Flavor];
    private const int Attempts = 3;
    private readonly WaitOptions wait = deleteWait ?? WaitOptions.Delete;
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<CleanupOutcome> CleanAsync(IEnumerable<Leftover> leftovers, bool dryRun, CancellationToken ct)
    {
        var all = leftovers.ToList();
        var actions = ImmutableArray.CreateBuilder<CleanupAction>();
        foreach (var kind in Order)
        {
            // Reverse creation order within a kind too.
            var batch = all.Where(l => l.Kind == kind).Reverse().ToList();
            if (kind == ResourceKind.Server && !dryRun)
            {
                // Delete every server first, then wait for all: the waits overlap.
                var started = new List<(Leftover, Task<CleanupAction>)>();
                foreach (var server in batch) started.Add((server, OneAsync(server, dryRun, ct)));
                foreach (var (_, task) in started) actions.Add(await task.ConfigureAwait(false));
                continue;
            }
            foreach (var leftover in batch) actions.Add(await OneAsync(leftover, dryRun, ct).ConfigureAwait(false));
        }
        return new CleanupOutcome(actions.ToImmutable());
    }

    private async Task<CleanupAction> OneAsync(Leftover leftover, bool dryRun, CancellationToken ct)
    {
        if (!run.Owns(leftover.Name)) return new(leftover, $"refused: the name does not carry the run id {run}", false);
        string? last = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                var outcome = await DeleteAsync(leftover, dryRun, ct).ConfigureAwait(false);
                if (!dryRun && outcome.Ok) ledger?.Deleted(leftover.Kind, leftover.Name, leftover.Id, leftover.Host);
                return outcome;
            }
            catch (Exception e) when (e is OpenStackApiException or OpenStackClientException or HttpRequestException && !ct.IsCancellationRequested)
            {
                last = e.Message.ReplaceLineEndings(" ");
                if (attempt < Attempts) await Task.Delay(TimeSpan.FromSeconds(attempt * 2), clock, ct).ConfigureAwait(false);
            }
        }
        return new(leftover, $"failed after {Attempts} tries: {last}", false);
    }

    private Task<CleanupAction> DeleteAsync(Leftover l, bool dryRun, CancellationToken ct) => l.Kind switch
    {
        ResourceKind.Server => ServerAsync(l, dryRun, ct),
        ResourceKind.AggregateHost => AggregateHostAsync(l, dryRun, ct),
        ResourceKind.Aggregate => AggregateAsync(l, dryRun, ct),
        ResourceKind.Flavor => FlavorAsync(l, dryRun, ct),
        ResourceKind.Image => ImageAsync(l, dryRun, ct),
        ResourceKind.Port or ResourceKind.Subnet or ResourceKind.Network => NeutronAsync(l, dryRun, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(l), l.Kind, null),
    };

    private async Task<CleanupAction> ServerAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        var found = new List<NovaServer>();
        if (l.Id is { } id)
        {
            if (await TryAsync(() => nova.Servers.ShowAsync(id, ct)).ConfigureAwait(false) is { } s) found.Add(s);
        }
        else
        {
            found.AddRange((await nova.Servers.ListAsync(new ServerQuery { Name = "^" + Regex.Escape(l.Name) + "$", AllProjects = true }, ct).ConfigureAwait(false))
                .Where(s => s.Name == l.Name));
        }
        if (found.Count == 0) return new(l, "gone", true);
        if (found.FirstOrDefault(s => s.Name != l.Name) is { } other) return new(l, $"refused: the server is now named '{other.Name}'", false);
        if (dryRun) return new(l, "would delete", true);
        foreach (var server in found)
        {
            try
            {
                await nova.Servers.DeleteAsync(server.Id, ct).ConfigureAwait(false);
            }
            catch (OpenStackNotFoundException)
            {
            }
        }
        foreach (var server in found) await waiter.WaitForDeletionAsync(server.Id, wait, ct).ConfigureAwait(false);
        return new(l, "deleted", true);
    }

    private async Task<CleanupAction> AggregateHostAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        var aggregate = await FindAggregateAsync(l, ct).ConfigureAwait(false);
        if (aggregate is null || !(aggregate.Hosts ?? []).Contains(l.Host!)) return new(l, "gone", true);
        if (dryRun) return new(l, "would remove", true);
        await nova.Aggregates.RemoveHostAsync(aggregate.Id, l.Host!, ct).ConfigureAwait(false);
        return new(l, "removed", true);
    }

    private async Task<CleanupAction> AggregateAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        var aggregate = await FindAggregateAsync(l, ct).ConfigureAwait(false);
        if (aggregate is null) return new(l, "gone", true);
        if (dryRun) return new(l, "would delete", true);
        // A host this run did not add would make the delete fail (400); that is left for a person.
        if (aggregate.Hosts is { Count: > 0 } hosts) return new(l, $"refused: the aggregate still holds {string.Join(", ", hosts)}", false);
        await nova.Aggregates.DeleteAsync(aggregate.Id, ct).ConfigureAwait(false);
        return new(l, "deleted", true);
    }

    private async Task<NovaAggregate?> FindAggregateAsync(Leftover l, CancellationToken ct)
    {
        var all = await nova.Aggregates.ListAsync(ct).ConfigureAwait(false);
        var id = l.Kind == ResourceKind.Aggregate ? l.Id : null;
        return all.FirstOrDefault(a => a.Name == l.Name && (id is null || a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id));
    }

    private async Task<CleanupAction> ImageAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        if (images is null) return new(l, "refused: no image service to delete it with", false);
        GlanceImage? image = l.Id is { } id
            ? await TryAsync(() => images.ShowAsync(id, ct)).ConfigureAwait(false)
            : (await images.ListByNameAsync(l.Name, ct).ConfigureAwait(false)).FirstOrDefault();
        if (image is null) return new(l, "gone", true);
        if (image.Name != l.Name) return new(l, $"refused: image {image.Id} is named '{image.Name}'", false);
        if (dryRun) return new(l, "would delete", true);
        try
        {
            await images.DeleteAsync(image.Id, ct).ConfigureAwait(false);
        }
        catch (OpenStackNotFoundException)
        {
        }
        return new(l, "deleted", true);
    }

    /// <summary>A port, subnet or network: found by id (or by name when only the intent was written), checked by name, deleted.</summary>
    private async Task<CleanupAction> NeutronAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        if (network is null) return new(l, "refused: no network service to delete it with", false);
        var found = l.Kind switch
        {
            ResourceKind.Port => l.Id is { } p ? Named(await TryAsync(() => network.ShowPortAsync(p, ct)).ConfigureAwait(false), x => x.Id, x => x.Name)
                : (await network.ListPortsAsync(null, ct, l.Name).ConfigureAwait(false)).Select(x => (x.Id, x.Name)).FirstOrDefault(),
            ResourceKind.Subnet => l.Id is { } s ? Named(await TryAsync(() => network.ShowSubnetAsync(s, ct)).ConfigureAwait(false), x => x.Id, x => x.Name)
                : (await network.ListSubnetsAsync(l.Name, ct).ConfigureAwait(false)).Select(x => (x.Id, x.Name)).FirstOrDefault(),
            _ => l.Id is { } n ? Named(await TryAsync(() => network.ShowNetworkAsync(n, ct)).ConfigureAwait(false), x => x.Id, x => x.Name)
                : (await network.ListNetworksAsync(l.Name, ct).ConfigureAwait(false)).Select(x => (x.Id, x.Name)).FirstOrDefault(),
        };
        if (found.Id is null) return new(l, "gone", true);
        var kind = l.Kind.ToString().ToLowerInvariant();
        if (found.Name != l.Name) return new(l, $"refused: {kind} {found.Id} is named '{found.Name}'", false);
        if (dryRun) return new(l, "would delete", true);
        try
        {
            await (l.Kind switch
            {
                ResourceKind.Port => network.DeletePortAsync(found.Id, ct),
                ResourceKind.Subnet => network.DeleteSubnetAsync(found.Id, ct),
                _ => network.DeleteNetworkAsync(found.Id, ct),
            }).ConfigureAwait(false);
        }
        catch (OpenStackNotFoundException)
        {
        }
        return new(l, "deleted", true);
    }

    private static (string? Id, string? Name) Named<T>(T? item, Func<T, string> id, Func<T, string?> name) where T : class =>
        item is null ? (null, null) : (id(item), name(item));

    private async Task<CleanupAction> FlavorAsync(Leftover l, bool dryRun, CancellationToken ct)
    {
        NovaFlavor? flavor = l.Id is { } id
            ? await TryAsync(() => nova.Flavors.ShowAsync(id, ct)).ConfigureAwait(false)
            : await nova.Flavors.FindByNameAsync(l.Name, includePrivate: true, ct).ConfigureAwait(false);
        if (flavor is null) return new(l, "gone", true);
        if (flavor.Name != l.Name) return new(l, $"refused: flavor {flavor.Id} is named '{flavor.Name}'", false);
        if (dryRun) return new(l, "would delete", true);
        try
        {
            await nova.Flavors.DeleteAsync(flavor.Id, ct).ConfigureAwait(false);
        }
        catch (OpenStackNotFoundException)
        {
        }
        return new(l, "deleted", true);
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> show) where T : class
    {
        try
        {
            return await show().ConfigureAwait(false);
        }
        catch (OpenStackNotFoundException)
        {
            return null;
        }
    }
}
