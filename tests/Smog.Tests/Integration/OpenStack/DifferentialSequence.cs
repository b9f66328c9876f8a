namespace Smog.Tests.Integration.OpenStack;

/// <summary>A flavor of the differential sequence (the aggregate key is added per run).</summary>
internal sealed record DiffFlavor(string Name, int Vcpus, int RamMiB, IReadOnlyDictionary<string, string> Specs);

/// <summary>One step: boot <see cref="Server"/> with <see cref="Flavor"/>, or delete <see cref="Server"/> when Flavor is null.</summary>
internal sealed record DiffStep(string Server, string? Flavor)
{
    public override string ToString() => Flavor is null ? $"delete {Server}" : $"boot {Server} ({Flavor})";
}

/// <summary>
/// The boots and deletes the differential test runs, in order, on the default lab's four hosts
/// (compute-0/1: 4 nodes x 8 cores, NICs on nodes 0 and 1; compute-2: 2 nodes, SMT, 2 MiB and
/// 1 GiB pools; compute-3: 3 nodes, 2 MiB pools, SR-IOV VFs no alias asks for). Later steps
/// depend on the claims of earlier ones: the NICs run out, compute-2's threads and 1 GiB pages
/// fill up, and deletes free pins that later guests take.
/// </summary>
internal static class DifferentialSequence
{
    private const string Dedicated = "hw:cpu_policy";

    public static readonly IReadOnlyList<DiffFlavor> Flavors =
    [
        new("shared2", 2, 1024, new Dictionary<string, string>()),
        new("ded4", 4, 2048, new Dictionary<string, string> { [Dedicated] = "dedicated" }),
        new("numa2", 8, 4096, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:numa_nodes"] = "2" }),
        new("numa4", 8, 4096, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:numa_nodes"] = "4" }),
        new("numa2-shared", 4, 2048, new Dictionary<string, string> { ["hw:numa_nodes"] = "2" }),
        new("asym", 6, 4096, new Dictionary<string, string>
        {
            [Dedicated] = "dedicated", ["hw:numa_nodes"] = "2",
            ["hw:numa_cpus.0"] = "0", ["hw:numa_cpus.1"] = "1-5", ["hw:numa_mem.0"] = "1024", ["hw:numa_mem.1"] = "3072",
        }),
        new("require4", 4, 2048, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:cpu_thread_policy"] = "require" }),
        new("require14", 14, 4096, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:cpu_thread_policy"] = "require", ["hw:numa_nodes"] = "1" }),
        new("require8", 8, 2048, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:cpu_thread_policy"] = "require" }),
        new("isolate4", 4, 2048, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:cpu_thread_policy"] = "isolate" }),
        new("emul2", 2, 1024, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:emulator_threads_policy"] = "isolate" }),
        new("page2m", 2, 2048, new Dictionary<string, string> { ["hw:mem_page_size"] = "2MB" }),
        new("page1g", 2, 2048, new Dictionary<string, string> { ["hw:mem_page_size"] = "1GB" }),
        new("page1g-6", 4, 6144, new Dictionary<string, string> { ["hw:mem_page_size"] = "1GB", ["hw:numa_nodes"] = "1" }),
        new("large", 2, 4096, new Dictionary<string, string> { ["hw:mem_page_size"] = "large" }),
        new("small", 2, 1024, new Dictionary<string, string> { [Dedicated] = "dedicated", ["hw:mem_page_size"] = "small" }),
        new("pci-required", 2, 1024, new Dictionary<string, string>
        {
            ["pci_passthrough:alias"] = "nic:1", ["hw:pci_numa_affinity_policy"] = "required", ["hw:numa_nodes"] = "1", [Dedicated] = "dedicated",
        }),
        new("pci-preferred", 2, 1024, new Dictionary<string, string> { ["pci_passthrough:alias"] = "nic-preferred:1", ["hw:numa_nodes"] = "1", [Dedicated] = "dedicated" }),
        new("pci-legacy", 2, 1024, new Dictionary<string, string> { ["pci_passthrough:alias"] = "nic-legacy:1", ["hw:numa_nodes"] = "1", [Dedicated] = "dedicated" }),
        new("numa5", 5, 640, new Dictionary<string, string> { ["hw:numa_nodes"] = "5" }),
    ];

    public static readonly IReadOnlyList<DiffStep> Steps =
    [
        new("a", "shared2"),
        new("b", "ded4"),
        new("c", "numa2"),
        new("d", "numa4"),
        new("e", "asym"),
        new("f", "require4"),
        new("g", "isolate4"),
        new("h", "emul2"),
        new("i", "page2m"),
        new("j", "page1g"),
        new("k", "large"),
        new("l", "small"),
        new("m", "numa2-shared"),
        new("n", "pci-required"),
        new("o", "pci-preferred"),
        new("p", "pci-legacy"),
        new("q", "pci-required"),
        new("r", "pci-required"),   // every NIC is taken
        new("o", null),
        new("s", "pci-required"),   // the NIC o held
        new("t", "require14"),
        new("u", "require8"),
        new("v", "require4"),
        new("w", "page1g-6"),       // more 1 GiB pages than a node has
        new("x", "numa5"),          // no host has 5 nodes
        new("c", null),
        new("f", null),
        new("y", "numa2"),          // the pins c freed
        new("z", "require4"),       // the cores f freed
        new("d", null),
        new("aa", "numa4"),
        new("ab", "page1g"),
    ];
}
