using System.Globalization;
using System.Text;

namespace Smog.Cloud.Lab;

/// <summary>
/// Writes a lab YAML of any size for scale measurements (<c>smog bench cloud</c>): the default lab's
/// four kinds of host (two textbook boxes, the SMT host with huge pages, the SR-IOV host) repeated
/// in order, each written out in full so that reading it costs what a hand-written lab of that size
/// costs. Host i is named <c>compute-i</c>; the first four are the default lab's hosts.
/// </summary>
public static class LabGenerator
{
    private const string Controller = """
        controller:
          nova_conf: |
            [filter_scheduler]
            enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,AggregateInstanceExtraSpecsFilter,NUMATopologyFilter,PciPassthroughFilter
            host_subset_size = 1
            shuffle_best_same_weighed_hosts = false
            [pci]
            alias = {"name": "nic", "vendor_id": "8086", "product_id": "1572", "device_type": "type-PCI", "numa_policy": "required"}
            alias = {"name": "nic-legacy", "vendor_id": "8086", "product_id": "1572", "device_type": "type-PCI", "numa_policy": "legacy"}
            alias = {"name": "nic-preferred", "vendor_id": "8086", "product_id": "1572", "device_type": "type-PCI", "numa_policy": "preferred"}
            alias = {"name": "nic-socket", "vendor_id": "8086", "product_id": "1572", "device_type": "type-PCI", "numa_policy": "socket"}
        """;

    // The default lab's host kinds (default-lab.yml), indented as list items' bodies.
    private static readonly string[] Kinds =
    [
        """
            topology:
              sockets: 4
              cells: 4
              cores_per_cell: 8
              threads_per_core: 1
              memory_per_cell: 32GiB
              pci:
                - { address: "0000:18:00.0", cell: 0, vendor_id: "8086", product_id: "1572", kind: pci }
                - { address: "0000:3b:00.0", cell: 1, vendor_id: "8086", product_id: "1572", kind: pci }
            nova_conf: |
              [DEFAULT]
              reserved_host_memory_mb = 512
              [compute]
              cpu_shared_set = 0,8,16,24
              cpu_dedicated_set = 1-7,9-15,17-23,25-31
              [pci]
              device_spec = {"vendor_id": "8086", "product_id": "1572"}
        """,
        null!,
        """
            topology:
              sockets: 2
              cells: 2
              cores_per_cell: 8
              threads_per_core: 2
              memory_per_cell: 32GiB
              pages_per_cell: { 2M: 1024, 1G: 4 }
            nova_conf: |
              [DEFAULT]
              reserved_host_memory_mb = 512
              [compute]
              cpu_shared_set = 0,16,8,24
              cpu_dedicated_set = 1-7,9-15,17-23,25-31
        """,
        """
            topology:
              sockets: 3
              cells: 3
              cores_per_cell: 8
              threads_per_core: 1
              memory_per_cell: 32GiB
              pages_per_cell: { 2M: 512 }
              pci:
                - { address: "0000:5e:00.0", cell: 0, vendor_id: "8086", product_id: "158b", kind: pf, vfs: 8, vf_product_id: "154c" }
                - { address: "0000:d8:00.0", cell: 1, vendor_id: "8086", product_id: "158b", kind: pf, vfs: 8, vf_product_id: "154c" }
            nova_conf: |
              [DEFAULT]
              reserved_host_memory_mb = 512
              [compute]
              cpu_shared_set = 0,1,8,9,16
              cpu_dedicated_set = 2-7,10-15,17-23
              [pci]
              device_spec = {"vendor_id": "8086", "product_id": "154c", "physical_network": "sriovnet"}
        """,
    ];

    /// <summary>A lab of <paramref name="hosts"/> hosts.</summary>
    public static string Yaml(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 1);
        var b = new StringBuilder("version: 1\n").Append(Controller).Append("\nhosts:\n");
        for (var i = 0; i < hosts; i++)
        {
            var kind = Kinds[i % 4] ?? Kinds[0];
            b.Append(CultureInfo.InvariantCulture, $"  - name: compute-{i}\n").Append(kind).Append('\n');
        }
        return b.Append("aggregates: []\n").ToString();
    }
}
