#:project ../../src/Smog.Core/Smog.Core.csproj
#:property TreatWarningsAsErrors=false
// Times Smog's numa_get_constraints and get_best_cpu_topology over a case file (oracle case schema,
// JSON Lines). Usage: dotnet run tools/bench/constraints_bench.cs [cases.jsonl] [repetitions]
using System.Diagnostics;
using Smog.Nova.Cases;
using Smog.Nova.Constraints;
using Smog.Nova.CpuTopology;

var path = args.Length > 0 ? args[0] : "tests/fixtures/nova-vectors/cases.jsonl";
var reps = args.Length > 1 ? int.Parse(args[1]) : 20;
var cases = CaseFile.ParseLines(File.ReadAllText(path), path).Select(p => p.Value)
    .Select(c => (Flavor: c.Flavor.ToFlavor(), Image: c.ToImageProperties())).ToArray();

void Run() { foreach (var (f, i) in cases) { NumaConstraints.Get(f, i); CpuTopologyChooser.Best(f, i); } }
Run(); // warm-up (JIT, regex construction)

var times = new List<double>();
for (var r = 0; r < reps; r++)
{
    var sw = Stopwatch.StartNew();
    Run();
    times.Add(sw.Elapsed.TotalMicroseconds / cases.Length);
}
times.Sort();
Console.WriteLine($"{cases.Length} cases x {reps} reps: median {times[reps / 2]:F2} us/case (constraints + cpu topology), min {times[0]:F2}, max {times[^1]:F2}");
