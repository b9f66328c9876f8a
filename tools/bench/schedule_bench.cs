#:project ../../src/Smog.Core/Smog.Core.csproj
#:property TreatWarningsAsErrors=false
// The embedded cloud's scheduling loop on the Nova engine, single-threaded: builds N hosts with
// HostModel.FromTopology (2 NUMA nodes x 16 cores x 2 threads, 128 GiB per node, cpu_shared_set
// = 4 cores per node, the rest dedicated), then places M instances one decision at a time:
// resolve the flavor, NUMATopologyFilter (ComputeNode.Passes) on every host, fit + claim on a
// random passing host. Every 4th decision also releases an earlier instance (Release). Wall time
// is what a busy machine gives the process; CPU time is printed beside it.
// Usage: dotnet run -c Release tools/bench/schedule_bench.cs [hosts] [instances] [seed]
using System.Collections.Immutable;
using System.Diagnostics;
using Smog.Nova;
using Smog.Nova.Config;
using Smog.Nova.Scheduling;
using Smog.Topology;

var hosts = args.Length > 0 ? int.Parse(args[0]) : 1000;
var instances = args.Length > 1 ? int.Parse(args[1]) : 10000;
var random = new Random(args.Length > 2 ? int.Parse(args[2]) : 1);

const int Nodes = 2, Cores = 16, Threads = 2;
var topology = Topology();
var conf = new NovaConf
{
    CpuSharedSet = CpuSet.Of(Enumerable.Range(0, Nodes).SelectMany(n => Enumerable.Range(0, 4).SelectMany(c => Cpus(n, c)))),
    CpuDedicatedSet = CpuSet.Of(Enumerable.Range(0, Nodes).SelectMany(n => Enumerable.Range(4, Cores - 4).SelectMany(c => Cpus(n, c)))),
};

var build = Stopwatch.StartNew();
var nodes = Enumerable.Range(0, hosts).Select(_ => ComputeNode.FromTopology(topology, conf)).ToArray();
build.Stop();

Flavor F(int vcpus, long mib, params (string, string)[] specs) => new(vcpus, mib, specs.ToImmutableSortedDictionary(s => s.Item1, s => s.Item2));
var flavors = new[]
{
    F(2, 4096),                                                                   // no NUMA topology: the filter passes at once
    F(4, 8192, ("hw:numa_nodes", "1")),                                           // shared, one cell
    F(4, 8192, ("hw:cpu_policy", "dedicated")),                                   // pinned, one cell
    F(8, 16384, ("hw:cpu_policy", "dedicated"), ("hw:numa_nodes", "2")),          // pinned, two cells
    F(4, 8192, ("hw:cpu_policy", "dedicated"), ("hw:cpu_thread_policy", "isolate")),
    F(6, 12288, ("hw:cpu_policy", "dedicated"), ("hw:emulator_threads_policy", "isolate")),
};

var placed = new List<(int Host, FittedTopology Instance)>();
long filterTicks = 0, fitTicks = 0, claimTicks = 0, releaseTicks = 0, filterCalls = 0, noHost = 0;
var passing = new List<int>(hosts);
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var total = Stopwatch.StartNew();
for (var i = 0; i < instances; i++)
{
    var flavor = flavors[random.Next(flavors.Length)];
    var request = new NovaRequest(flavor, ImageProperties.None);
    var resolution = NovaPlanner.Resolve(flavor, ImageProperties.None);
    var t0 = Stopwatch.GetTimestamp();
    passing.Clear();
    for (var h = 0; h < nodes.Length; h++)
        if (resolution.Topology is not { } t || nodes[h].Passes(t, request)) passing.Add(h);
    filterCalls += nodes.Length;
    var t1 = Stopwatch.GetTimestamp();
    filterTicks += t1 - t0;
    if (passing.Count == 0 || resolution.Topology is not { } topo) { noHost += passing.Count == 0 ? 1 : 0; continue; }
    var host = passing[random.Next(passing.Count)];
    var fit = nodes[host].Fit(topo);
    var t2 = Stopwatch.GetTimestamp();
    fitTicks += t2 - t1;
    var (claimed, error) = nodes[host].Claim(fit.Topology!);
    claimTicks += Stopwatch.GetTimestamp() - t2;
    if (claimed is null) throw new InvalidOperationException($"claim failed: {error}");
    nodes[host] = claimed;
    placed.Add((host, fit.Topology!));
    if (i % 4 == 3)
    {
        var which = random.Next(placed.Count);
        var (h, instance) = placed[which];
        placed[which] = placed[^1];
        placed.RemoveAt(placed.Count - 1);
        var t3 = Stopwatch.GetTimestamp();
        var (released, releaseError) = nodes[h].Release(instance);
        releaseTicks += Stopwatch.GetTimestamp() - t3;
        nodes[h] = released ?? throw new InvalidOperationException($"release failed: {releaseError}");
    }
}
total.Stop();
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;

double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
Console.WriteLine($"{hosts} hosts built (HostModel.FromTopology) in {build.Elapsed.TotalMilliseconds:0} ms, {build.Elapsed.TotalMicroseconds / hosts:0.0} us per host");
Console.WriteLine($"{instances} decisions in {total.Elapsed.TotalSeconds:0.00} s: {instances / total.Elapsed.TotalSeconds:0} decisions/s; {placed.Count} instances left placed, {noHost} without a host");
Console.WriteLine($"  process CPU time {cpu:0.00} s (all threads, JIT included): {instances / cpu:0} decisions per CPU-second");
Console.WriteLine($"  filter: {Us(filterTicks) / filterCalls:0.000} us per host ({Us(filterTicks) / instances:0} us per decision)");
Console.WriteLine($"  fit: {Us(fitTicks) / instances:0.0} us, claim: {Us(claimTicks) / instances:0.0} us, release: {Us(releaseTicks) / (instances / 4):0.0} us per call");

IEnumerable<int> Cpus(int node, int core) => Enumerable.Range(0, Threads).Select(t => t * Nodes * Cores + node * Cores + core);

HostTopology Topology() => new()
{
    Cells = [.. Enumerable.Range(0, Nodes).Select(n => new NumaCell
    {
        Id = n,
        Cpus = CpuSet.Of(Enumerable.Range(0, Cores).SelectMany(c => Cpus(n, c))),
        Siblings = [.. Enumerable.Range(0, Cores).Select(c => CpuSet.Of(Cpus(n, c)))],
        MemoryMiB = 131072,
    })],
    Cpus = [.. Enumerable.Range(0, Nodes).SelectMany(n => Enumerable.Range(0, Cores).SelectMany(c =>
        Cpus(n, c).Select(id => new CpuInfo(id, n, n, 0, n * Cores + c))))
        .OrderBy(c => c.Id)],
};
