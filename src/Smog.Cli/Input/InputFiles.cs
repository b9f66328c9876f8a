using System.Collections.Immutable;
using System.Text.Json;
using Smog.Hosts;
using Smog.Hosts.Files;
using Smog.Input;
using Smog.Libvirt.Facts;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;
using Smog.Topology.Merge;
using Smog.Topology.Parsers;

namespace Smog.Cli.Input;

/// <summary>
/// Every file a verb reads, in one place: the file through <see cref="LocalFiles"/>, its content
/// through Core's reader for that kind; any failure becomes an <see cref="InputException"/> whose
/// one line names the file, the line when there is one, and the field.
/// </summary>
internal static class InputFiles
{
    private const string TopologyKinds = "numactl -H text, lstopo console, hwloc XML, virsh capabilities XML, discover JSON or a sysfs directory";

    public static string Text(string path) => Checked(LocalFiles.ReadText(path));

    /// <summary>Writes a result file atomically (never half-written); faults name the path.</summary>
    public static void WriteAtomically(string path, string text)
    {
        if (LocalFiles.WriteAtomically(path, text) is { } error) throw new InputException(error.ToString());
    }

    public static JsonElement Json(string path) => Checked(JsonText.Parse(Text(path), path, null));

    public static ImmutableArray<(int Line, JsonElement Json)> JsonLines(string path) => Checked(JsonText.Lines(Text(path), path));

    /// <summary>One oracle-schema case; with <paramref name="ignoreHost"/> a discovered host stands in for the case's.</summary>
    public static NovaCase Case(string path, bool ignoreHost) => Checked(CaseReader.Read(Text(path), path, ignoreHost));

    public static ImmutableArray<NovaCase> Cases(string path, bool ignoreHost) => Checked(CaseReader.ReadLines(Text(path), path, ignoreHost));

    /// <summary>The oracle's recorded output for a case (fitter-only runs), over the engine's own resolution.</summary>
    public static Resolution Recorded(JsonElement recorded, NovaCase c, string path, int? line = null) =>
        Checked(OracleOutputReader.RecordedResolution(recorded, NovaPlanner.Resolve(c.Flavor, c.Image), path, line));

    public static FlavorInput Flavor(string path) => Checked(FlavorReader.Read(Text(path), path));

    public static ImageProperties Image(string path) => Checked(FlavorReader.ReadImage(Text(path), path));

    public static DomainFacts Domain(string path) => Checked(DomainFactsReader.Parse(Text(path), path));

    public static NovaConf NovaConf(string path) => Checked(NovaConfReader.ParseIni(Text(path), path));

    /// <summary>A <c>smog discover --output json</c> file (the HostTopology contract).</summary>
    public static HostTopology DiscoveredTopology(string path)
    {
        var topology = Checked(TopologyJsonParser.Parse(Text(path), path));
        return topology.Cells.IsEmpty ? throw new InputException($"{path}: the topology has no NUMA cells") : topology;
    }

    /// <summary>
    /// A host for <c>verify</c>: anything <c>discover --from</c> reads, or the boot oracle's
    /// <c>host_numa_topology</c> (a bare cell list, or an oracle output holding one).
    /// </summary>
    public static async Task<HostTopology> HostAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) return TopologyMerger.Merge([await SysfsSourceAsync(path, cancellationToken)]).Topology;
        var text = Text(path);
        if (OracleBootReader.LooksLikeHost(text))
            return HostModel.ToTopology(Checked(JsonText.Parse(text, path, null).Bind(json => OracleBootReader.Host(json, path))));
        return TopologyMerger.Merge([TextSource(path, text)]).Topology;
    }

    /// <summary><c>discover --from</c>: a directory is a sysfs tree, a file is recognised by its content.</summary>
    public static async Task<IReadOnlyList<SourcedTopology>> TopologySourcesAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var sources = new List<SourcedTopology>();
        foreach (var path in paths) sources.Add(await TopologySourceAsync(path, cancellationToken));
        return sources;
    }

    private static async Task<SourcedTopology> TopologySourceAsync(string path, CancellationToken cancellationToken) =>
        Directory.Exists(path) ? await SysfsSourceAsync(path, cancellationToken) : TextSource(path, Text(path));

    private static async Task<SourcedTopology> SysfsSourceAsync(string path, CancellationToken cancellationToken)
    {
        // A copied tree may keep its top folder: accept DIR/sys as well as DIR itself.
        var root = !Directory.Exists(Path.Combine(path, "devices")) && Directory.Exists(Path.Combine(path, "sys", "devices"))
            ? Path.Combine(path, "sys") : path;
        var snapshot = await SysfsSnapshotLoader.LoadAsync(new LocalCommandRunner(), root, cancellationToken);
        if (snapshot.Files.IsEmpty) throw new InputException($"{path}: not a sysfs tree (no devices/system/node or devices/system/cpu files)");
        return new SourcedTopology(path, TopologyFormat.Sysfs, Checked(SysfsParser.Parse(snapshot, path)));
    }

    /// <summary>A file recognised by its content.</summary>
    private static SourcedTopology TextSource(string path, string text)
    {
        var format = TopologyFormats.Detect(text) ?? throw new InputException($"{path}: not a topology smog reads (expected {TopologyKinds})");
        return new SourcedTopology(path, format, Checked(TopologyFormats.Parse(format, text, path)));
    }

    /// <summary>A CPU list given as an option value (<c>--cpu-dedicated-set 2-15</c>).</summary>
    public static CpuSet? Set(string? text, string option)
    {
        if (text is null) return null;
        return CpuSet.TryParse(text, out var set, out var error) ? set : throw new InputException($"{option}: {error}");
    }

    /// <summary>
    /// nova.conf for a host: <paramref name="file"/> (a real nova.conf) replaces <paramref name="fromCase"/>,
    /// and the CPU-set options given on the command line replace both; checked as nova-compute checks them.
    /// </summary>
    public static NovaConf Conf(NovaConf fromCase, string? file, string? dedicated, string? shared, string? vcpuPinSet)
    {
        var conf = file is null ? fromCase : NovaConf(file);
        conf = conf with
        {
            CpuDedicatedSet = Set(dedicated, "--cpu-dedicated-set") ?? conf.CpuDedicatedSet,
            CpuSharedSet = Set(shared, "--cpu-shared-set") ?? conf.CpuSharedSet,
            VcpuPinSet = Set(vcpuPinSet, "--vcpu-pin-set") ?? conf.VcpuPinSet,
        };
        return conf.PoolOverlap is { } overlap
            ? throw new InputException($"cpu_dedicated_set and cpu_shared_set overlap on {overlap} (nova-compute refuses to start)")
            : conf;
    }

    private static T Checked<T>(Parsed<T> parsed) => parsed.Success ? parsed.Value : throw new InputException(parsed.Errors[0].ToString());
}
