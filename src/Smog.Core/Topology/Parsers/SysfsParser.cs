using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Smog.Topology.Parsers;

/// <summary>
/// Reads a <see cref="SysfsSnapshot"/> of a Linux sysfs tree:
/// <c>devices/system/node/node*/{cpulist,meminfo,distance,hugepages/hugepages-*kB/{nr,free}_hugepages}</c>,
/// <c>devices/system/cpu/cpu*/topology/{thread_siblings_list,physical_package_id,die_id}</c> and
/// <c>bus/pci/devices/*/{numa_node,vendor,device,class,sriov_totalvfs,physfn,virtfn*,net/*}</c>.
/// </summary>
/// <remarks>
/// A kernel without NUMA has no <c>devices/system/node</c>: all online CPUs then form cell 0
/// with unknown memory. A node's <c>distance</c> lists one value per online node in id order
/// (the kernel's <c>node_read_distance</c> walks the online nodes). Errors name the file as
/// the source and line 1.
/// </remarks>
public static partial class SysfsParser
{
    public const string DefaultSource = "sysfs";
    private const string NodeDir = "devices/system/node";
    private const string CpuDir = "devices/system/cpu";
    private const string PciDir = "bus/pci/devices";

    [GeneratedRegex(@"^node(\d+)$")] private static partial Regex NodeName();
    [GeneratedRegex(@"^hugepages-(\d+)kB$")] private static partial Regex HugepageDir();
    [GeneratedRegex(@"^Node\s+\d+\s+(MemTotal|MemFree):\s+(\d+)\s*kB\s*$", RegexOptions.Multiline)] private static partial Regex MeminfoLine();
    [GeneratedRegex(@"^virtfn(\d+)$")] private static partial Regex VirtFn();

    public static Parsed<HostTopology> Parse(SysfsSnapshot sysfs, string source = DefaultSource) =>
        new Reader(sysfs, source).Read();

    private sealed class Reader(SysfsSnapshot sysfs, string source)
    {
        private ParseError? _error;

        public Parsed<HostTopology> Read()
        {
            var nodeIds = sysfs.Children(NodeDir).Select(n => NodeName().Match(n)).Where(m => m.Success)
                .Select(m => TextLines.TryInt(m.Groups[1].Value, out var id) ? id : -1).Where(TopologyAssembler.IsValidId).Order().ToList();
            var onlineCpus = ReadCpuList($"{CpuDir}/online", required: false);
            var cells = new List<RawCell>();
            var cellOfCpu = new SortedDictionary<int, int>();
            if (nodeIds.Count == 0)
            {
                var all = onlineCpus ?? CpusFromDirectories();
                if (_error is null && all.IsEmpty) Fail($"{NodeDir}/node*", "NUMA node directories or devices/system/cpu/online", "neither");
                foreach (var cpu in all) cellOfCpu[cpu] = 0;
                cells.Add(new RawCell(0));
            }
            foreach (var id in nodeIds)
            {
                if (_error is not null) break;
                cells.Add(ReadNode(id, nodeIds, onlineCpus, cellOfCpu));
            }
            var cpus = cellOfCpu.Select(kv => ReadCpu(kv.Key, kv.Value)).ToList();
            var pci = sysfs.Children(PciDir).Select(ReadPci).ToList();
            return _error is { } e ? Parsed<HostTopology>.Fail(e) : Parsed<HostTopology>.Ok(TopologyAssembler.Build(null, cells, cpus, pci));
        }

        private CpuSet CpusFromDirectories() =>
            CpuSet.Of(sysfs.Children(CpuDir).Where(n => n.StartsWith("cpu", StringComparison.Ordinal))
                .Select(n => TextLines.TryInt(n[3..], out var id) && id <= CpuSet.MaxCpuId ? id : -1).Where(id => id >= 0));

        private RawCell ReadNode(int id, List<int> nodeIds, CpuSet? onlineCpus, SortedDictionary<int, int> cellOfCpu)
        {
            var dir = $"{NodeDir}/node{id}";
            var cpus = ReadCpuList($"{dir}/cpulist", required: true) ?? CpuSet.Empty;
            if (onlineCpus is not null) cpus &= onlineCpus;
            foreach (var cpu in cpus)
                if (!cellOfCpu.TryAdd(cpu, id)) Fail($"{dir}/cpulist", $"CPU {cpu} on one node only", $"also on node{cellOfCpu[cpu]}");

            long? total = null, free = null;
            if (sysfs.Read($"{dir}/meminfo") is { } meminfo)
            {
                foreach (Match m in MeminfoLine().Matches(meminfo))
                {
                    if (!TextLines.TryLong(m.Groups[2].Value, out var kib)) { Fail($"{dir}/meminfo", "sizes in kB", m.Value); continue; }
                    if (m.Groups[1].Value == "MemTotal") total = kib / 1024; else free = kib / 1024;
                }
                if (total is null) Fail($"{dir}/meminfo", "a 'Node N MemTotal: N kB' line", FirstLine(meminfo));
            }
            return new RawCell(id) { MemoryMiB = total, FreeMemoryMiB = free, Pages = ReadHugepages(dir), Distances = ReadDistances(dir, nodeIds) };
        }

        private ImmutableArray<PagePool> ReadHugepages(string nodeDir)
        {
            var pools = ImmutableArray.CreateBuilder<PagePool>();
            foreach (var name in sysfs.Children($"{nodeDir}/hugepages"))
            {
                if (HugepageDir().Match(name) is not { Success: true } m || !TextLines.TryLong(m.Groups[1].Value, out var sizeKiB)) continue;
                var dir = $"{nodeDir}/hugepages/{name}";
                var total = ReadLong($"{dir}/nr_hugepages");
                if (total is null) continue;
                pools.Add(new PagePool(sizeKiB, total.Value, ReadLong($"{dir}/free_hugepages")));
            }
            return pools.ToImmutable();
        }

        private ImmutableSortedDictionary<int, int> ReadDistances(string nodeDir, List<int> nodeIds)
        {
            var path = $"{nodeDir}/distance";
            if (sysfs.Read(path) is not { } text) return ImmutableSortedDictionary<int, int>.Empty;
            var online = ReadCpuList($"{NodeDir}/online", required: false)?.ToList() ?? nodeIds;
            var values = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (values.Length != online.Count)
            {
                Fail(path, $"{online.Count} distances, one per online node", text.Trim());
                return ImmutableSortedDictionary<int, int>.Empty;
            }
            var d = ImmutableSortedDictionary.CreateBuilder<int, int>();
            for (var i = 0; i < values.Length; i++)
            {
                if (!TextLines.TryInt(values[i], out var v)) { Fail(path, "numeric distances", values[i]); break; }
                d[online[i]] = v;
            }
            return d.ToImmutable();
        }

        private RawCpu ReadCpu(int id, int cell)
        {
            var dir = $"{CpuDir}/cpu{id}/topology";
            var siblings = ReadCpuList($"{dir}/thread_siblings_list", required: false);
            var coreKey = siblings is { IsEmpty: false } s ? s.Min : id;
            if (siblings is not null && !siblings.Contains(id)) Fail($"{dir}/thread_siblings_list", $"a list holding CPU {id}", siblings.ToString());
            return new RawCpu(id, cell, ReadSigned($"{dir}/physical_package_id") ?? 0, ReadSigned($"{dir}/die_id") ?? 0, coreKey);
        }

        private PciDevice ReadPci(string name)
        {
            var dir = $"{PciDir}/{name}";
            var address = PciIds.Address(name);
            if (address is null) Fail(dir, "a PCI address such as 0000:03:00.0", name);
            var node = ReadSigned($"{dir}/numa_node");
            return new PciDevice
            {
                Address = address ?? name,
                VendorId = PciIds.Hex(sysfs.Read($"{dir}/vendor"), 4),
                ProductId = PciIds.Hex(sysfs.Read($"{dir}/device"), 4),
                ClassCode = PciIds.Hex(sysfs.Read($"{dir}/class"), 4),
                NumaNode = node is >= 0 ? node : null, // -1: the platform reports no affinity
                NetDev = NetDevOf(dir),
                PhysicalFunction = sysfs.LinkTarget($"{dir}/physfn") is { } pf ? PciIds.Address(LastSegment(pf)) : null,
                VirtualFunctions = sysfs.Children(dir)
                    .Select(n => (Match: VirtFn().Match(n), Name: n)).Where(x => x.Match.Success)
                    .OrderBy(x => TextLines.TryInt(x.Match.Groups[1].Value, out var i) ? i : int.MaxValue)
                    .Select(x => sysfs.LinkTarget($"{dir}/{x.Name}") is { } t ? PciIds.Address(LastSegment(t)) : null)
                    .OfType<string>().ToImmutableArray(),
                SriovTotalVfs = ReadSigned($"{dir}/sriov_totalvfs") is { } total and >= 0 ? total : null,
            };
        }

        /// <summary>The interface under <c>net/</c>, or under <c>virtioN/net/</c> for virtio-net functions.</summary>
        private string? NetDevOf(string dir) =>
            sysfs.Children($"{dir}/net").FirstOrDefault()
            ?? sysfs.Children(dir).Where(n => n.StartsWith("virtio", StringComparison.Ordinal))
                .Select(v => sysfs.Children($"{dir}/{v}/net").FirstOrDefault()).FirstOrDefault(n => n is not null);

        private CpuSet? ReadCpuList(string path, bool required)
        {
            if (sysfs.Read(path) is not { } text)
            {
                if (required) Fail(path, "a CPU list file", "no such file");
                return null;
            }
            if (CpuSet.TryParse(text.Trim(), out var set, out var error, allowExclusions: false)) return set;
            Fail(path, "a CPU list such as 0-3,8", $"{text.Trim()} ({error})");
            return null;
        }

        private long? ReadLong(string path)
        {
            if (sysfs.Read(path) is not { } text) return null;
            if (TextLines.TryLong(text.Trim(), out var v)) return v;
            Fail(path, "a number", text.Trim());
            return null;
        }

        private int? ReadSigned(string path)
        {
            if (sysfs.Read(path) is not { } text) return null;
            if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
            Fail(path, "an integer", text.Trim());
            return null;
        }

        private void Fail(string path, string expected, string? found) =>
            _error ??= new ParseError($"{source}/{path}", 1, expected, found);

        private static string LastSegment(string path) => path.TrimEnd('/').Split('/')[^1];
        private static string FirstLine(string s) => s.Split('\n', 2)[0];
    }
}
