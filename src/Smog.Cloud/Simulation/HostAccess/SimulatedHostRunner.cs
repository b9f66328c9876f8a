using Smog.Hosts;

namespace Smog.Cloud.Simulation.HostAccess;

/// <summary>
/// One simulated hypervisor behind the same door as SSH: <c>virsh dumpxml|list|capabilities</c>,
/// <c>numactl -H</c>, <c>lstopo-no-graphics --of xml</c> and the sysfs files discovery reads, all from
/// the simulated host; any other program is not installed (null).
/// </summary>
public sealed class SimulatedHostRunner : ICommandRunner
{
    internal SimulatedHostRunner(string hostName) => HostName = hostName;

    public string HostName { get; }

    public Task<CommandResult?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlyList<DirectoryEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
