using System.Collections.Immutable;
using System.Globalization;
using Smog.Hosts;
using Smog.Topology;

namespace Smog.Cloud.Simulation.HostAccess;

/// <summary>
/// The sysfs files and directories discovery reads, of a simulated host under <c>/sys</c>: NUMA nodes
/// (cpulist, meminfo, distance, huge page pools), the machine-wide pools (<c>kernel/mm/hugepages</c>,
/// which <c>smog env hugepages</c> reads), CPU topology and PCI functions (ids, class, NUMA node,
/// SR-IOV counts and <c>physfn</c>/<c>virtfnN</c> links).
/// </summary>
internal sealed class SysfsTree
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, DirectoryEntry>> _dirs = new(StringComparer.Ordinal);

    public SysfsTree(HostFacts facts, string root = "/sys")
    {
        var t = facts.Topology;
        var node = $"{root}/devices/system/node";
        File($"{node}/online", CpuSet.Of(t.Cells.Select(c => c.Id)).ToString());
        File($"{node}/possible", CpuSet.Of(t.Cells.Select(c => c.Id)).ToString());
        foreach (var cell in t.Cells)
        {
            var dir = $"{node}/node{cell.Id}";
            var totalKiB = facts.MemoryKiBOf(cell);
            var freeKiB = facts.FreeMemoryKiBOf(cell);
            File($"{dir}/cpulist", cell.Cpus.ToString());
            // Linux's "Node %d %-15s %8lu kB" lines.
            File($"{dir}/meminfo", string.Concat(new[] { ("MemTotal:", totalKiB), ("MemFree:", freeKiB), ("MemUsed:", totalKiB - freeKiB) }
                .Select(m => $"Node {cell.Id} {m.Item1,-15} {Num(m.Item2),8} kB\n")).TrimEnd('\n'));
            File($"{dir}/distance", string.Join(' ', t.Cells.Select(o => cell.Distances.GetValueOrDefault(o.Id, o.Id == cell.Id ? 10 : 20))));
            Dir($"{dir}/hugepages");
            foreach (var pool in cell.Pages.Where(p => p.SizeKiB != 4))
            {
                var poolDir = $"{dir}/hugepages/hugepages-{pool.SizeKiB}kB";
                File($"{poolDir}/nr_hugepages", Num(pool.Total));
                File($"{poolDir}/free_hugepages", Num(facts.FreeOf(cell, pool)));
                File($"{poolDir}/surplus_hugepages", "0");
            }
        }
        // The machine-wide pools are the per-node pools summed.
        foreach (var size in t.Cells.SelectMany(c => c.Pages).Select(p => p.SizeKiB).Where(s => s != 4).Distinct().Order())
        {
            var pools = t.Cells.Select(c => (Cell: c, Pool: c.PagesOfSize(size))).Where(x => x.Pool is not null).ToList();
            var dir = $"{root}/kernel/mm/hugepages/hugepages-{size}kB";
            File($"{dir}/nr_hugepages", Num(pools.Sum(x => x.Pool!.Total)));
            File($"{dir}/free_hugepages", Num(pools.Sum(x => facts.FreeOf(x.Cell, x.Pool!))));
            File($"{dir}/resv_hugepages", "0");
            File($"{dir}/surplus_hugepages", "0");
        }
        var cpu = $"{root}/devices/system/cpu";
        File($"{cpu}/online", t.AllCpus.ToString());
        File($"{cpu}/possible", t.AllCpus.ToString());
        foreach (var c in t.Cpus)
        {
            var dir = $"{cpu}/cpu{c.Id}/topology";
            File($"{dir}/thread_siblings_list", t.SiblingsOf(c.Id).ToString());
            File($"{dir}/core_id", Num(CapabilitiesWriter.CoreIndex(t, c)));
            File($"{dir}/physical_package_id", Num(c.Socket));
            File($"{dir}/die_id", Num(c.Die));
        }
        var pci = $"{root}/bus/pci/devices";
        Dir(pci);
        foreach (var d in t.PciDevices)
        {
            var dir = $"{pci}/{d.Address}";
            File($"{dir}/numa_node", d.NumaNode is { } n ? Num(n) : "-1");
            File($"{dir}/vendor", "0x" + (d.VendorId ?? "ffff"));
            File($"{dir}/device", "0x" + (d.ProductId ?? "ffff"));
            File($"{dir}/class", "0x" + (d.ClassCode ?? "0200") + "00");
            if (d.SriovTotalVfs is { } total)
            {
                File($"{dir}/sriov_totalvfs", Num(total));
                File($"{dir}/sriov_numvfs", Num(d.VirtualFunctions.Length));
            }
            for (var i = 0; i < d.VirtualFunctions.Length; i++) Link($"{dir}/virtfn{i}", $"../{d.VirtualFunctions[i]}");
            if (d.PhysicalFunction is { } pf) Link($"{dir}/physfn", $"../{pf}");
        }
    }

    public string? Read(string path) => _files.GetValueOrDefault(Normal(path));

    public IReadOnlyList<DirectoryEntry> List(string path) =>
        _dirs.TryGetValue(Normal(path), out var entries) ? [.. entries.Values] : [];

    private static string Normal(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private void File(string path, string content)
    {
        _files[path] = content + "\n";
        Add(path, EntryKind.File, null);
    }

    private void Link(string path, string target) => Add(path, EntryKind.Symlink, target);

    private void Dir(string path)
    {
        if (_dirs.ContainsKey(path)) return;
        _dirs[path] = new(StringComparer.Ordinal);
        var slash = path.LastIndexOf('/');
        if (slash > 0) Add(path, EntryKind.Directory, null);
    }

    private void Add(string path, EntryKind kind, string? target)
    {
        var slash = path.LastIndexOf('/');
        var parent = path[..slash];
        Dir(parent);
        _dirs[parent][path[(slash + 1)..]] = new DirectoryEntry(path[(slash + 1)..], kind, target);
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
