using Smog.Suite.Results;

namespace Smog.Cli.Commands.Env;

/// <summary>
/// For a scenario the cloud cannot run, the <c>smog env</c> command that would give a host what
/// it lacks (keyed by the suite's skip codes, <see cref="Smog.Suite.Selection.Capability"/>), or
/// what to do by hand when no command can.
/// </summary>
internal static class FixCommands
{
    public static string For(SkipReason skip, string host) => skip.Code switch
    {
        "no-pcpu" or "too-few-pcpus" => $"smog env nova-conf --host {host} --preset pinning --restart",
        "no-vcpu" or "small-vcpu-max" => $"smog env nova-conf --host {host} --unset compute.cpu_dedicated_set --restart",
        "one-numa-node" => $"smog env fake-numa --host {host} --cells 2",
        "no-smt" => $"smog env fake-numa --host {host} --cells 2 --threads 2",
        "all-smt" => $"smog env fake-numa --host {host} --cells 2 --threads 1",
        "no-2m-pages" or "no-huge-pages" => $"smog env hugepages --host {host} --size 2M --count 512",
        "no-1g-pages" => $"smog env hugepages --host {host} --size 1G --count 2",
        "no-pci" or "no-sriov" => $"smog env nova-conf --host {host} --add 'pci.device_spec={{\"address\": \"…\"}}' --add 'pci.alias={{\"name\": \"…\", \"vendor_id\": \"…\", \"product_id\": \"…\"}}' --restart",
        "no-host-access" => "add the compute hosts to the inventory (--inventory FILE; smog discover --host checks access)",
        "one-capable-host" => "needs a second compute host with the same capabilities (by hand)",
        "no-compute-host" => "start or enable a nova-compute service (by hand)",
        _ => "by hand: " + skip.Message,
    };
}
