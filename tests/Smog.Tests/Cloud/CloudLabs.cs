using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Lab;

namespace Smog.Tests.Cloud;

/// <summary>Labs and started clouds for the embedded-cloud tests.</summary>
internal static class CloudLabs
{
    /// <summary>
    /// The recording lab's one compute node as a lab host: hostname <c>vm</c>, one NUMA node,
    /// CPU 0 shared and CPU 1 dedicated (placement showed VCPU 1 and PCPU 1), 9562 MiB with 512
    /// reserved, 2 MiB pages. The recorded exchanges replay against it unchanged.
    /// </summary>
    public const string RecordingLab = """
        version: 1
        hosts:
          - name: vm
            topology:
              sockets: 1
              cells: 1
              cores_per_cell: 2
              threads_per_core: 1
              memory_per_cell: 9562MiB
              pages_per_cell: { 2M: 512 }
            nova_conf: |
              [DEFAULT]
              reserved_host_memory_mb = 512
              [compute]
              cpu_shared_set = 0
              cpu_dedicated_set = 1
        """;

    public static LabDefinition Recording()
    {
        var parsed = LabReader.Parse(RecordingLab, "recording-lab.yml");
        Assert.True(parsed.Success, parsed.Success ? "" : parsed.Errors[0].ToString());
        return parsed.Value;
    }

    /// <summary>A lab without hosts: identity, images and networks work; compute has nothing to schedule on.</summary>
    public static LabDefinition Empty() => new() { Source = "empty-lab.yml" };

    public static Task<RunningCloud> StartAsync(LabDefinition lab, EmbeddedCloudOptions? options = null) =>
        EmbeddedCloud.StartAsync(lab, options ?? new EmbeddedCloudOptions(), TestContext.Current.CancellationToken);
}

/// <summary>Smog's own client, configured only from the clouds.yaml and secure.yaml a running cloud writes.</summary>
internal sealed class CloudClients : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("smog-cloud-client-").FullName;

    public CloudClients(RunningCloud cloud)
    {
        Files = cloud.WriteFiles(dir);
    }

    public StateFiles Files { get; }

    public Smog.OpenStack.OpenStackCloud Open(string cloudName, Smog.OpenStack.Http.RetryPolicy? retry = null)
    {
        var env = new Smog.OpenStack.Config.ConfigEnvironment(
            System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
                .Add("OS_CLIENT_CONFIG_FILE", Files.CloudsYaml).Add("OS_CLIENT_SECURE_FILE", Files.SecureYaml),
            dir, dir, Smog.OpenStack.Config.PhysicalConfigFileSystem.Instance);
        var config = new Smog.OpenStack.Config.CloudConfigResolver(env).Resolve(Smog.OpenStack.Config.CloudSelection.Named(cloudName));
        return new Smog.OpenStack.OpenStackCloud(config, new Smog.OpenStack.OpenStackClientOptions
        {
            Retry = retry ?? new Smog.OpenStack.Http.RetryPolicy(3, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(30)),
        });
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
