using Smog.OpenStack;
using Smog.OpenStack.Compute;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// Waits until Nova reports a host's nova-compute up after a restart: GET /os-services
/// (admin) until the service is up and enabled with a heartbeat (<c>updated_at</c>) newer than
/// the one seen before the restart. A service stays "up" for <c>service_down_time</c> (60 s)
/// after its last heartbeat, so "up" alone would pass for a service that never came back; a new
/// heartbeat means the restarted process reports. (A heartbeat the old process sent between the
/// first read and its stop would also pass; that window is one report interval at most.)
/// </summary>
internal sealed class ServiceWaiter(OpenStackCloud cloud, string host) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>Null when no cloud is named (<c>--os-cloud</c>, <c>OS_CLOUD</c>).</summary>
    public static ServiceWaiter? Create(string? osCloud, string host)
    {
        var env = ConfigEnvironment.FromMachine();
        var name = osCloud ?? env.Get("OS_CLOUD");
        if (name is null) return null;
        try
        {
            return new ServiceWaiter(new OpenStackCloud(new CloudConfigResolver(env).Resolve(CloudSelection.Named(name))), host);
        }
        catch (ConfigException e)
        {
            throw new InputException(e.Message);
        }
    }

    /// <summary>The service's last heartbeat now (null when Nova does not list it yet).</summary>
    public async Task<DateTime?> HeartbeatAsync(CancellationToken ct) => (await FindAsync(ct))?.UpdatedAt;

    public async Task<DateTime> WaitUpAsync(DateTime? before, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        NovaService? last = null;
        while (true)
        {
            last = await FindAsync(ct) ?? last;
            if (last is { State: "up", Status: "enabled", UpdatedAt: { } at } && (before is null || at > before)) return at;
            if (DateTime.UtcNow >= deadline)
            {
                var seen = last is null ? "Nova does not list it" : $"state {last.State}, status {last.Status}, last heartbeat {last.UpdatedAt:u}";
                throw new CheckFailedException($"{host}: nova-compute did not report up within {timeout.TotalSeconds:0} s ({seen}); smog env restore --host {host} --restart undoes the change");
            }
            await Task.Delay(Poll, ct);
        }
    }

    private async Task<NovaService?> FindAsync(CancellationToken ct)
    {
        try
        {
            var nova = await cloud.ComputeAsync(ct);
            var services = await nova.Services.ListAsync("nova-compute", null, ct);
            static string Short(string n) => n.Split('.')[0];
            return services.FirstOrDefault(s => s.Host == host) ?? services.FirstOrDefault(s => Short(s.Host) == Short(host));
        }
        catch (Exception e) when (e is OpenStackApiException or OpenStackClientException or OpenStackResponseException or HttpRequestException)
        {
            throw new CheckFailedException($"cannot ask {cloud.Config.Name} whether nova-compute on {host} is up: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    public void Dispose() => cloud.Dispose();
}
