using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Smog.Cloud.Api.Compute;
using Smog.Cloud.Api.Faults;
using Smog.Cloud.Api.HostAccess;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Api.Image;
using Smog.Cloud.Api.Network;
using Smog.Cloud.Api.Placement;
using Smog.Cloud.Lab;
using Smog.Cloud.Simulation;

namespace Smog.Cloud.Api.Hosting;

/// <summary>The cloud could not start (its port is taken, a fault names an unknown host): one line for the user.</summary>
public sealed class CloudStartException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The embedded OpenStack cloud: Keystone, Nova, Placement, Glance and Neutron on one Kestrel
/// server bound to 127.0.0.1, over a <see cref="CloudSimulation"/> of the lab's hypervisors.
/// </summary>
public static class EmbeddedCloud
{
    public static async Task<RunningCloud> StartAsync(LabDefinition lab, EmbeddedCloudOptions options, CancellationToken cancellationToken)
    {
        var simulation = new CloudSimulation(lab, new SimulationOptions { Time = options.Time, BuildTime = options.BuildTime, Defect = options.Defect });
        foreach (var host in options.Faults.ServicesDown)
        {
            if (!simulation.HostNames.Contains(host))
                throw new CloudStartException($"--fault service-down={host}: no such host in {lab.Source} (hosts: {string.Join(", ", simulation.HostNames)})");
            simulation.UpdateService(host, forcedDown: true);
        }

        var identity = new IdentityStore(options.Time, options.TokenLifetime, options.Faults.TokenExpiry);
        var images = new ImageStore();
        GlanceApi.Seed(images, identity);
        var address = new CloudAddress();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Smog.Cloud", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.Loggers is { } loggers) builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1L << 30;
        });
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton(simulation);
        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(images);
        builder.Services.AddSingleton(new NetworkStore());
        builder.Services.AddSingleton(address);
        builder.Services.AddSingleton<Catalog>();
        builder.Services.AddSingleton(new FaultInjector(options.Faults, options.Time));
        builder.Services.AddSingleton<FlavorAccess>();
        builder.Services.AddSingleton<NovaPorts>();

        var app = builder.Build();
        // Nova binds ports as servers change: the binder subscribes when it is created.
        app.Services.GetRequiredService<NovaPorts>();
        app.UseMiddleware<ApiMiddleware>();
        // Routing after the middleware, so its failures get the services' error bodies too.
        app.UseRouting();
        KeystoneApi.Map(app);
        NovaApi.Map(app);
        PlacementApi.Map(app);
        GlanceApi.Map(app);
        NeutronApi.Map(app);
        HostAccessApi.Map(app);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new CloudStartException(options.Port == 0
                ? $"cannot listen on 127.0.0.1: {e.Message}"
                : $"port {options.Port} on 127.0.0.1 is in use (choose another with --port, or 0 for any free port)", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new CloudStartException("the server started without an address");
        address.Bind(new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return new RunningCloud(app, address, identity, simulation, options);
    }
}

/// <summary>A started embedded cloud; dispose it to stop the server.</summary>
public sealed class RunningCloud : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CloudFiles files;
    private readonly Lazy<string> hostKey;

    internal RunningCloud(WebApplication app, CloudAddress address, IdentityStore identity, CloudSimulation simulation, EmbeddedCloudOptions options)
    {
        this.app = app;
        Address = address;
        Identity = identity;
        Simulation = simulation;
        Options = options;
        files = new CloudFiles(address, identity, () => simulation.HostNames);
        hostKey = new Lazy<string>(() => identity.IssueHostAccessToken().Value.Reveal());
    }

    /// <summary>e.g. <c>http://127.0.0.1:40123</c>; the services hang off it (/identity/v3, /compute/v2.1 …).</summary>
    public Uri BaseUrl => Address.Root;
    public string AuthUrl => Address.Url(Errors.ServicePaths.IdentityApi);
    internal CloudAddress Address { get; }
    public IdentityStore Identity { get; }
    public CloudSimulation Simulation { get; }
    public EmbeddedCloudOptions Options { get; }
    /// <summary>The fault plan in force, and how many errors it has injected.</summary>
    public FaultInjector Faults => app.Services.GetRequiredService<FaultInjector>();

    public string CloudsYaml() => files.CloudsYaml();
    public string SecureYaml() => files.SecureYaml();
    public string InventoryYaml(string keyPath) => files.InventoryYaml(keyPath);

    /// <summary>The admin token host access takes (the inventory's key file holds it).</summary>
    public string HostAccessKey() => hostKey.Value;

    /// <summary>Writes clouds.yaml, secure.yaml, the host-access key and inventory.yml into <paramref name="directory"/>, each atomically.</summary>
    public StateFiles WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var state = new StateFiles(Path.Combine(directory, CloudFiles.CloudsFile), Path.Combine(directory, CloudFiles.SecureFile),
            Path.Combine(directory, CloudFiles.InventoryFile), Path.Combine(directory, CloudFiles.HostKeyFile));
        Write(state.SecureYaml, SecureYaml(), secret: true);
        Write(state.HostKey, HostAccessKey() + "\n", secret: true);
        Write(state.CloudsYaml, CloudsYaml(), secret: false);
        Write(state.Inventory, InventoryYaml(state.HostKey), secret: false);
        return state;
    }

    private static void Write(string path, string text, bool secret)
    {
        if (Smog.Hosts.Files.LocalFiles.WriteAtomically(path, text) is { } error) throw new CloudStartException(error.ToString());
        if (secret && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}

/// <summary>Where <see cref="RunningCloud.WriteFiles"/> put each file.</summary>
public sealed record StateFiles(string CloudsYaml, string SecureYaml, string Inventory, string HostKey);
